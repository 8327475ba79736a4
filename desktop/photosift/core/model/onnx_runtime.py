"""The CPU engine: a model's exported towers run by ONNX Runtime, without torch.

``OnnxClipModel`` has the same surface as the torch ``ClipModel`` (spec, dim, preprocess_cfg,
input_size, preprocess, encode_*), so the indexer, search and tagging do not care which one they
hold. What it adds: no torch import (a `photosift search` starts in about a second instead of
fifteen), and an int8 image tower when the model passed the int8 guard at build time.

Sessions are created on first use: a text search never loads the image tower, and indexing
never loads the text tower. Thread spinning is off: ONNX Runtime's workers otherwise busy-wait
between batches and burn CPU time the decode threads need.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photosift.core.model.engine_cache import BuildInfo, build_dir, find_build
from photosift.core.model.precision import Precision
from photosift.core.model.spec import ModelSpec, parse_spec

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

log = logging.getLogger(__name__)


def load_cached(spec: ModelSpec) -> OnnxClipModel | None:
    """The model's ONNX engine if it was built before and its files are unchanged, else None."""
    info = find_build(spec)
    if info is None:
        return None
    return OnnxClipModel(info, spec=str(spec))


class OnnxClipModel:
    """A model run by ONNX Runtime on the CPU; vectors are (N, dim) float32, unit length."""

    device = "cpu"
    engine = "onnx"

    #: SHA-256 of a local model folder's files (identity.content_hash), set by the loader.
    content_hash: str | None = None

    def __init__(
        self, info: BuildInfo, *, spec: str | None = None, folder: Path | None = None
    ) -> None:
        self.info = info
        self.spec = spec or info.spec
        self.dim = info.dim
        self.preprocess_cfg: dict[str, Any] = info.preprocess_cfg
        self.context_length = info.context_length
        self.precision = info.precision
        size = info.preprocess_cfg["size"]
        self.input_size = int(max(size)) if isinstance(size, (list, tuple)) else int(size)
        self._folder = folder or build_dir(info.key)
        self._sessions: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._transform = self._make_transform()

    def __repr__(self) -> str:
        return f"OnnxClipModel({self.spec!r}, {self.precision.value}, dim={self.dim})"

    def preprocess(self, image: Image.Image) -> np.ndarray:
        """CHW float32 array, exactly what open_clip's transform would make (thread-safe)."""
        return self._transform(image)

    def encode_image_batch(self, batch: np.ndarray) -> np.ndarray:
        """Embed a stacked (N, 3, H, W) batch of preprocessed images.

        The int8 tower runs one image at a time: dynamic quantization scales activations by the
        range of the whole input, so in a batch a photo's vector would depend on its batch-mates
        (cosine ~0.9999 between batchings, but not reproducible). Per image it costs the same
        CPU time on ViT-B-32 (measured), and a photo always gets the same vector.
        """
        import numpy as np

        if len(batch) == 0:
            return self._empty()
        pixels = np.ascontiguousarray(batch, dtype=np.float32)
        if self.precision is not Precision.INT8:
            return _unit_rows(self._session("image").run(None, {"pixels": pixels})[0])
        session = self._session("image_int8")
        return _unit_rows(
            np.concatenate(
                [session.run(None, {"pixels": pixels[i : i + 1]})[0] for i in range(len(pixels))]
            )
        )

    def encode_prepared(self, items: Sequence[np.ndarray]) -> np.ndarray:
        """Embed what ``preprocess`` returned for each photo."""
        import numpy as np

        return self.encode_image_batch(np.stack(items)) if items else self._empty()

    def encode_images(self, images: Sequence[Image.Image], batch_size: int = 32) -> np.ndarray:
        import numpy as np

        if len(images) == 0:
            return self._empty()
        return np.concatenate(
            [
                self.encode_prepared([self.preprocess(im) for im in images[i : i + batch_size]])
                for i in range(0, len(images), batch_size)
            ]
        )

    def encode_texts(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        """Embed texts with the fp32 text tower (text is cheap; it is never quantized)."""
        import numpy as np

        if len(texts) == 0:
            return self._empty()
        tokenizer = self._text_tokenizer()
        session = self._session("text")
        parts = [
            _unit_rows(session.run(None, {"tokens": tokenizer(list(texts[i : i + batch_size]))})[0])
            for i in range(0, len(texts), batch_size)
        ]
        return np.concatenate(parts)

    def _empty(self) -> np.ndarray:
        import numpy as np

        return np.zeros((0, self.dim), dtype=np.float32)

    def _session(self, file: str) -> Any:
        with self._lock:
            session = self._sessions.get(file)
            if session is None:
                session = self._sessions[file] = new_session(
                    str(self._folder / self.info.files[file])
                )
            return session

    @property
    def tokenizer(self) -> Any:
        """The text tokenizer (search/readability.py asks it which queries the model reads)."""
        return self._text_tokenizer()

    def _text_tokenizer(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = self._make_tokenizer()
            return self._tokenizer

    def _make_tokenizer(self) -> Any:
        if self.info.tokenizer == "clip-bpe":
            from photosift.core.model.clip_tokenizer import ClipTokenizer

            return ClipTokenizer(self.context_length)
        # Hugging Face and SigLIP tokenizers: open_clip's own (this imports torch).
        import open_clip

        from photosift.core.paths import model_cache_dir

        spec = parse_spec(self.spec, check=False)
        cache = None if spec.kind == "local-dir" else str(model_cache_dir())
        tokenizer = open_clip.get_tokenizer(spec.open_clip_name, cache_dir=cache)
        return lambda texts: tokenizer(texts).numpy()

    def _make_transform(self) -> Any:
        from photosift.core.model.preprocess import array_transform

        return array_transform(self.preprocess_cfg)


def new_session(path: str) -> Any:
    """An ONNX Runtime CPU session with every graph optimisation and no busy-waiting threads."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # ORT's warnings about unused initializers are noise here
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def _unit_rows(features: np.ndarray) -> np.ndarray:
    import numpy as np

    features = np.asarray(features, dtype=np.float32)
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return (features / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


__all__ = ["OnnxClipModel", "load_cached", "new_session"]
