"""Walk the library's folders and work out what changed since the last run.

The walk never opens an image: it only lists and stats, so re-scanning 100k unchanged photos
costs seconds. A file is "unchanged" when size and mtime_ns match what the store recorded; a
file that appeared under a new name is first checked against the photos that disappeared in
the same scan by content fingerprint (only for equal sizes, so fingerprints are rarely read
here), and a match is a move: same photo id, same vector, same tags.

Safety rules, because a wrong "deleted" verdict destroys a user's tags:
- a root that is missing, unreadable or completely empty while the library knows photos in it
  is treated as offline (an unplugged drive or an unmounted mount point), never as emptied;
- photos under a sub-folder that could not be listed are kept as they are.

Hidden folders and files (dot-names: .git, .thumbnails, macOS "._IMG_1.JPG" resource forks) are
left out unless asked for; only extensions the decoder claims are listed, so other files are
ignored silently rather than reported as skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from photosift.core.cancel import CancelToken
from photosift.core.imaging.fingerprint import fingerprint_file
from photosift.core.paths import encode_relpath
from photosift.core.library.store import KnownPhoto, PhotoMove, Root, Store

#: Skips that say nothing about the file itself; such files are retried on every run.
RETRIED_REASONS = frozenset({"permission_denied", "vanished"})


@dataclass(frozen=True)
class FoundFile:
    relpath: str  # '/'-separated, as the OS names it (may hold surrogate escapes)
    size: int
    mtime_ns: int

    @property
    def file_type(self) -> str:
        return self.relpath.rsplit(".", 1)[-1].lower()


@dataclass
class RootListing:
    path: Path
    available: bool  # False: missing or unreadable, so its photos go offline
    empty: bool = False  # the folder exists but holds nothing at all
    files: list[FoundFile] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # sub-folders that could not be listed


def walk_root(
    root: str | Path,
    extensions: frozenset[str],
    *,
    include_hidden: bool = False,
    cancel: CancelToken | None = None,
    on_found: Callable[[int], None] | None = None,
) -> RootListing:
    """List image files under `root` recursively, following symlinks but never looping."""
    root = Path(root)
    try:
        top = os.stat(root)
        top_entries = os.listdir(root)
    except OSError:
        return RootListing(root, available=False)
    if not stat.S_ISDIR(top.st_mode):
        return RootListing(root, available=False)
    listing = RootListing(root, available=True, empty=not top_entries)
    visited = {(top.st_dev, top.st_ino)}
    stack = [("", str(root))]
    while stack:
        if cancel is not None and cancel.cancelled:
            break
        prefix, folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    _visit(entry, prefix, extensions, include_hidden, visited, stack, listing)
        except OSError:
            listing.unreadable.append(prefix.rstrip("/"))
        if on_found is not None:
            on_found(len(listing.files))
    listing.files.sort(key=lambda f: f.relpath)
    return listing


def _visit(
    entry: os.DirEntry[str],
    prefix: str,
    extensions: frozenset[str],
    include_hidden: bool,
    visited: set[tuple[int, int]],
    stack: list[tuple[str, str]],
    listing: RootListing,
) -> None:
    if entry.name.startswith(".") and not include_hidden:
        return
    try:
        if entry.is_dir():
            info = entry.stat()
            if (info.st_dev, info.st_ino) not in visited:
                visited.add((info.st_dev, info.st_ino))
                stack.append((f"{prefix}{entry.name}/", entry.path))
            return
        _, dot, ext = entry.name.rpartition(".")
        if not dot or ext.lower() not in extensions or not entry.is_file():
            return
        info = entry.stat()
    except OSError:  # a dangling symlink, or the entry vanished while we looked
        return
    listing.files.append(FoundFile(prefix + entry.name, info.st_size, info.st_mtime_ns))


@dataclass
class Work:
    """A file to decode and embed."""

    root_id: int
    abspath: Path
    found: FoundFile
    photo_id: int | None = None  # the photo row it updates, None for a new photo
    keep_other_vectors: bool = False  # unchanged file, only this model's vector is missing
    fingerprint: str | None = None  # known already (computed while looking for moves)

    @property
    def stored_relpath(self) -> str:
        return encode_relpath(self.found.relpath)


@dataclass
class ScanPlan:
    work: list[Work] = field(default_factory=list)
    moves: list[PhotoMove] = field(default_factory=list)
    removed_photo_ids: list[int] = field(default_factory=list)
    removed_skip_ids: list[int] = field(default_factory=list)
    unchanged: int = 0
    skipped_unchanged: int = 0
    online_roots: list[Root] = field(default_factory=list)
    offline_roots: list[Root] = field(default_factory=list)


def plan_changes(
    store: Store,
    model_id: int | None,
    listings: Sequence[tuple[Root, RootListing]],
    *,
    workers: int = 4,
) -> ScanPlan:
    """Compare listings with the store; nothing is written here.

    `model_id` None plans the catalog phase: only new and changed files are work."""
    plan = ScanPlan()
    new: list[Work] = []
    missing: dict[int, KnownPhoto] = {}
    for root, listing in listings:
        known = store.known_photos(root.id, model_id)
        skips = store.known_skips(root.id)
        if not listing.available or (listing.empty and known):
            plan.offline_roots.append(root)
            continue
        plan.online_roots.append(root)
        for found in listing.files:
            key = encode_relpath(found.relpath)
            work = Work(root.id, listing.path.joinpath(*found.relpath.split("/")), found)
            photo = known.pop(key, None)
            skip = skips.pop(key, None)
            if photo is not None:
                work.photo_id = photo.id
                if (photo.size, photo.mtime_ns) == (found.size, found.mtime_ns):
                    if photo.has_vector:
                        plan.unchanged += 1
                        continue
                    work.keep_other_vectors, work.fingerprint = True, photo.fingerprint
                plan.work.append(work)
            elif (
                skip is not None
                and (skip.size, skip.mtime_ns) == (found.size, found.mtime_ns)
                and skip.reason not in RETRIED_REASONS
            ):
                plan.skipped_unchanged += 1
            else:
                new.append(work)
        kept = _kept_under_unreadable(listing.unreadable)
        missing.update({p.id: p for rel, p in known.items() if not kept(rel)})
        plan.removed_skip_ids += [s.id for rel, s in skips.items() if not kept(rel)]
    plan.work += _match_moves(new, missing, plan, workers)
    plan.removed_photo_ids = sorted(missing)
    plan.work.sort(key=lambda w: (w.root_id, w.found.relpath))
    return plan


def _kept_under_unreadable(unreadable: list[str]) -> Callable[[str], bool]:
    prefixes = tuple(encode_relpath(p) + "/" for p in unreadable if p)
    everything = "" in unreadable
    return lambda rel: everything or rel.startswith(prefixes)


def _match_moves(
    new: list[Work], missing: dict[int, KnownPhoto], plan: ScanPlan, workers: int
) -> list[Work]:
    """Turn new files that are byte-for-byte a vanished photo into moves; return the rest.

    `missing` loses the photos that moved; what is left in it was really removed.
    """
    sizes = {p.size for p in missing.values()}
    candidates = [w for w in new if w.found.size in sizes]
    if not candidates:
        return new
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        prints = list(pool.map(_fingerprint_or_none, [w.abspath for w in candidates]))
    by_print: dict[str, list[KnownPhoto]] = {}
    for photo in missing.values():
        by_print.setdefault(photo.fingerprint, []).append(photo)
    moved: set[int] = set()
    for work, fingerprint in zip(candidates, prints):
        work.fingerprint = fingerprint
        matches = by_print.get(fingerprint or "", [])
        if matches:
            photo = matches.pop()
            plan.moves.append(
                PhotoMove(photo.id, work.root_id, work.stored_relpath, work.found.mtime_ns)
            )
            missing.pop(photo.id)
            if photo.has_vector:
                moved.add(id(work))
            else:  # moved, and this model has not embedded it yet
                work.photo_id, work.keep_other_vectors = photo.id, True
    return [w for w in new if id(w) not in moved]


def _fingerprint_or_none(path: Path) -> str | None:
    try:
        return fingerprint_file(path)
    except OSError:
        return None
