"""What a window user can do next, for each `Remedy` a core error carries.

The core says what went wrong; this module says it in the GUI's own terms (menus, buttons and
dialogs), so no dialog ever tells a user to pass a command-line flag. The CLI words the same
remedies with commands (cli/remedies.py).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from photosift.core.errors import PhotoSiftError, Remedy


def gui_remedy(error: PhotoSiftError) -> str:
    """The sentence to show after the error's own message ("" when there is nothing to add)."""
    remedy = error.remedy
    if remedy is Remedy.INDEX_FOLDER:
        return QCoreApplication.translate(
            "Remedies", "Add a folder with File › Add Folder… to index its photos."
        )
    if remedy is Remedy.REINDEX_OR_SWITCH_MODEL:
        return QCoreApplication.translate(
            "Remedies",
            "Index the photos again with this model, or choose the library's model in Settings.",
        )
    if remedy is Remedy.CHOOSE_MODEL:
        return QCoreApplication.translate("Remedies", "Choose one in Settings.")
    if remedy is Remedy.REINDEX_MODEL:
        return QCoreApplication.translate("Remedies", "Index the photos again to use it.")
    if remedy is Remedy.ADD_FOLDER:
        return QCoreApplication.translate("Remedies", "Add it with File › Add Folder….")
    if remedy is Remedy.CHOOSE_OTHER_LIBRARY:
        return QCoreApplication.translate(
            "Remedies", "Move the file aside, or start PhotoSift with another library file."
        )
    if remedy in (Remedy.ADD_LABEL, Remedy.SEE_LABELS):
        return QCoreApplication.translate("Remedies", "Edit the labels in the Tags panel.")
    if remedy is Remedy.SEE_MODELS:
        return QCoreApplication.translate("Remedies", "Settings lists the recommended models.")
    if remedy is Remedy.USE_MODEL_FOLDER:
        return QCoreApplication.translate("Remedies", "Choose “Use a model folder…” to pick one.")
    if remedy is Remedy.FREE_SPACE_AND_RETRY:
        return QCoreApplication.translate(
            "Remedies", "Free some space on it, then index again: it continues where it stopped."
        )
    if remedy is Remedy.RECOVER_LIBRARY:
        return QCoreApplication.translate(
            "Remedies",
            "Quit PhotoSift and keep a copy of the file, then restore a backup (a .bak file "
            "beside it, if there is one) or rescue what is readable with sqlite3's .recover "
            "command, and start PhotoSift with the recovered file.",
        )
    if remedy is Remedy.USE_WRITABLE_LIBRARY:
        return QCoreApplication.translate(
            "Remedies",
            "To index or tag, make the file and its folder writable, or start PhotoSift with "
            "another library file.",
        )
    if remedy is Remedy.READ_MORE_TEXT:
        return QCoreApplication.translate(
            "Remedies",
            "Turn on “Read the text in photos while indexing” and index more photos (a folder "
            "with receipts, screenshots or signs helps), then calibrate again.",
        )
    return ""


def describe(error: BaseException) -> str:
    """A message for a dialog or a status line: the error and, for ours, the GUI's remedy.

    Raw storage failures arrive here already turned into the library's own errors: a worker
    `Job` does that (gui/workers.py), judged against its lane's library file.
    """
    if not isinstance(error, PhotoSiftError):
        return str(error)
    remedy = gui_remedy(error)
    return f"{error} {remedy}" if remedy else str(error)
