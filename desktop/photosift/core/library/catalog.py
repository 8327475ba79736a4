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
from photosift.core.imaging.decode import (
    IMAGE_EXTENSIONS,
    ImageHeader,
    ImageSkip,
    SkipReason,
    probe_image,
)
from photosift.core.imaging.fingerprint import fingerprint_file
from photosift.core.library.folders import add_folders
from photosift.core.library.progress import IndexPhase, IndexProgress, RateEstimator
from photosift.core.library.scan_records import PhotoWrite, SkipWrite
from photosift.core.library.scanner import ScanPlan, Work, plan_changes, walk_root
from photosift.core.library.store import Store
from photosift.core.paths import display_path

#: Photos per catalog transaction: big enough to keep commits cheap, small enough that the
#: first screen of thumbnails arrives well within a second.
CATALOG_BATCH = 128


#: Soft-removed photos are forgotten after this many days (setting "removal_grace_days").
REMOVAL_GRACE_DAYS = 30.0
GRACE_SETTING = "removal_grace_days"


@dataclass
class CatalogSummary:
    catalogued: int = 0  # new or changed photos recorded by this run
    unchanged: int = 0  # includes previously skipped files that were not retried
    moved: int = 0
    removed: int = 0  # files known gone this run: hidden, kept for the grace period
    offline: int = 0  # photos that went offline this run (their folder is unavailable)
    restored: int = 0  # offline or removed photos found again
    purged: int = 0  # removed photos whose grace period ended: forgotten
    skipped: dict[str, int] = field(default_factory=dict)  # SkipReason value -> files
    offline_roots: list[str] = field(default_factory=list)
    offline_folders: list[str] = field(default_factory=list)  # sub-folders missing photos
    unreadable_folders: list[str] = field(default_factory=list)
    online_root_ids: list[int] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    removed_ids: list[int] = field(default_factory=list)  # photos no longer searchable

    def to_dict(self) -> dict[str, Any]:
        """JSON-able counts (without the id lists)."""
        data = asdict(self)
        del data["removed_ids"], data["online_root_ids"]
        return data


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
    for root in store.roots() if roots is None else add_folders(store, roots):

        def found(n: int, where: str = root.path) -> None:
            report(IndexProgress(n, 0, 0.0, None, where, IndexPhase.SCANNING))

        listing = walk_root(
            root.path,
            IMAGE_EXTENSIONS,
            include_hidden=include_hidden,
            cancel=cancel,
            on_found=found,
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
    store.apply_scan(
        plan.moves, plan.removed_photo_ids, plan.removed_skip_ids,
        offline_photo_ids=plan.offline_photo_ids, restored_photo_ids=plan.restored_photo_ids,
        devices=plan.devices,
    )  # fmt: skip
    grace_days = float(store.get_setting(GRACE_SETTING, REMOVAL_GRACE_DAYS))  # type: ignore[arg-type]
    purged = store.purge_removed(older_than=time.time() - grace_days * 86400)
    summary.unchanged = plan.unchanged + plan.skipped_unchanged
    summary.moved = len(plan.moves)
    summary.removed = len(plan.removed_photo_ids)
    summary.offline = len(plan.offline_photo_ids)
    summary.restored = len(plan.restored_photo_ids)
    summary.purged = len(purged)
    summary.removed_ids = sorted(plan.removed_photo_ids + plan.offline_photo_ids + purged)
    summary.offline_roots = [r.path for r in plan.offline_roots]
    summary.offline_folders = [str(p) for p in plan.offline_folders]
    summary.unreadable_folders = [str(p) for p in plan.unreadable_folders]
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
        return None, ImageSkip(
            SkipReason.VANISHED, "the file was moved or deleted while reading it"
        )
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
                device=work.found.device,
            )
        )  # fmt: skip
    return photos, skips
