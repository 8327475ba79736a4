"""The open_clip model adapter: which model, where its weights come from, and embedding.

A model is named by a spec string, stored in the library so an index is only ever queried with
the model that built it:

- ``ARCH/PRETRAINED``: an entry of ``open_clip.list_pretrained()``, e.g. the default
  ``ViT-B-32-256/datacomp_s34b_b86k``; weights are downloaded once into
  ``paths.model_cache_dir()``.
- ``hf-hub:ORG/REPO``: an open_clip model published on the Hugging Face Hub.
- ``local-dir:PATH``: open_clip's folder format (``open_clip_config.json`` with ``model_cfg`` and
  ``preprocess_cfg``, plus ``open_clip_model.safetensors``); works with no network at all.
- ``random:ARCH``: random weights from a fixed seed, for benchmarks and tests.

Loading looks in the cache first with the Hub switched to offline mode, so a cached model never
touches the network. Only when the weights are missing does it download, after a quick
reachability check: the Hub client retries a dead network for ~25 s per file, and a user who is
offline deserves an immediate answer that names the cache folder and the local-dir way out.

Weights load safely: open_clip 3.3 reads ``.safetensors`` with safetensors and everything else
with ``torch.load(weights_only=True)`` when ``create_model(weights_only=True)`` is passed (its
default, passed explicitly here); downloads prefer the Hub's safetensors file when it exists.

The image preprocessing always comes from the model's own config (SigLIP models normalise
differently from CLIP ones) and is exposed as JSON so the index can record it.

torch and open_clip are imported inside functions: the GUI imports this module at start-up.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib.util
import json
import os
import re
import socket
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from photosift.core.devices import choose_device, precision_for
from photosift.core.errors import ModelUnavailableError, PhotoSiftError
from photosift.core.paths import model_cache_dir

if TYPE_CHECKING:
    import numpy as np
    import torch
    from PIL import Image

__all__ = [
    "DEFAULT_MODEL_SPEC", "ClipModel", "InvalidModelSpecError", "ModelSpec", "choose_device",
    "hub_file_cached", "is_cached", "load_model", "parse_spec", "random_model",
]

#: Fast on a CPU (~4.4 GFLOPs per photo at 256 px), strong for its size (ImageNet zero-shot
#: 72.8%, on par with ViT-B-16 at a third of the cost), MIT-licensed weights in safetensors.
DEFAULT_MODEL_SPEC = "ViT-B-32-256/datacomp_s34b_b86k"

SPEC_FORMS = "Use ARCH/PRETRAINED (see `photosift models`), hf-hub:ORG/REPO or local-dir:FOLDER."
LOCAL_DIR_HINT = (
    "use a model folder you already have with --model local-dir:/path/to/folder (the folder "
    "must contain open_clip_config.json and open_clip_model.safetensors)"
)
_HUB_WEIGHTS = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")
_REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*")
_LOAD_LOCK = threading.Lock()  # model creation flips the Hub's process-wide offline switch


class InvalidModelSpecError(PhotoSiftError):
    """A model spec string that names no model open_clip knows."""


@dataclass(frozen=True)
class ModelSpec:
    """A parsed spec; ``str(spec)`` is the canonical form stored in the database."""

    kind: str  # "pretrained" | "hf-hub" | "local-dir" | "random"
    name: str  # architecture, ORG/REPO, or absolute folder path
    tag: str | None = None  # the pretrained weights tag, for kind "pretrained"

    def __str__(self) -> str:
        return f"{self.name}/{self.tag}" if self.kind == "pretrained" else f"{self.kind}:{self.name}"

    @property
    def open_clip_name(self) -> str:
        return self.name if self.kind in ("pretrained", "random") else str(self)


def parse_spec(text: str, *, check: bool = True) -> ModelSpec:
    """Parse and canonicalise a spec. ``check`` verifies the name against open_clip's lists
    (imports torch, ~4 s); ``check=False`` only checks the syntax."""
    raw = (text or "").strip()
    kind, sep, rest = raw.partition(":")
    rest = rest.strip()
    if sep and kind in ("local-dir", "hf-hub", "random") and not rest:
        raise InvalidModelSpecError(f"The model spec '{raw}' has nothing after '{kind}:'. {SPEC_FORMS}")
    if sep and kind == "local-dir":
        return ModelSpec("local-dir", str(Path(rest).expanduser().resolve()))
    if sep and kind == "hf-hub":
        repo = rest.strip("/")
        if not _REPO_ID.fullmatch(repo):
            raise InvalidModelSpecError(
                f"The model spec '{raw}' is not a Hugging Face repository: write hf-hub:ORG/REPO."
            )
        return ModelSpec("hf-hub", repo)
    if sep and kind == "random":
        return ModelSpec("random", _resolve_arch(rest) if check else rest)
    arch, slash, tag = raw.partition("/")
    if check and not sep and not slash and raw:
        _check_tag(_resolve_arch(raw), "")
    if sep or not (arch and slash and tag) or "/" in tag:
        hint = f" If it is a Hugging Face repository, write hf-hub:{raw}." if _REPO_ID.fullmatch(raw) else ""
        raise InvalidModelSpecError(f"'{raw}' is not a model spec.{hint} {SPEC_FORMS}")
    tag = tag.strip().lower().replace("-", "_")  # open_clip's own tag normalisation
    if check:
        arch = _resolve_arch(arch.strip(), repo_hint=raw)
        _check_tag(arch, tag)
    return ModelSpec("pretrained", arch.strip(), tag)


def _resolve_arch(name: str, repo_hint: str = "") -> str:
    import open_clip

    known = open_clip.list_models()
    if name in known:
        return name
    by_lower = {arch.lower(): arch for arch in known}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = [by_lower[m] for m in difflib.get_close_matches(name.lower(), by_lower, n=5, cutoff=0.6)]
    advice = f" Did you mean: {', '.join(close)}?" if close else " `photosift models` lists good choices."
    if repo_hint and not close and _REPO_ID.fullmatch(repo_hint):
        advice += f" If it is a Hugging Face repository, write hf-hub:{repo_hint}."
    raise InvalidModelSpecError(f"open_clip has no model architecture named '{name}'.{advice}")


def _check_tag(arch: str, tag: str) -> None:
    import open_clip

    tags = open_clip.list_pretrained_tags_by_model(arch)
    if tag in tags:
        return
    if not tags:
        raise InvalidModelSpecError(
            f"open_clip has no pretrained weights for '{arch}'. `photosift models` lists good choices."
        )
    close = difflib.get_close_matches(tag, tags, n=3, cutoff=0.5) if tag else []
    advice = f"Did you mean {' or '.join(f'{arch}/{t}' for t in close)}? " if close else ""
    problem = f"open_clip has no weights '{tag}' for '{arch}'" if tag else f"'{arch}' needs its weights too"
    raise InvalidModelSpecError(f"{problem}. {advice}Write {arch}/TAG with TAG one of: {', '.join(tags)}.")


def hub_file_cached(repo: str, filenames: Sequence[str] = _HUB_WEIGHTS) -> bool:
    """Whether one of ``filenames`` of a Hub repo is in the model cache (no network, no torch)."""
    from huggingface_hub import try_to_load_from_cache

    cache = str(model_cache_dir())
    return any(isinstance(try_to_load_from_cache(repo, name, cache_dir=cache), str) for name in filenames)


def is_cached(spec: str | ModelSpec) -> bool:
    """Whether the model can be loaded without a download."""
    spec = spec if isinstance(spec, ModelSpec) else parse_spec(spec)
    if spec.kind == "random":
        return True
    if spec.kind == "local-dir":
        folder = Path(spec.name)
        return (folder / "open_clip_config.json").is_file() and bool(_weight_files(folder))
    if spec.kind == "hf-hub":
        return hub_file_cached(spec.name, ("open_clip_config.json",)) and hub_file_cached(spec.name)
    import open_clip

    cfg = open_clip.get_pretrained_cfg(spec.name, spec.tag)
    if not cfg.get("hf_hub"):
        return (model_cache_dir() / os.path.basename(cfg.get("url", "?"))).is_file()
    repo, filename = os.path.split(cfg["hf_hub"])
    if not filename:
        return hub_file_cached(repo)
    stem, ext = os.path.splitext(filename)
    return hub_file_cached(repo, ((f"{stem}.safetensors",) if ext in (".bin", ".pth") else ()) + (filename,))


def load_model(spec: str | ModelSpec, device: str = "auto") -> ClipModel:
    """Load a model for inference; ModelUnavailableError when it is missing and cannot be fetched."""
    spec = spec if isinstance(spec, ModelSpec) else parse_spec(spec)
    if spec.kind == "random":
        return random_model(spec.name, device)
    device = choose_device(device)
    if spec.kind == "local-dir":
        _check_local_dir(Path(spec.name))
    elif spec.kind == "pretrained":
        _check_text_tower(spec, _builtin_config(spec.name))
    if is_cached(spec):
        try:
            return _create(spec, device, online=False)
        except ModelUnavailableError:
            # Cached weights but something else missing (e.g. a Hugging Face text config): fetch it.
            if spec.kind == "local-dir" or _download_blocker(spec):
                raise
            return _create(spec, device, online=True)
    blocker = _download_blocker(spec)
    if blocker:
        raise ModelUnavailableError(blocker)
    return _create(spec, device, online=True)


def random_model(arch: str = "ViT-B-32-256", device: str = "cpu") -> ClipModel:
    """An architecture with seeded random weights and its default preprocessing: exercises the
    whole pipeline at real cost without any download."""
    import torch

    spec = ModelSpec("random", _resolve_arch(arch))
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
    with _LOAD_LOCK, _hub_offline(not online), _quiet_open_clip_logging():
        try:
            model = open_clip.create_model(
                spec.open_clip_name, pretrained=spec.tag, precision=precision_for(device),
                device=device, cache_dir=cache, weights_only=True, **options,
            )
            tokenizer = open_clip.get_tokenizer(spec.open_clip_name, cache_dir=cache)
        except Exception as exc:
            raise _load_failure(spec, exc, online=online) from exc
    return ClipModel(str(spec), device, model, tokenizer)


@contextlib.contextmanager
def _hub_offline(offline: bool) -> Iterator[None]:
    """Switch the Hub client's offline mode; it reads the flag on every request."""
    from huggingface_hub import constants

    before = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = offline
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = before


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


