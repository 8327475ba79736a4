"""Where model weights come from: the cache, the network, and what to tell a user who has neither.

Loading looks in the cache first with the Hub switched to offline mode, so a cached model never
touches the network. Only when the weights are missing does it download, after a quick
reachability check: the Hub client retries a dead network for ~25 s per file, and a user who is
offline deserves an immediate answer that names the cache folder and the local-dir way out.
Weights are downloaded once into ``paths.model_cache_dir()``; downloads prefer the Hub's
safetensors file when it exists.

Every failure becomes a ModelUnavailableError whose message says what to do next, because the
raw Hub and open_clip errors (retries, HTTP codes, missing keys) do not.

Nothing here imports torch: the catalog asks ``hub_file_cached`` at GUI start-up.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import socket
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from photosift.core.errors import ModelUnavailableError
from photosift.core.model.catalog import CATALOG, DEFAULT_MODEL_SPEC, CatalogEntry, entry_for
from photosift.core.model.spec import ModelSpec, parse_spec
from photosift.core.paths import model_cache_dir

LOCAL_DIR_HINT = (
    "use a model folder you already have (one holding open_clip_config.json and "
    "open_clip_model.safetensors)"
)
HUB_CONFIG = "open_clip_config.json"
_HUB_WEIGHTS = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")


def hub_file_cached(repo: str, filenames: Sequence[str] = _HUB_WEIGHTS) -> bool:
    """Whether one of ``filenames`` of a Hub repo is in the model cache (no network, no torch)."""
    from huggingface_hub import try_to_load_from_cache

    cache = str(model_cache_dir())
    return any(
        isinstance(try_to_load_from_cache(repo, name, cache_dir=cache), str) for name in filenames
    )


@dataclass(frozen=True)
class HubSource:
    """What open_clip reads from the Hub for a spec: every file of `required`, and the first of
    `weights` that the repository has (open_clip's order: a .safetensors twin first)."""

    repo: str
    required: tuple[str, ...]
    weights: tuple[str, ...]


def hub_source(spec: ModelSpec) -> HubSource | None:
    """The Hub files behind `spec`; None for local folders, random weights and plain-URL weights."""
    if spec.kind == "hf-hub":
        return HubSource(spec.name, (HUB_CONFIG,), _HUB_WEIGHTS)
    if spec.kind != "pretrained":
        return None
    import open_clip

    cfg = open_clip.get_pretrained_cfg(spec.name, spec.tag)
    if not cfg.get("hf_hub"):
        return None
    repo, filename = os.path.split(cfg["hf_hub"])
    return HubSource(repo, (), _weight_candidates(filename))


def _weight_candidates(filename: str) -> tuple[str, ...]:
    """open_clip's download_pretrained_from_hf order for a pretrained entry's file name."""
    if not filename or filename == _HUB_WEIGHTS[1]:
        return _HUB_WEIGHTS
    if filename.endswith((".bin", ".pth")):
        return (f"{filename[:-4]}.safetensors", filename)
    return (filename,)


def is_cached(spec: str | ModelSpec) -> bool:
    """Whether the model can be loaded without a download."""
    spec = spec if isinstance(spec, ModelSpec) else parse_spec(spec)
    if spec.kind == "random":
        return True
    if spec.kind == "local-dir":
        folder = Path(spec.name)
        return (folder / HUB_CONFIG).is_file() and bool(_weight_files(folder))
    source = hub_source(spec)
    if source is None:  # pretrained weights from a plain URL, cached under their file name
        import open_clip

        url = open_clip.get_pretrained_cfg(spec.name, spec.tag).get("url", "?")
        return (model_cache_dir() / os.path.basename(url)).is_file()
    return all(
        hub_file_cached(source.repo, (name,)) for name in source.required
    ) and hub_file_cached(source.repo, source.weights)


@contextlib.contextmanager
def hub_offline(offline: bool) -> Iterator[None]:
    """Switch the Hub client's offline mode; it reads the flag on every request."""
    from huggingface_hub import constants

    before = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = offline
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = before


def _weight_files(folder: Path) -> list[Path]:
    return [p for ext in ("safetensors", "bin", "pth") for p in sorted(folder.glob(f"*.{ext}"))]


def check_local_dir(folder: Path) -> dict[str, Any]:
    """Check a local-dir model folder before open_clip sees it, and return its model_cfg:
    open_clip's own errors for a wrong folder do not say what the folder should hold."""
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
        raise ModelUnavailableError(
            f"The model folder {folder} has no open_clip_config.json. {fix}"
        ) from None
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"{config_path} cannot be read ({exc}). {fix}") from None
    if not isinstance(config, dict) or not isinstance(config.get("model_cfg"), dict):
        raise ModelUnavailableError(f"{config_path} has no 'model_cfg' section. {fix}")
    if not _weight_files(folder):
        raise ModelUnavailableError(f"The model folder {folder} has no weights file. {fix}")
    return config["model_cfg"]


def _env_offline() -> bool:
    return any(
        os.environ.get(name, "").strip().upper() in ("1", "ON", "YES", "TRUE")
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def _download_size(spec: ModelSpec) -> str:
    entry = entry_for(str(spec))
    return f" (about {entry.download_mb} MB)" if entry else ""


def download_blocker(spec: ModelSpec) -> str | None:
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


def load_failure(spec: ModelSpec, exc: BaseException, *, online: bool) -> ModelUnavailableError:
    """The advice for a failed load depends on where it looked: a folder, the network or the cache."""
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


def is_entry_cached(entry: CatalogEntry) -> bool:
    """Whether the entry's weights are already downloaded (so it works offline)."""
    return hub_file_cached(entry.hf_repo)


def missing_packages(entry: CatalogEntry) -> list[str]:
    """The entry's extra packages that are not installed (found without importing them)."""
    return [name for name in entry.needs if importlib.util.find_spec(name) is None]


def catalog_listing() -> dict:
    """The catalog as JSON-able data, with what is cached, for `photosift models` and the GUI;
    ``engines`` lists the CPU engine builds (ONNX) with the precision each one uses and why."""
    from photosift.core.model.engine_cache import builds

    return {
        "default": DEFAULT_MODEL_SPEC,
        "cache_dir": str(model_cache_dir()),
        "models": [
            {
                **asdict(entry),
                "needs": list(entry.needs),
                "missing": missing_packages(entry),
                "default": entry.spec == DEFAULT_MODEL_SPEC,
                "cached": is_entry_cached(entry),
            }
            for entry in CATALOG
        ],
        "engines": [
            {"spec": info.spec, "precision": info.precision.value, "summary": info.describe()}
            for info in builds()
        ],
    }
