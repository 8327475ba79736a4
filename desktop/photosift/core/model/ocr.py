"""Read the text in a photo with a real OCR model: PP-OCRv4 through `rapidocr-onnxruntime`.

Why this engine: its wheel carries the detection, orientation and recognition models (Chinese
and English) inside the package, so it works offline from the moment it is installed — no
download at run time — and runs on onnxruntime, which PhotoSift already needs.

Why two passes: most photos hold no text, and recognition is the expensive part. `detect()`
runs only the detection network on a reduced copy (longest side `GATE_SIDE`) and says whether
any text region is there; `read()` then runs detection, orientation and recognition at the
normal size. The indexer calls `read()` only on photos `detect()` lets through (the gate).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

from photosift.core.errors import PhotoSiftError

if TYPE_CHECKING:
    from PIL import Image

GATE_SIDE = 480  # longest side of the copy the gate's detection runs on
MIN_CONFIDENCE = 0.5  # recognised lines below this are dropped (rapidocr's own default)
Point = tuple[float, float]


class OcrUnavailableError(PhotoSiftError):
    """The OCR engine (rapidocr-onnxruntime) is not installed."""


@dataclass(frozen=True)
class TextBox:
    """One line of text: what it says, how sure the model is, and where it is.

    `points` are the four corners (clockwise from the text's top-left) as fractions of the
    upright photo's width and height, so a box fits the photo at whatever size it is shown.
    """

    text: str
    confidence: float
    points: tuple[Point, Point, Point, Point]

    def to_json(self) -> list:
        return [
            self.text,
            round(self.confidence, 4),
            [[round(x, 4), round(y, 4)] for x, y in self.points],
        ]

    @classmethod
    def from_json(cls, data: list) -> TextBox:
        text, confidence, points = data
        return cls(text, float(confidence), tuple((float(x), float(y)) for x, y in points))  # type: ignore[arg-type]


def engine_name() -> str:
    """Engine and version, stored with every reading (a later engine may read better)."""
    try:
        return f"rapidocr-onnxruntime {metadata.version('rapidocr-onnxruntime')}"
    except metadata.PackageNotFoundError:
        return "rapidocr-onnxruntime"


class TextReader:
    """The OCR models, loaded on first use. One reader may be shared by threads (locked)."""

    def __init__(self, *, threads: int | None = None) -> None:
        self._threads = threads
        self._full: Any = None
        self._gate: Any = None
        self._lock = threading.Lock()

    def _engines(self) -> tuple[Any, Any]:
        with self._lock:
            if self._full is None:
                try:
                    from rapidocr_onnxruntime import RapidOCR
                except ImportError as exc:
                    raise OcrUnavailableError(
                        "Reading text in photos needs the rapidocr-onnxruntime package "
                        "(pip install rapidocr-onnxruntime)."
                    ) from exc
                threads = {} if self._threads is None else {"intra_op_num_threads": self._threads}
                self._full = RapidOCR(**threads)
                self._gate = RapidOCR(det_limit_side_len=GATE_SIDE, det_limit_type="max", **threads)
            return self._full, self._gate

    def detect(self, image: Image.Image) -> int:
        """How many text regions the detection network finds on a reduced copy (the gate)."""
        import numpy as np

        _, gate = self._engines()
        small = image.copy()
        small.thumbnail((GATE_SIDE, GATE_SIDE))
        found, _ = gate(np.asarray(small)[:, :, ::-1], use_cls=False, use_rec=False)
        return len(found or [])

    def read(self, image: Image.Image) -> list[TextBox]:
        """Every line of text read in `image`, top to bottom."""
        import numpy as np

        full, _ = self._engines()
        width, height = image.size
        found, _ = full(np.asarray(image.convert("RGB"))[:, :, ::-1])
        boxes = [
            TextBox(
                str(text).strip(),
                float(score),
                tuple((float(x) / width, float(y) / height) for x, y in points),  # type: ignore[arg-type]
            )
            for points, text, score in (found or [])
            if float(score) >= MIN_CONFIDENCE and str(text).strip()
        ]
        return sorted(
            boxes, key=lambda b: (min(y for _, y in b.points), min(x for x, _ in b.points))
        )