def _weight_files(folder: Path) -> list[Path]:
    return [p for ext in ("safetensors", "bin", "pth") for p in sorted(folder.glob(f"*.{ext}"))]


def _check_local_dir(folder: Path) -> None:
    fix = (
        "An open_clip model folder holds open_clip_config.json (with model_cfg and "
        "preprocess_cfg) and open_clip_model.safetensors."
    )
    if not folder.is_dir():
        raise ModelUnavailableError(f"The model folder {folder} does not exist. {fix}")
    config_path = folder / "open_clip_config.json"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelUnavailableError(f"The model folder {folder} has no open_clip_config.json. {fix}") from None
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"{config_path} cannot be read ({exc}). {fix}") from None
    if not isinstance(config, dict) or not isinstance(config.get("model_cfg"), dict):
        raise ModelUnavailableError(f"{config_path} has no 'model_cfg' section. {fix}")
    if not _weight_files(folder):
        raise ModelUnavailableError(f"The model folder {folder} has no weights file. {fix}")
    _check_text_tower(ModelSpec("local-dir", str(folder)), config["model_cfg"])


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


def _env_offline() -> bool:
    return any(
        os.environ.get(name, "").strip().upper() in ("1", "ON", "YES", "TRUE")
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def _download_size(spec: ModelSpec) -> str:
    from photosift.core.catalog import entry_for

    entry = entry_for(str(spec))
    return f" (about {entry.download_mb} MB)" if entry else ""


def _download_blocker(spec: ModelSpec) -> str | None:
    """Why a download cannot even start (offline mode, no network), or None to go ahead."""
    missing = f"The model '{spec}' is not in the model cache ({model_cache_dir()})"
    if _env_offline():
        return (
            f"{missing} and downloads are switched off (HF_HUB_OFFLINE is set), so this computer "
            f"is treated as offline. Unset HF_HUB_OFFLINE and connect to the internet to "
            f"download it once{_download_size(spec)}, or {LOCAL_DIR_HINT}."
        )
    from huggingface_hub import constants

    endpoint = urlparse(constants.ENDPOINT)
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (80 if endpoint.scheme == "http" else 443)
    if not _proxy_configured() and not _reachable(host, port):
        return (
            f"{missing} and cannot be downloaded: this computer appears to be offline (cannot "
            f"reach {host}). Connect to the internet to download it once{_download_size(spec)}, "
            f"or {LOCAL_DIR_HINT}."
        )
    return None


def _proxy_configured() -> bool:
    """Behind a proxy a direct connection says nothing; let the download itself decide."""
    return any(os.environ.get(n) for n in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"))


def _reachable(host: str, port: int, timeout: float = 3.0) -> bool:
    """A TCP connect in a thread, so that a hanging DNS lookup cannot hang the caller."""
    result: list[bool] = []

    def attempt() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            result.append(True)
        except OSError:
            result.append(False)

    worker = threading.Thread(target=attempt, daemon=True, name="photosift-net-probe")
    worker.start()
    worker.join(timeout + 1.0)
    return bool(result and result[0])


def _short_reason(exc: BaseException) -> str:
    """The most specific message in an exception chain, on one short line."""
    chain = [exc]
    while (nxt := chain[-1].__cause__ or chain[-1].__context__) is not None and len(chain) < 10:
        chain.append(nxt)
    for err in reversed(chain):
        line = str(err).strip().splitlines()[0] if str(err).strip() else ""
        if line:
            return line if len(line) <= 200 else line[:197] + "..."
    return type(exc).__name__


def _load_failure(spec: ModelSpec, exc: BaseException, *, online: bool) -> ModelUnavailableError:
    reason = _short_reason(exc)
    if spec.kind == "local-dir":
        return ModelUnavailableError(
            f"The model folder {spec.name} could not be loaded: {reason}. Check that it is an "
            f"open_clip model folder (open_clip_config.json and open_clip_model.safetensors)."
        )
    if online:
        return ModelUnavailableError(
            f"Downloading the model '{spec}' failed: {reason}. Check the internet connection and "
            f"try again, or {LOCAL_DIR_HINT}."
        )
    return ModelUnavailableError(
        f"The model '{spec}' could not be loaded from the model cache ({model_cache_dir()}): "
        f"{reason}. Connect to the internet once to fetch what is missing, or {LOCAL_DIR_HINT}."
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class ClipModel:
    """A loaded model in eval mode. ``preprocess`` is thread-safe (PIL + torchvision, no shared
    state) so decode workers can run it; the encode methods run under inference_mode."""

    def __init__(self, spec: str, device: str, model: torch.nn.Module, tokenizer: Any) -> None:
        import open_clip
        import torch
        from open_clip.transform import PreprocessCfg, image_transform_v2

        self.spec = spec
        self.device = device
        self._model = model.eval()
        self._tokenizer = tokenizer
        self._dtype = torch.float16 if precision_for(device) == "fp16" else torch.float32
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
