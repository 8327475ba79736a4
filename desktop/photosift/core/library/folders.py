"""Turning the folders a user names into library folders: resolved, checked, added once.

Every face adds folders (the CLI's `index DIR`, the GUI's Add Folder and drag-and-drop), and the
indexer accepts them too; this module is the one place that decides what a given path means.
A path is expanded and resolved (links and `..`), must be a folder on disk — unless the library
already knows it, because a known folder may be missing only for now (its drive is unplugged:
it is marked offline, never dropped).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.core.errors import PhotoSiftError
from photosift.core.paths import display_path

if TYPE_CHECKING:
    from photosift.core.library.records import Root
    from photosift.core.library.store import Store


class FolderNotFoundError(PhotoSiftError):
    """A folder given to the library does not exist (and the library does not know it)."""


def resolve_folders(store: Store | None, folders: Sequence[str | Path]) -> list[Path]:
    """Resolved folders, or FolderNotFoundError for one that is neither on disk nor a known root."""
    resolved = []
    for given in folders:
        path = Path(given).expanduser().resolve()
        if not path.is_dir() and (store is None or store.root_by_path(str(path)) is None):
            raise FolderNotFoundError(
                f"The folder {display_path(path)} does not exist or is not a folder. "
                "Check the path and try again.",
                folder=path,
            )
        resolved.append(path)
    return resolved


def add_folders(store: Store, folders: Sequence[str | Path]) -> list[Root]:
    """The library folders for `folders`, adding the ones the library does not have yet."""
    return [
        store.root_by_path(str(path)) or store.add_root(path)
        for path in resolve_folders(store, folders)
    ]
