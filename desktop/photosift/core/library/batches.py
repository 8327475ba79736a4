"""What one file becomes before the model sees it, and how a batch of outcomes is committed.

Why a module of its own: two drivers run the same steps. The local indexer prepares files on a
thread pool and embeds on its own thread; the cluster indexer (photosift.cluster) prepares them
in Ray tasks and embeds them in Ray actors, possibly on other machines. Both must decode with
the same reduction, preprocess with the model's own transform, word skips the same way and
write photo rows + vectors + skips in one transaction per batch, so a killed run of either
kind loses at most the batch in flight and the next run picks up exactly what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photosift.core.imaging.decode import ImageSkip, SkipReason, decode_image
from photosift.core.imaging.fingerprint import fingerprint_file
from photosift.core.library.scan_records import PhotoWrite, SkipWrite
from photosift.core.library.scanner import Work

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from photosift.core.library.store import Store


@dataclass(frozen=True)
class FileFacts:
    """What the photo row records about a decoded file (the vector is written beside it)."""

    width: int
    height: int
    taken_at: float | None
    camera: str | None
    fingerprint: str


@dataclass(frozen=True)
class Prepared:
    """A decoded file ready for the model's forward pass."""

    tensor: Any  # the model's preprocess() output: a torch tensor or a numpy array
    facts: FileFacts


@dataclass(frozen=True)
class BatchResult:
    photo_ids: list[int]  # photo rows written, in batch order
    skip_reasons: list[str]  # SkipReason values of the files skipped in this batch
    removed_ids: list[int]  # photo rows hidden because their file is now skipped


def prepare_file(
    path: Path,
    known_fingerprint: str | None,
    preprocess: Callable[[Image.Image], Any],
    min_side: int,
) -> Prepared | ImageSkip:
    """Everything that does not need the forward pass; never raises for one bad file."""
    try:
        decoded = decode_image(path, min_side=min_side)
        fingerprint = known_fingerprint or fingerprint_file(path)
        tensor = preprocess(decoded.image)
    except ImageSkip as skip:
        return skip
    except FileNotFoundError:
        return ImageSkip(SkipReason.VANISHED, "the file was moved or deleted while reading it")
    except Exception as exc:  # a bug or an OS error must cost one file, not the run
        return ImageSkip(SkipReason.ERROR, f"{type(exc).__name__}: {exc}"[:300])
    facts = FileFacts(decoded.width, decoded.height, decoded.taken_at, decoded.camera, fingerprint)
    return Prepared(tensor, facts)


def commit_outcomes(
    store: Store,
    model_id: int,
    outcomes: Sequence[tuple[Work, FileFacts | ImageSkip]],
    vectors: Sequence[np.ndarray],
) -> BatchResult:
    """Write one batch in one transaction; `vectors` align with the outcomes that are facts."""
    ready = [(w, f) for w, f in outcomes if isinstance(f, FileFacts)]
    photos = [
        PhotoWrite(
            root_id=w.root_id, relpath=w.stored_relpath, size=w.found.size,
            mtime_ns=w.found.mtime_ns, fingerprint=f.fingerprint,
            file_type=w.found.file_type, width=f.width, height=f.height,
            taken_at=f.taken_at, camera=f.camera, vector=vector, photo_id=w.photo_id,
            keep_other_vectors=w.keep_other_vectors, device=w.found.device,
        )
        for (w, f), vector in zip(ready, vectors, strict=True)
    ]  # fmt: skip
    skipped = [(w, s) for w, s in outcomes if isinstance(s, ImageSkip)]
    skips = [
        SkipWrite(
            w.root_id, w.stored_relpath, w.found.size, w.found.mtime_ns,
            s.reason.value, s.detail, remember=s.reason is not SkipReason.VANISHED,
        )
        for w, s in skipped
    ]  # fmt: skip
    removed = [w.photo_id for w, _ in skipped if w.photo_id is not None]
    ids = store.commit_batch(model_id, photos, skips) if outcomes else []
    return BatchResult(ids, [s.reason for s in skips], removed)
