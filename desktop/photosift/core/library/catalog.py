"""Phase one of a library run: record every photo of the folders, without any model.

Why a phase of its own: a new user must see their photos seconds after adding a folder, with
or without a model downloaded. Cataloguing only lists, stats and reads image headers (size,
capture date, camera: about a millisecond a file), so the grid, the viewer and the
date/folder/camera/type filters work at once; analysis (core.library.indexer) fills in the
vectors behind it.

Shape of a run:
- walk the roots, compare with the store (scanner.plan_changes with no model: a stored row
  is all a photo needs), apply moves and removals in one transaction;
- read headers of the new and changed files on a few threads, in order, and commit them in
  batches, one transaction each: a kill loses at most the batch in flight, and the next run
  finds exactly the files not yet stored;
- files whose header cannot be read are recorded as skipped with their reason, like analysis
  does for pixels that cannot be decoded.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from photosift.core.cancel import CancelToken
from photosift.core.errors import PhotoSiftError
from photosift.core.imaging.decode import (
    IMAGE_EXTENSIONS,
    ImageHeader,
    ImageSkip,
    SkipReason,
    probe_image,
)
from photosift.core.imaging.fingerprint import fingerprint_file
from photosift.core.library.progress import IndexPhase, IndexProgress, RateEstimator
from photosift.core.library.scanner import ScanPlan, Work, plan_changes, walk_root
from photosift.core.library.store import PhotoWrite, Root, SkipWrite, Store
from photosift.core.paths import display_path

#: Photos per catalog transaction: big enough to keep commits cheap, small enough that the
#: first screen of thumbnails arrives well within a second.
CATALOG_BATCH = 128


class FolderNotFoundError(PhotoSiftError):
    """A folder given to index does not exist (and the library does not know it)."""


@dataclass
class CatalogSummary:
    catalogued: int = 0  # new or changed photos recorded by this run
    unchanged: int = 0  # includes previously skipped files that were not retried
    moved: int = 0
    removed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # SkipReason value -> files
    offline_roots: list[str] = field(default_factory=list)
    online_root_ids: list[int] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    removed_ids: list[int] = field(default_factory=list)  # photo rows deleted by this run

    def to_dict(self) -> dict[str, Any]:
        """JSON-able counts (without the id lists)."""
        data = asdict(self)
        del data["removed_ids"], data["online_root_ids"]
        return data


def check_folders(store: Store | None, folders: Sequence[str | Path]) -> list[Path]:
    """Resolved folders, or FolderNotFoundError for one that is neither on disk nor a known
    root (a known root may be missing: its drive is unplugged, and it is marked offline)."""
    resolved = []
    for given in folders:
        path = Path(given).expanduser().resolve()
        if not path.is_dir() and (store is None or store.root_by_path(str(path)) is None):
            raise FolderNotFoundError(
                f"The folder {display_path(path)} does not exist or is not a folder. "
                "Check the path and try again."
            )
        resolved.append(path)
    return resolved


def resolve_roots(store: Store, roots: Sequence[str | Path] | None) -> list[Root]:
    """The library's roots for `roots` (added when new); None = every root it has."""
    if roots is None:
        return store.roots()
    return [
        store.root_by_path(str(path)) or store.add_root(path)
        for path in check_folders(store, roots)
    ]


def catalog_library(
    store: Store,
    roots: Sequence[str | Path] | None = None,
    *,
    batch_size: int = CATALOG_BATCH,
    workers: int = 2,
    progress: Callable[[IndexProgress], None] | None = None,
    on_batch: Callable[[list[int]], None] | None = None,
    cancel: CancelToken | None = None,
    include_hidden: bool = False,
) -> CatalogSummary:
    """Bring the catalog (photo rows, no vectors) up to date with the files on disk.

    `roots` are added to the library first (None = every root it has); `on_batch` gets the
    ids of the photos each committed batch recorded.
    """
    started = time.monotonic()
    cancel = cancel or CancelToken()
    report = progress or (lambda _p: None)
    summary = CatalogSummary()
    listings = []
    for root in resolve_roots(store, roots):
        listing = walk_root(
            root.path,
            IMAGE_EXTENSIONS,
            include_hidden=include_hidden,
            cancel=cancel,
            on_found=lambda n, where=root.path: report(
                IndexProgress(n, 0, 0.0, None, where, IndexPhase.SCANNING)
            ),
        )
        listings.append((root, listing))
    if cancel.cancelled:
        return _finish(summary, started, cancelled=True)
    plan = plan_changes(store, None, listings, workers=workers)
    _apply_plan(store, plan, summary)
    _record_headers(store, plan.work, batch_size, workers, report, on_batch, cancel, summary)
    if cancel.cancelled:
        return _finish(summary, started, cancelled=True)
    for root in plan.online_roots:
        store.mark_root_scanned(root.id)
    return _finish(summary, started, cancelled=False)


