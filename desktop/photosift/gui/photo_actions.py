"""Things a user does with photo files outside PhotoSift: reveal, open, copy the path.

Each hands the work to the desktop (file manager, default app, clipboard) and returns at once;
nothing here reads the files. Revealing a file (folder opened *with the file selected*) has no
portable Qt call, so each platform gets its native way, falling back to opening the folder.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QProcess, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from photosift.core.paths import display_path

FREEDESKTOP_SHOW_ITEMS = [
    "--session",
    "--dest=org.freedesktop.FileManager1",
    "--type=method_call",
    "/org/freedesktop/FileManager1",
    "org.freedesktop.FileManager1.ShowItems",
]


def reveal_in_file_manager(path: Path) -> bool:
    """Open the file manager at `path` with the file selected where the platform allows it."""
    if sys.platform == "darwin":
        return QProcess.startDetached("open", ["-R", str(path)])[0]
    if sys.platform == "win32":
        return QProcess.startDetached("explorer", [f"/select,{os.path.normpath(path)}"])[0]
    uri = QUrl.fromLocalFile(str(path)).toString()
    if QProcess.startDetached(
        "dbus-send", [*FREEDESKTOP_SHOW_ITEMS, f"array:string:{uri}", "string:"]
    )[0]:
        return True
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def open_with_default_app(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def copy_paths(paths: Sequence[Path]) -> str:
    """Put the paths on the clipboard, one per line; returns the text copied."""
    text = "\n".join(display_path(p) for p in paths)
    QGuiApplication.clipboard().setText(text)
    return text
