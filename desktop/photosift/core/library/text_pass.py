"""The text pass of indexing: read the words in analysed photos that have not been read yet.

Why a separate pass after embedding rather than a step inside the embedding loop: it keeps
the indexer unchanged, it can be turned off (or on later) without touching a single vector,
and it is resumable on its own: each small batch of readings is one transaction, and the
next run asks the store for exactly the photos still without a reading (or changed since).

Cost: OCR is far slower than embedding, and most photos hold no text, so a gate runs first
(`Gate.DETECT`: the detection network on a reduced copy, core/model/ocr.py) and only photos
where it finds a text region are read at full size. `Gate.CLIP` decides from the photo's
CLIP vector instead, with no decoding at all for the photos it skips (core/library/text_gate.py:
zero-shot prompts, calibrated per model; used by default only for a model calibrated in this
library, see `choose_gate`). `Gate.NONE` reads every photo (for measuring the gates' recall,
tests/benchmarks/text.py).

Off by default: on a 2-core CPU the gate alone costs about half a second a photo and a full
reading one to three seconds, ten to a hundred times the embedding, so a person turns it on
(Settings, or `photosift index --text`) for a library where words matter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from photosift.core.cancel import CancelToken
from photosift.core.imaging.decode import ImageSkip, decode_image
from photosift.core.library.text_gate import ClipTextGate, load_clip_gate
from photosift.core.library.text_records import CLIP_GATE_ENGINE, TextState, TextWork
from photosift.core.model.ocr import TextBox, TextReader, engine_name
from photosift.core.paths import display_path

if TYPE_CHECKING:
    from photosift.core.library.store import Store

READ_SIDE = 1280  # decode so the shorter side is about this: small print stays legible
BATCH = 8  # readings per transaction


class Gate(Enum):
    DETECT = "detect"  # read only photos where reduced-size detection finds text
    CLIP = "clip"  # read only photos whose CLIP vector suggests text (calibrated per model)
    NONE = "none"  # read every photo


@dataclass
class TextProgress:
    done: int
    total: int
    current: str | None  # printable path of the photo just read
    phase: ClassVar[str] = "text"  # beside IndexProgress's phases, for a shared progress view


@dataclass
class TextSummary:
    read: int = 0  # photos the OCR model read (with or without text found)
    with_text: int = 0  # of those, photos where it found words
    gated_out: int = 0  # photos the gate decided hold no text
    failed: int = 0
    cancelled: bool = False
    seconds: float = 0.0


def choose_gate(store: Store) -> Gate:
    """CLIP for a library whose searching model has a useful calibration, else DETECT (see
    core/library/text_gate.py for why DETECT stays the default)."""
    gate = _library_clip_gate(store)
    return Gate.CLIP if gate is not None and gate.useful else Gate.DETECT


def _library_clip_gate(store: Store) -> ClipTextGate | None:
    from photosift.core.library.model_choice import newest_library_spec

    spec = newest_library_spec(store)
    return load_clip_gate(store, spec) if spec is not None else None


def read_photo(reader: TextReader, work: TextWork, gate: Gate) -> tuple[TextState, list[TextBox]]:
    """Gate, then read one photo; a photo that cannot be decoded is FAILED, not an error.
    (Gate.CLIP is decided before, from the vectors: a photo it passes is read at once.)"""
    try:
        image = decode_image(work.abspath, min_side=READ_SIDE).image
    except ImageSkip:
        return TextState.FAILED, []
    if gate is Gate.DETECT and reader.detect(image) == 0:
        return TextState.NO_TEXT, []
    return TextState.READ, reader.read(image)


def read_text_pass(
    store: Store,
    reader: TextReader,
    *,
    gate: Gate = Gate.DETECT,
    clip_gate: ClipTextGate | None = None,
    progress: Callable[[TextProgress], None] | None = None,
    on_batch: Callable[[list[int]], None] | None = None,
    cancel: CancelToken | None = None,
) -> TextSummary:
    """Read every analysed photo that has no reading yet; resumable, cancellable between photos.

    `Gate.CLIP` uses `clip_gate` (default: the stored calibration of the library's model;
    without one it is refused); a photo without a vector of that model gets `Gate.DETECT`.
    """
    started = time.monotonic()
    cancel = cancel or CancelToken()
    if gate is Gate.CLIP:
        clip_gate = clip_gate or _library_clip_gate(store)
        if clip_gate is None:
            raise ValueError("Gate.CLIP needs a calibrated gate for the library's model.")
    summary = TextSummary()
    work = store.text_work()
    done = 0
    for start in range(0, len(work), BATCH):
        if not cancel.wait_if_paused():
            break
        results = []
        skipped: dict[int, str] = {}  # photos the CLIP gate decided: no OCR engine saw them
        batch = work[start : start + BATCH]
        verdicts = _clip_verdicts(store, clip_gate, batch) if gate is Gate.CLIP else {}
        for item in batch:
            if cancel.cancelled:
                break
            verdict = verdicts.get(item.photo_id)
            boxes: list[TextBox] = []
            if verdict is False:  # the vector says no text: not even decoded
                state = TextState.NO_TEXT
                skipped[item.photo_id] = CLIP_GATE_ENGINE
            else:
                state, boxes = read_photo(reader, item, Gate.NONE if verdict else _fallback(gate))
            results.append((item, state, boxes))
            done += 1
            if progress is not None:
                progress(TextProgress(done, len(work), display_path(item.abspath)))
        store.save_texts(results, engine_name(), engines=skipped)
        for _, state, boxes in results:
            summary.read += state is TextState.READ
            summary.with_text += bool(boxes)
            summary.gated_out += state is TextState.NO_TEXT
            summary.failed += state is TextState.FAILED
        if on_batch is not None and results:
            on_batch([item.photo_id for item, _, _ in results])
        if cancel.cancelled:
            break
    summary.cancelled = cancel.cancelled
    summary.seconds = time.monotonic() - started
    return summary


def _fallback(gate: Gate) -> Gate:
    """The per-photo gate for a photo the CLIP gate has no vector for."""
    return Gate.DETECT if gate is Gate.CLIP else gate


def _clip_verdicts(
    store: Store, gate: ClipTextGate | None, batch: list[TextWork]
) -> dict[int, bool]:
    """Photo id -> whether its vector passes the CLIP gate (photos without one are absent)."""
    if gate is None:
        return {}
    ids, vectors = store.vectors_for(gate.model_id, [item.photo_id for item in batch])
    return {int(i): bool(ok) for i, ok in zip(ids, gate.passes(vectors))}