def _finish(summary: CatalogSummary, started: float, *, cancelled: bool) -> CatalogSummary:
    summary.cancelled = cancelled
    summary.seconds = time.monotonic() - started
    return summary


def _apply_plan(store: Store, plan: ScanPlan, summary: CatalogSummary) -> None:
    """Roots on/offline, moves and removals: everything the walk decided without reading."""
    for root in plan.offline_roots:
        store.set_root_online(root.id, False)
    for root in plan.online_roots:
        if not root.online:
            store.set_root_online(root.id, True)
    store.apply_scan(plan.moves, plan.removed_photo_ids, plan.removed_skip_ids)
    summary.unchanged = plan.unchanged + plan.skipped_unchanged
    summary.moved = len(plan.moves)
    summary.removed = len(plan.removed_photo_ids)
    summary.removed_ids = list(plan.removed_photo_ids)
    summary.offline_roots = [r.path for r in plan.offline_roots]
    summary.online_root_ids = [r.id for r in plan.online_roots]


def _record_headers(
    store: Store,
    work: list[Work],
    batch_size: int,
    workers: int,
    report: Callable[[IndexProgress], None],
    on_batch: Callable[[list[int]], None] | None,
    cancel: CancelToken,
    summary: CatalogSummary,
) -> None:
    """Read headers on `workers` threads, in order, and commit them batch by batch."""
    skipped: Counter[str] = Counter()
    rates = RateEstimator(len(work))
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for start in range(0, len(work), max(1, batch_size)):
            if not cancel.wait_if_paused():
                break
            batch = work[start : start + batch_size]
            outcomes = list(pool.map(_read_header, batch))
            photos, skips = _writes(batch, outcomes)
            ids = store.commit_batch(None, photos, skips)
            summary.catalogued += len(ids)
            skipped.update(s.reason for s in skips)
            summary.removed_ids += [
                w.photo_id for w, (_, o) in zip(batch, outcomes)
                if isinstance(o, ImageSkip) and w.photo_id is not None
            ]  # fmt: skip
            done += len(batch)
            rates.batch_done(done)
            if on_batch is not None and ids:
                on_batch(ids)
            report(
                IndexProgress(
                    done, len(work), rates.rate(), rates.eta(done),
                    display_path(batch[-1].abspath), IndexPhase.CATALOGUING,
                )
            )  # fmt: skip
    summary.skipped = dict(sorted(skipped.items()))


def _read_header(work: Work) -> tuple[str | None, ImageHeader | ImageSkip]:
    """Runs on a pool thread: (fingerprint, header) or (None, the reason it was skipped)."""
    try:
        header = probe_image(work.abspath)
        fingerprint = work.fingerprint or fingerprint_file(work.abspath)
    except ImageSkip as skip:
        return None, skip
    except FileNotFoundError:
        return None, ImageSkip(SkipReason.VANISHED, "the file was moved or deleted while reading it")
    except OSError as exc:
        return None, ImageSkip(SkipReason.ERROR, f"read error: {exc.strerror or exc}")
    return fingerprint, header


def _writes(
    batch: list[Work], outcomes: list[tuple[str | None, ImageHeader | ImageSkip]]
) -> tuple[list[PhotoWrite], list[SkipWrite]]:
    photos, skips = [], []
    for work, (fingerprint, outcome) in zip(batch, outcomes):
        if isinstance(outcome, ImageSkip):
            skips.append(
                SkipWrite(
                    work.root_id, work.stored_relpath, work.found.size, work.found.mtime_ns,
                    outcome.reason.value, outcome.detail,
                    remember=outcome.reason is not SkipReason.VANISHED,
                )
            )  # fmt: skip
            continue
        photos.append(
            PhotoWrite(
                root_id=work.root_id, relpath=work.stored_relpath, size=work.found.size,
                mtime_ns=work.found.mtime_ns, fingerprint=fingerprint or "",
                file_type=work.found.file_type, width=outcome.width, height=outcome.height,
                taken_at=outcome.taken_at, camera=outcome.camera, vector=None,
                photo_id=work.photo_id, keep_other_vectors=work.keep_other_vectors,
            )
        )  # fmt: skip
    return photos, skips
