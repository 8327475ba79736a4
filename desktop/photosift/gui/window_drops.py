"""What was dropped on the window: photo folders to add, or an image to search by.

A drop is judged by the files themselves: any folder means "add to the library"; otherwise
the first file with an image extension is a query by example. Remote URLs are ignored, since
PhotoSift indexes local files only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData


def dropped_paths(mime: QMimeData) -> list[Path]:
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def split_drop(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(folders, image files) among the dropped paths."""
    from photosift.core.imaging.decode import IMAGE_EXTENSIONS

    folders = [path for path in paths if path.is_dir()]
    images = [
        path
        for path in paths
        if path.is_file() and path.suffix.lower().lstrip(".") in IMAGE_EXTENSIONS
    ]
    return folders, images
