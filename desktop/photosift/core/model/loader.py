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
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photosift.core.cancel import CancelToken
from photosift.core.errors import ModelUnavailableError
from photosift.core.model.catalog import DEFAULT_MODEL_SPEC
from photosift.core.model.clip_model import ClipModel
from photosift.core.model.devices import choose_device, cpu_only, precision_for
from photosift.core.model.fetch import (
    check_local_dir,
    download_blocker,
    hub_offline,
    is_cached,
    load_failure,
)
from photosift.core.model.identity import check_model_folder, content_hash
from photosift.core.model.precision import Engine, engine_from_env
from photosift.core.model.spec import (
    InvalidModelSpecError,
    ModelSpec,
    parse_spec,
    resolve_arch,
)
from photosift.core.model.transfer import ProgressCallback
from photosift.core.paths import model_cache_dir

if TYPE_CHECKING:
    from photosift.core.model.onnx_runtime import OnnxClipModel

log = logging.getLogger(__name__)
_LOAD_LOCK = threading.Lock()  # model creation flips the Hub's process-wide offline switch


def load_model(
    spec: str | ModelSpec,
    device: str = "auto",
    engine: Engine | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ClipModel | OnnxClipModel:
    """Load a model for inference; ModelUnavailableError when it is missing and cannot be fetched.

    A model not in the cache is downloaded first, reporting to `progress` and stopping with
    DownloadCancelledError when `cancel` is cancelled (the next call resumes the download).
    On a CPU the model runs on ONNX Runtime (``onnx_runtime``) unless ``engine`` (default:
    ``PHOTOSIFT_ENGINE``, else auto) says torch: found without importing torch when it was
    built before, else built now from the torch model (``onnx_export``).
    """
    engine = engine or engine_from_env()
    if engine is not Engine.TORCH and cpu_only(device):
        cached = _cached_engine(spec)
        if cached is not None:
            text = str(spec)
            if text.startswith("local-dir:"):  # the library knows a folder by its content
                cached.content_hash = content_hash(Path(text.removeprefix("local-dir:")))
            return cached
    spec = spec if isinstance(spec, ModelSpec) else parse_spec(spec)
    if spec.kind == "random":
        return random_model(spec.name, device)
    model = _load_torch(spec, choose_device(device), progress, cancel)
    if engine is Engine.TORCH or model.device != "cpu":
        return model
    onnx = _onnx_engine(spec, model, engine)
    onnx.content_hash = model.content_hash
    return onnx


def _cached_engine(spec: str | ModelSpec) -> OnnxClipModel | None:
    """The built engine of a spec, looked up by its syntax alone: checking an ARCH/TAG name
    against open_clip's lists imports torch, which is what the engine is there to avoid. A
    spelling that is not canonical simply misses and takes the checked path."""
    from photosift.core.model.onnx_runtime import load_cached

    try:
        parsed = spec if isinstance(spec, ModelSpec) else parse_spec(spec, check=False)
    except InvalidModelSpecError:
        return None
    return load_cached(parsed)


def _onnx_engine(spec: ModelSpec, model: ClipModel, engine: Engine) -> ClipModel | OnnxClipModel:
    """Build (or reuse) the ONNX engine of a model just loaded with torch; keep torch if the
    export fails, unless ONNX was asked for by name."""
    from photosift.core.model.onnx_export import EngineBuildError, ensure_build
    from photosift.core.model.onnx_runtime import OnnxClipModel

    try:
        return OnnxClipModel(ensure_build(spec, model), spec=str(spec))
    except EngineBuildError as exc:
        if engine is Engine.ONNX:
            raise
        log.warning("%s; %s stays on torch.", exc, spec)
        return model


def _load_torch(
    spec: ModelSpec,
    device: str,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ClipModel:
    if spec.kind == "local-dir":
        model = _load_local(spec, device)
        model.content_hash = content_hash(Path(spec.name))  # a changed folder is a new model
        return model
    if spec.kind == "pretrained":
        _check_text_tower(spec, _builtin_config(spec.name))
    return _load_named(spec, device, progress, cancel)


def _load_local(spec: ModelSpec, device: str) -> ClipModel:
    check_model_folder(Path(spec.name))  # before anything opens a file there
    _check_text_tower(spec, check_local_dir(Path(spec.name)))
    return _load_named(spec, device)


def _load_named(
    spec: ModelSpec,
    device: str,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ClipModel:
    if not is_cached(spec):
        blocker = download_blocker(spec)
        if blocker:
            raise ModelUnavailableError(blocker)
        from photosift.core.model.download import download_model

        download_model(spec, progress=progress, cancel=cancel)
    try:
        return _create(spec, device, online=False)
    except ModelUnavailableError:
        # Weights in the cache but something else missing (e.g. a Hugging Face text config, or
        # plain-URL weights open_clip fetches itself): let open_clip fetch it.
        if spec.kind == "local-dir" or download_blocker(spec):
            raise
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
    if spec.kind == "local-dir":
        options.update(_local_text_tower(Path(spec.name)))
    cache = None if spec.kind == "local-dir" else str(model_cache_dir())
    with _LOAD_LOCK, hub_offline(not online), _quiet_open_clip_logging():
        try:
            model = open_clip.create_model(
                spec.open_clip_name,
                pretrained=spec.tag,
                precision=precision_for(device),
                device=device,
                cache_dir=cache,
                weights_only=True,
                **options,
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


def _local_text_tower(folder: Path) -> dict[str, Any]:
    """A model folder that carries its Hugging Face text config (config.json) builds its text
    tower from that, offline: open_clip would otherwise ask the Hub for `hf_model_name`'s
    config (e.g. "xlm-roberta-base") even though the folder's weights cover the whole tower.
    The tokenizer already comes from the folder (open_clip reads local-dir tokenizers there)."""
    text_cfg = check_local_dir(folder).get("text_cfg", {})
    if not text_cfg.get("hf_model_name") or not (folder / "config.json").is_file():
        return {}
    return {"text_cfg": {**text_cfg, "hf_model_name": str(folder), "hf_model_pretrained": False}}


def _check_text_tower(spec: ModelSpec, model_cfg: dict[str, Any]) -> None:
    """Text towers borrowed from Hugging Face need the optional `transformers` package."""
    text_cfg = model_cfg.get("text_cfg", {})
    if (text_cfg.get("hf_model_name") or text_cfg.get("hf_tokenizer_name")) and (
        importlib.util.find_spec("transformers") is None
    ):
        raise ModelUnavailableError(
            f"The model '{spec}' needs the Python package 'transformers' for its text encoder, "
            f"and it is not installed (it is an optional extra: importing it costs every start "
            f"seconds). Install it (pip install transformers, or pip install 'photosift[multilingual]') "
            f"or choose another model, such as {DEFAULT_MODEL_SPEC}."
        )
