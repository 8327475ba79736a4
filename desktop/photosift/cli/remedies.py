"""What a terminal user can do next, for each `Remedy` a core error carries.

The core says what went wrong; this module says it in the CLI's own terms (commands and
flags). The GUI words the same remedies with menus and buttons (gui/remedies.py).
"""

from __future__ import annotations

from photosift.core.errors import PhotoSiftError, Remedy


def cli_remedy(error: PhotoSiftError) -> str:
    """The sentence to print after the error's own message ("" when there is nothing to add)."""
    data = error.data
    remedy = error.remedy
    if remedy is Remedy.INDEX_FOLDER:
        model = f" --model {data['model']}" if data.get("model") else ""
        return f"Index a folder first with `photosift index FOLDER{model}`."
    if remedy is Remedy.REINDEX_OR_SWITCH_MODEL:
        return (
            f"Re-index with `photosift index --model {data['loaded_spec']}` or search with "
            f"`--model {data['library_spec']}`."
        )
    if remedy is Remedy.CHOOSE_MODEL:
        return "Choose one with --model."
    if remedy is Remedy.REINDEX_MODEL:
        return f"Remove its vectors with `photosift index --reindex --model {data['spec']}` to index again."
    if remedy is Remedy.ADD_FOLDER:
        return f"Add it with `photosift index {data['folder']}`."
    if remedy is Remedy.CHOOSE_OTHER_LIBRARY:
        return "Choose another file with --db, or move this one aside."
    if remedy is Remedy.ADD_LABEL:
        return "Add labels with `photosift vocabulary add NAME`."
    if remedy is Remedy.SEE_LABELS:
        return "`photosift vocabulary list` shows the labels."
    if remedy is Remedy.USE_MODEL_FOLDER:
        return "Pass a model folder as --model local-dir:/path/to/folder."
    if remedy is Remedy.INSTALL_CLUSTER_EXTRA:
        return f"Install it with `pip install 'photosift[{data['extra']}]'` (from a checkout: `pip install -e '.[{data['extra']}]'`)."
    if remedy is Remedy.SEE_MODELS:
        return "`photosift models` lists good choices."
    if remedy is Remedy.FREE_SPACE_AND_RETRY:
        return "Free some space on it and run the command again; it continues where it stopped."
    if remedy is Remedy.RECOVER_LIBRARY:
        return (
            "To recover: keep a copy of the file, then restore a backup (a LIBRARY.vN.bak "
            "beside it, if there is one) or rescue what is readable with "
            f"`sqlite3 {data['path']} .recover | sqlite3 recovered.sqlite3` and use "
            "--db recovered.sqlite3."
        )
    if remedy is Remedy.USE_WRITABLE_LIBRARY:
        return "To index or tag, make the file and its folder writable, or use another library with --db."
    if remedy is Remedy.READ_MORE_TEXT:
        return (
            "Read the text of more photos with `photosift index --text FOLDER` (a folder with "
            "receipts, screenshots or signs helps), then calibrate again."
        )
    return ""


def describe(error: PhotoSiftError) -> str:
    """The whole line: the error, then the CLI's remedy."""
    remedy = cli_remedy(error)
    return f"{error} {remedy}" if remedy else str(error)
