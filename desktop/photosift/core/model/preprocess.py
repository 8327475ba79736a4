"""The model's own image preprocessing in Pillow and numpy, without torch.

open_clip builds its eval transform from the model's ``preprocess_cfg`` with torchvision: resize
the shortest side (bicubic, Pillow's own resampling for PIL input), centre crop, convert to RGB,
scale to [0, 1], normalise by mean/std. This module repeats those steps with the same Pillow
calls and the same rounding, so the ONNX engine gets exactly the tensor the torch path gets
(a unit test compares them element for element) without importing torch.

Only the eval transforms of square ``shortest`` and ``squash`` resize modes are written out;
any other config (``longest`` with padding, non-square sizes) is not, and ``supports`` says so,
so that the caller keeps open_clip's torchvision transform for those models.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image


def array_transform(cfg: Mapping[str, Any]) -> Callable[[Image.Image], np.ndarray]:
    """The model's eval transform from its config alone, as CHW float32 arrays.

    ``NumpyPreprocess`` where it reproduces open_clip; otherwise open_clip's torchvision
    transform (this imports torch). Shared by the ONNX engine and by processes that never load
    the weights (a cluster's decode tasks), so both prepare a photo exactly alike.
    """
    if supports(cfg):
        return NumpyPreprocess(cfg)
    from open_clip.transform import PreprocessCfg, image_transform_v2

    config = dict(cfg)
    if isinstance(config.get("size"), list):
        config["size"] = tuple(config["size"])
    transform = image_transform_v2(PreprocessCfg(**config), is_train=False)
    return lambda image: transform(image).numpy()


def square_size(cfg: Mapping[str, Any]) -> int | None:
    """The side of the square model input, or None for a non-square one."""
    size = cfg.get("size")
    if isinstance(size, (list, tuple)):
        return int(size[0]) if len(size) == 2 and size[0] == size[1] else None
    return int(size) if size else None


def supports(cfg: Mapping[str, Any]) -> bool:
    """Whether ``NumpyPreprocess`` reproduces open_clip's eval transform for this config."""
    return square_size(cfg) is not None and cfg.get("resize_mode", "shortest") in (
        "shortest",
        "squash",
    )


class NumpyPreprocess:
    """Callable: PIL image -> CHW float32 array, as open_clip's eval transform makes it."""

    def __init__(self, cfg: Mapping[str, Any]) -> None:
        import numpy as np
        from PIL import Image

        if not supports(cfg):
            raise ValueError(f"no numpy preprocessing for {dict(cfg)}")
        self.size = square_size(cfg) or 0
        self.squash = cfg.get("resize_mode", "shortest") == "squash"
        bilinear = cfg.get("interpolation") == "bilinear"
        self.resample = Image.Resampling.BILINEAR if bilinear else Image.Resampling.BICUBIC
        # ToTensor's /255 and Normalize folded into one multiply-add per channel.
        mean = np.asarray(cfg.get("mean", (0.0, 0.0, 0.0)), dtype=np.float32).reshape(3, 1, 1)
        std = np.asarray(cfg.get("std", (1.0, 1.0, 1.0)), dtype=np.float32).reshape(3, 1, 1)
        self._mean, self._std = mean, std

    def __call__(self, image: Image.Image) -> np.ndarray:
        import numpy as np

        image = self._resized(image).convert("RGB")
        pixels = np.asarray(image, dtype=np.float32).transpose(2, 0, 1) / np.float32(255.0)
        return np.ascontiguousarray((pixels - self._mean) / self._std, dtype=np.float32)

    def _resized(self, image: Image.Image) -> Image.Image:
        size = self.size
        width, height = image.size
        if self.squash:
            return (
                image
                if (width, height) == (size, size)
                else image.resize((size, size), self.resample)
            )
        # torchvision's Resize(int): the short side becomes `size`, the long side is truncated.
        if width <= height:
            new_w, new_h = size, int(size * height / width)
        else:
            new_w, new_h = int(size * width / height), size
        if (new_w, new_h) != (width, height):
            image = image.resize((new_w, new_h), self.resample)
        # torchvision's CenterCrop: round-half-even offsets, as Python's round() does.
        top = round((new_h - size) / 2.0)
        left = round((new_w - size) / 2.0)
        return image.crop((left, top, left + size, top + size))


__all__ = ["NumpyPreprocess", "square_size", "supports"]
