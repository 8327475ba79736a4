"""The torch side of a loaded model: preprocessing and embedding with open_clip.

Kept apart from loader.py (which finds and creates models) so that the ONNX exporter can name
this class without importing the loader that calls it (no import cycle). torch and open_clip
are imported inside methods: the GUI imports the model package at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from photosift.core.model.devices import precision_for
from photosift.core.model.precision import Precision

if TYPE_CHECKING:
    import numpy as np
    import torch
    from PIL import Image


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class ClipModel:
    """A loaded model in eval mode. ``preprocess`` is thread-safe (PIL + torchvision, no shared
    state) so decode workers can run it; the encode methods run under inference_mode."""

    engine = "torch"

    def __init__(self, spec: str, device: str, model: torch.nn.Module, tokenizer: Any) -> None:
        import open_clip
        import torch
        from open_clip.transform import PreprocessCfg, image_transform_v2

        self.spec = spec
        self.device = device
        #: SHA-256 of a local model folder's files (identity.content_hash); None = the spec
        #: names published weights, and the spec alone identifies them.
        self.content_hash: str | None = None
        self.module: Any = model.eval()  # open_clip CLIP/CustomTextCLIP: duck-typed encode_*
        self.tokenizer = tokenizer  # also read by search/readability.py
        self.precision = Precision(precision_for(device))
        self._dtype = torch.float16 if self.precision is Precision.FP16 else torch.float32
        cfg = dict(open_clip.get_model_preprocess_cfg(model))
        self._transform = image_transform_v2(PreprocessCfg(**cfg), is_train=False)
        self.preprocess_cfg: dict[str, Any] = _jsonable(cfg)
        size = cfg["size"]
        self.input_size = int(max(size)) if isinstance(size, (tuple, list)) else int(size)
        self.context_length = int(getattr(tokenizer, "context_length", 0) or 77)
        self.dim = 0
        self.dim = int(self.encode_texts(["a photo"]).shape[1])

    def __repr__(self) -> str:
        return f"ClipModel({self.spec!r}, device={self.device!r}, dim={self.dim})"

    def preprocess(self, image: Image.Image) -> torch.Tensor:
        """CHW float32 tensor, resized/cropped/normalised exactly as the model was trained."""
        return self._transform(image)

    def encode_image_batch(self, batch: torch.Tensor) -> np.ndarray:
        """Embed a stacked batch of preprocessed images: (N, dim) float32, unit length."""
        import torch

        if batch.shape[0] == 0:
            return self._empty()
        with torch.inference_mode():
            features = self.module.encode_image(batch.to(self.device, dtype=self._dtype))
            return self._unit_rows(features)

    def encode_prepared(self, items: Sequence[torch.Tensor | np.ndarray]) -> np.ndarray:
        """Embed what ``preprocess`` returned for each photo (or the same as numpy arrays, as a
        cluster's decode tasks send them)."""
        import torch

        if not len(items):
            return self._empty()
        return self.encode_image_batch(torch.stack([torch.as_tensor(t) for t in items]))

    def encode_images(self, images: Sequence[Image.Image], batch_size: int = 32) -> np.ndarray:
        import numpy as np
        import torch

        if len(images) == 0:
            return self._empty()
        parts = [
            self.encode_image_batch(
                torch.stack([self.preprocess(im) for im in images[i : i + batch_size]])
            )
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(parts)

    def encode_texts(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        """Embed texts; ones longer than the context length are truncated by the tokenizer."""
        import numpy as np
        import torch

        if len(texts) == 0:
            return self._empty()
        parts = []
        with torch.inference_mode():
            for i in range(0, len(texts), batch_size):
                tokens = self.tokenizer(list(texts[i : i + batch_size])).to(self.device)
                parts.append(self._unit_rows(self.module.encode_text(tokens)))
        return np.concatenate(parts)

    def _empty(self) -> np.ndarray:
        import numpy as np

        return np.zeros((0, self.dim), dtype=np.float32)

    @staticmethod
    def _unit_rows(features: torch.Tensor) -> np.ndarray:
        import numpy as np
        import torch

        unit = torch.nn.functional.normalize(features.float(), dim=-1)
        return unit.cpu().numpy().astype(np.float32, copy=False)
