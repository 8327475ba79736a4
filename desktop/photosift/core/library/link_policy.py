"""Where a symlink inside a photo folder may lead the scanner, and where PhotoSift may write.

Policy (issue 16): links inside the user's folders are followed, because photo folders often
link to a NAS share or a second drive, but never

- into a system folder (``/``, ``/usr``, ``/proc``, ``/dev``, ...): a link to ``/`` once made a
  scan list thousands of system images;
- to an ancestor of the library folder (the link would walk the folder it is in again, or
  everything around it);
- in a loop (the scanner keeps the (device, inode) of every folder it entered).

PhotoSift only ever *writes* (XMP sidecars) inside the folders the user added, judged after
resolving links: a photo reached through a link to elsewhere is tagged in the library, but
its sidecar is not written there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

#: Folders a link from a photo folder never leads into (nor into anything inside them).
SYSTEM_FOLDERS = tuple(
    Path(p)
    for p in (
        "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
        "/run", "/sbin", "/snap", "/sys", "/usr", "/var/lib", "/var/cache", "/var/log",
        "/System", "/Library", "/private/etc", "/private/var", "C:/Windows",
        "C:/Program Files", "C:/Program Files (x86)",
    )
)  # fmt: skip


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def link_allowed(target: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Whether the scanner may enter the folder a link resolves to (`target`, resolved)."""
    target, root = Path(target), Path(os.path.realpath(root))
    if _inside(target, root):
        return True  # a link within the library folder: the loop guard handles cycles
    if target in root.parents or target == Path(target.anchor):
        return False  # an ancestor (or the file system's top) holds the library itself
    return not any(_inside(target, system) for system in SYSTEM_FOLDERS)


def inside_any(path: str | os.PathLike[str], folders: Iterable[str | os.PathLike[str]]) -> bool:
    """Whether `path`, links resolved, lies inside one of `folders` (links resolved too)."""
    real = Path(os.path.realpath(path))
    return any(_inside(real, Path(os.path.realpath(folder))) for folder in folders)
