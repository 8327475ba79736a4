"""What auto-tagging can recognise: the default label list and how a label becomes a vector.

A single prompt is a noisy probe of CLIP's text space ("a photo of a dog" and "a picture of a
dog" land in slightly different places), so every label is embedded as a prompt ensemble: the
mean of its prompts' unit vectors, renormalised. A label may carry its own prompts (mass nouns,
styles, activities read badly through "a photo of a {}"); otherwise the default templates are
used with the right article. Defaults live in data/default_vocabulary.json and are copied into
a library's labels table on first use (tag_book.TagBook.ensure_vocabulary), where the user
edits them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where vectors are made: the GUI's label editor imports
    import numpy as np  # this module at start-up and needs none of it (about 120 ms saved)

    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel

DEFAULT_TEMPLATES: tuple[str, ...] = (
    "a photo of {a} {}",
    "a picture of {a} {}",
    "an image showing {a} {}",
    "a close-up photo of {a} {}",
    "a good photo of {a} {}",
    "a photo containing {a} {}",
)
# Calibrated score 0..1 (see tagging.py) a label must reach to be assigned; each label may
# override it. Higher = fewer, surer tags.
DEFAULT_THRESHOLD = 0.15
DEFAULT_VOCABULARY_FILE = Path(__file__).parent / "data" / "default_vocabulary.json"


@dataclass(frozen=True)
class Label:
    id: int
    name: str
    group: str | None = None
    prompts: tuple[str, ...] | None = None  # None = DEFAULT_TEMPLATES around the name
    threshold: float | None = None  # None = the run's default threshold

    @property
    def effective_prompts(self) -> tuple[str, ...]:
        return self.prompts or template_prompts(self.name)

    def threshold_or(self, default: float) -> float:
        return default if self.threshold is None else self.threshold


@dataclass(frozen=True)
class LabelSpec:
    """A default label before it has a database id."""

    name: str
    group: str | None
    prompts: tuple[str, ...] | None


def template_prompts(name: str, templates: Sequence[str] = DEFAULT_TEMPLATES) -> tuple[str, ...]:
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return tuple(t.format(name, a=article) for t in templates)


def default_labels() -> list[LabelSpec]:
    data = json.loads(DEFAULT_VOCABULARY_FILE.read_text(encoding="utf-8"))
    return [
        LabelSpec(
            item["name"], item.get("group"), tuple(item["prompts"]) if "prompts" in item else None
        )
        for item in data["labels"]
    ]


class LabelEmbedder:
    """Prompt-ensemble vectors per label for one model, cached by the label's prompts.

    Thread-safe; encoding happens outside the lock (two threads may encode the same new label
    once each, which is harmless).
    """

    def __init__(self, model: ClipModel | OnnxClipModel) -> None:
        self.model = model
        self._cache: dict[tuple[str, ...], np.ndarray] = {}
        self._lock = threading.Lock()

    def embed(self, labels: Sequence[Label]) -> np.ndarray:
        """(len(labels), dim) float32 unit vectors."""
        import numpy as np

        keys = [label.effective_prompts for label in labels]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            texts = [prompt for key in missing for prompt in key]
            vectors = self.model.encode_texts(texts)
            start = 0
            found = {}
            for key in missing:
                found[key] = ensemble(vectors[start : start + len(key)])
                start += len(key)
            with self._lock:
                self._cache.update(found)
        with self._lock:
            if not keys:
                return np.zeros((0, self.model.dim), dtype=np.float32)
            return np.stack([self._cache[k] for k in keys]).astype(np.float32)


def ensemble(vectors: np.ndarray) -> np.ndarray:
    """Mean of unit vectors, renormalised."""
    import numpy as np

    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    mean = unit.mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
