"""Where file dialogs open: the user's Pictures folder or home, never the working directory.

Why: a dialog opened with no start folder shows the process's working directory, which for a
desktop launch is "/" or the install folder, and for a terminal launch wherever the user was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def pictures_folder() -> str:
    """The desktop's Pictures folder when it exists, else the home folder."""
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return pictures if pictures and Path(pictures).is_dir() else home_folder()


def home_folder() -> str:
    return str(Path.home())
