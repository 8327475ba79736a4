"""What a window user can do next, for each `Remedy` a core error carries.

The core says what went wrong; this module says it in the GUI's own terms (menus, buttons and
dialogs), so no dialog ever tells a user to pass a command-line flag. The CLI words the same
remedies with commands (cli/remedies.py).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from photosift.core.errors import PhotoSiftError, Remedy


def _tr(text: str) -> str:
    return QCoreApplication.translate("Remedies", text)


def gui_remedy(error: PhotoSiftError) -> str:
    """The sentence to show after the error's own message ("" when there is nothing to add)."""
    remedy = error.remedy
    if remedy is Remedy.INDEX_FOLDER:
        return _tr("Add a folder with File › Add Folder… to index its photos.")
    if remedy is Remedy.REINDEX_OR_SWITCH_MODEL:
        return _tr(
            "Index the photos again with this model, or choose the library's model in Settings."
        )
    if remedy is Remedy.CHOOSE_MODEL:
        return _tr("Choose one in Settings.")
    if remedy is Remedy.REINDEX_MODEL:
        return _tr("Index the photos again to use it.")
    if remedy is Remedy.ADD_FOLDER:
        return _tr("Add it with File › Add Folder….")
    if remedy is Remedy.CHOOSE_OTHER_LIBRARY:
        return _tr("Move the file aside, or start PhotoSift with another library file.")
    if remedy in (Remedy.ADD_LABEL, Remedy.SEE_LABELS):
        return _tr("Edit the labels in the Tags panel.")
    if remedy is Remedy.SEE_MODELS:
        return _tr("Settings lists the recommended models.")
    if remedy is Remedy.USE_MODEL_FOLDER:
        return _tr("Choose “Use a model folder…” to pick one.")
    return ""


def describe(error: BaseException) -> str:
    """A message for a dialog or a status line: the error and, for ours, the GUI's remedy."""
    if not isinstance(error, PhotoSiftError):
        return str(error)
    remedy = gui_remedy(error)
    return f"{error} {remedy}" if remedy else str(error)
