"""The open_clip model adapter: loading a model by its spec, and embedding images and texts.

Spec strings (``ARCH/PRETRAINED``, ``hf-hub:ORG/REPO``, ``local-dir:PATH``, ``random:ARCH``) are
parsed in ``spec``; where the weights come from (cache first, download only when missing
and the network is reachable) is ``fetch``.

Weights load safely: open_clip 3.3 reads ``.safetensors`` with safetensors and everything else
with ``torch.load(weights_only=True)`` when ``create_model(weights_only=True)`` is passed (its
default, passed explicitly here).

The image preprocessing always comes from the model's own config (SigLIP models normalise
differently from CLIP ones) and is exposed as JSON so the index can record it.

torch and open_clip are imported inside functions: the GUI imports this module at start-up.
"""

from __future__ import annotations

import contextlib
import importlib.util
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photosift.core.errors import ModelUnavailableError
from photosift.core.model.catalog import DEFAULT_MODEL_SPEC
from photosift.core.model.devices import choose_device, precision_for
from photosift.core.model.fetch import (
    check_local_dir,
    download_blocker,
    hub_offline,
    is_cached,
    load_failure,
)
from photosift.core.model.spec import (
    ModelSpec,
    parse_spec,
    resolve_arch,
)
from photosift.core.paths import model_cache_dir

if TYPE_CHECKING:
    import numpy as np
    import torch
    from PIL import Image

_LOAD_LOCK = threading.Lock()  # model creation flips the Hub's process-wide offline switch


def load_model(spec: str | ModelSpec, device: str = "auto") -> ClipModel:
    """Load a model for inference; ModelUnavailableError when it is missing and cannot be fetched."""
    spec = spec if isinstance(spec, ModelSpec) else parse_spec(spec)
    if spec.kind == "random":
        return random_model(spec.name, device)
    device = choose_device(device)
    if spec.kind == "local-dir":
        _check_text_tower(spec, check_local_dir(Path(spec.name)))
    elif spec.kind == "pretrained":
        _check_text_tower(spec, _builtin_config(spec.name))
    if is_cached(spec):
        try:
            return _create(spec, device, online=False)
        except ModelUnavailableError:
            # Cached weights but something else missing (e.g. a Hugging Face text config): fetch it.
            if spec.kind == "local-dir" or download_blocker(spec):
                raise
            return _create(spec, device, online=True)
    blocker = download_blocker(spec)
    if blocker:
        raise ModelUnavailableError(blocker)
    return _create(spec, device, online=True)


def random_model(arch: str = "ViT-B-32-256", device: str = "cpu") -> ClipModel:
    """An architecture with seeded random weights and its default preprocessing: exercises the
    whole pipeline at real cost without any download."""
    import torch

    spec = ModelSpec("random", resolve_arch(arch))
    device = choose_device(device)
    _check_text_tower(spec, _builtin_config(spec.name))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return _create(spec, device, online=False)


def _create(spec: ModelSpec, device: str, *, online: bool) -> ClipModel:
    import open_clip

    options: dict[str, Any] = {}
    if spec.kind == "pretrained":
        tag_cfg = open_clip.get_pretrained_cfg(spec.name, spec.tag)
        # Tags trained with QuickGELU need it; without it open_clip only warns and quality drops.
        if tag_cfg.get("quick_gelu") and not _builtin_config(spec.name).get("quick_gelu"):
            options["force_quick_gelu"] = True
    if spec.kind == "random":
        options["pretrained_text"] = False
    else:
        options["require_pretrained"] = True
    cache = None if spec.kind == "local-dir" else str(model_cache_dir())
    with _LOAD_LOCK, hub_offline(not online), _quiet_open_clip_logging():
        try:
            model = open_clip.create_model(
                spec.open_clip_name, pretrained=spec.tag, precision=precision_for(device),
                device=device, cache_dir=cache, weights_only=True, **options,
            )
            tokenizer = open_clip.get_tokenizer(spec.open_clip_name, cache_dir=cache)
        except Exception as exc:
            raise load_failure(spec, exc, online=online) from exc
    return ClipModel(str(spec), device, model, tokenizer)


@contextlib.contextmanager
def _quiet_open_clip_logging() -> Iterator[None]:
    """open_clip logs through ``logging.error()`` & co., which call ``basicConfig()`` when the
    app has set up no logging, leaving "ERROR:root:" lines next to our own message for good.
    A temporary NullHandler prevents that; an app that configured logging still gets them."""
    import logging

    root = logging.getLogger()
    if root.handlers:
        yield
        return
    quiet = logging.NullHandler()
    root.addHandler(quiet)
    try:
        yield
    finally:
        root.removeHandler(quiet)


def _builtin_config(arch: str) -> dict[str, Any]:
    import open_clip

    return open_clip.get_model_config(arch) or {}


def _check_text_tower(spec: ModelSpec, model_cfg: dict[str, Any]) -> None:
    """Text towers borrowed from Hugging Face need the optional `transformers` package."""
    text_cfg = model_cfg.get("text_cfg", {})
    if (text_cfg.get("hf_model_name") or text_cfg.get("hf_tokenizer_name")) and (
        importlib.util.find_spec("transformers") is None
    ):
        raise ModelUnavailableError(
            f"The model '{spec}' needs the Python package 'transformers' for its text encoder, "
            f"and it is not installed. Install it (pip install transformers) or choose another "
            f"model, such as {DEFAULT_MODEL_SPEC}."
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def image_preprocess(preprocess_cfg: dict[str, Any]) -> Callable[[Image.Image], torch.Tensor]:
    """The model's eval-time image transform, built from its preprocess config alone.

    `ClipModel.preprocess` is this transform; a process that never loads the weights (a
    cluster's decode task) builds the same one from `ClipModel.preprocess_cfg`.
    """
    from open_clip.transform import PreprocessCfg, image_transform_v2

    return image_transform_v2(PreprocessCfg(**preprocess_cfg), is_train=False)


class ClipModel:
    """A loaded model in eval mode. ``preprocess`` is thread-safe (PIL + torchvision, no shared
    state) so decode workers can run it; the encode methods run under inference_mode."""

    def __init__(self, spec: str, device: str, model: torch.nn.Module, tokenizer: Any) -> None:
        import open_clip
        import torch

        self.spec = spec
        self.device = device
        self._model: Any = model.eval()  # open_clip CLIP/CustomTextCLIP: duck-typed encode_*
        self._tokenizer = tokenizer
        self._dtype = torch.float16 if precision_for(device) == "fp16" else torch.float32
        cfg = dict(open_clip.get_model_preprocess_cfg(model))
        self._transform = image_preprocess(cfg)
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
            features = self._model.encode_image(batch.to(self.device, dtype=self._dtype))
            return self._unit_rows(features)

    def encode_images(self, images: Sequence[Image.Image], batch_size: int = 32) -> np.ndarray:
        import numpy as np
        import torch

        if len(images) == 0:
            return self._empty()
        parts = [
            self.encode_image_batch(torch.stack([self.preprocess(im) for im in images[i : i + batch_size]]))
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
                tokens = self._tokenizer(list(texts[i : i + batch_size])).to(self.device)
                parts.append(self._unit_rows(self._model.encode_text(tokens)))
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
