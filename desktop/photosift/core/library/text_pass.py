"""The text pass of indexing: read the words in analysed photos that have not been read yet.

Why a separate pass after embedding rather than a step inside the embedding loop: it keeps
the indexer unchanged, it can be turned off (or on later) without touching a single vector,
and it is resumable on its own: each small batch of readings is one transaction, and the
next run asks the store for exactly the photos still without a reading (or changed since).

Cost: OCR is far slower than embedding, and most photos hold no text, so a gate runs first
(`Gate.DETECT`: the detection network on a reduced copy, core/model/ocr.py) and only photos
where it finds a text region are read at full size. `Gate.NONE` reads every photo (for
measuring the gate's recall, tests/benchmarks/text.py).

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
from photosift.core.library.text_records import TextState, TextWork
from photosift.core.model.ocr import TextBox, TextReader, engine_name
from photosift.core.paths import display_path

if TYPE_CHECKING:
    from photosift.core.library.store import Store

READ_SIDE = 1280  # decode so the shorter side is about this: small print stays legible
BATCH = 8  # readings per transaction


class Gate(Enum):
    DETECT = "detect"  # read only photos where reduced-size detection finds text
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


def read_photo(reader: TextReader, work: TextWork, gate: Gate) -> tuple[TextState, list[TextBox]]:
    """Gate, then read one photo; a photo that cannot be decoded is FAILED, not an error."""
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
    progress: Callable[[TextProgress], None] | None = None,
    on_batch: Callable[[list[int]], None] | None = None,
    cancel: CancelToken | None = None,
) -> TextSummary:
    """Read every analysed photo that has no reading yet; resumable, cancellable between photos."""
    started = time.monotonic()
    cancel = cancel or CancelToken()
    summary = TextSummary()
    work = store.text_work()
    done = 0
    for start in range(0, len(work), BATCH):
        if not cancel.wait_if_paused():
            break
        results = []
        for item in work[start : start + BATCH]:
            if cancel.cancelled:
                break
            state, boxes = read_photo(reader, item, gate)
            results.append((item, state, boxes))
            done += 1
            if progress is not None:
                progress(TextProgress(done, len(work), display_path(item.abspath)))
        store.save_texts(results, engine_name())
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
