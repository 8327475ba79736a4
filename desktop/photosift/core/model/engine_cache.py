"""Where ONNX builds of a model live, and how a spec finds its build without importing torch.

A build is a folder ``engine_cache_dir()/KEY/`` holding the exported towers and ``engine.json``
(what was built, the int8 guard's figures, the precision chosen). KEY is a hash of the model's
weights, its preprocessing and tokenizer, and the export format, so two specs naming the same
weights share a build, and changed weights behind an old name never reuse a stale one.

Hashing 600 MB of weights costs a second, too much for every `photosift search`; and finding the
weights of an ``ARCH/TAG`` spec needs open_clip, which imports torch. So ``specs.json`` remembers,
per spec, the build's KEY and the size and mtime of the files the weights were read from:
while those are unchanged, the build is found with a few ``stat`` calls. Any change sends the
caller back to torch, which loads the model, hashes it again and builds (or reuses) the right KEY.

Nothing here imports torch, numpy or onnxruntime.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from photosift.core.model.precision import Precision
from photosift.core.model.spec import ModelSpec
from photosift.core.paths import engine_cache_dir, model_cache_dir

#: Bumped whenever the export (graph inputs, file names, manifest) changes shape.
EXPORT_FORMAT = 1
MANIFEST = "engine.json"
_SPECS = "specs.json"


@dataclass(frozen=True)
class GuardResult:
    """How the int8 image tower compared with fp32 on the probe photos (see ``int8_guard``)."""

    mean_cosine: float
    min_cosine: float
    top10_overlap: float
    probes: int
    passed: bool

    def summary(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"int8 guard {verdict} on {self.probes} probe photos: mean cosine {self.mean_cosine:.4f}, "
            f"min {self.min_cosine:.4f}, top-10 overlap {self.top10_overlap:.3f}"
        )


@dataclass(frozen=True)
class BuildInfo:
    """The manifest of one build: everything the ONNX engine needs besides the graphs."""

    key: str
    spec: str
    dim: int
    preprocess_cfg: dict[str, Any]
    context_length: int
    tokenizer: str  # "clip-bpe": the torch-free port; else open_clip's own tokenizer is used
    precision: Precision  # of the image tower used for new vectors
    torch_min_cosine: float  # ONNX fp32 against torch on the probe photos, at build time
    guard: GuardResult | None = None  # None when no int8 tower could be built at all
    note: str = ""  # why the image tower is not int8, when it is not
    files: dict[str, str] = field(default_factory=dict)  # "image", "image_int8", "text"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["precision"] = self.precision.value
        data["format"] = EXPORT_FORMAT
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BuildInfo:
        data = dict(data)
        data.pop("format", None)
        guard = data.pop("guard", None)
        return cls(
            **{**data, "precision": Precision(data["precision"])},
            guard=GuardResult(**guard) if guard else None,
        )

    def describe(self) -> str:
        """One line for the log and `photosift models`."""
        engine = f"ONNX Runtime, image tower {self.precision.value}"
        if self.guard is not None:
            engine += f" ({self.guard.summary()})"
        return engine + (f"; {self.note}" if self.note else "")


def build_dir(key: str) -> Path:
    return engine_cache_dir() / key


def read_build(key: str) -> BuildInfo | None:
    """The build stored under KEY, or None if it is missing, incomplete or of another format."""
    folder = build_dir(key)
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != EXPORT_FORMAT:
            return None
        info = BuildInfo.from_json(data)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return info if all((folder / name).is_file() for name in info.files.values()) else None


def write_build(folder: Path, info: BuildInfo) -> None:
    """Write the manifest last: a folder without one is an unfinished build and is ignored."""
    _write_json(folder / MANIFEST, info.to_json())


def find_build(spec: ModelSpec) -> BuildInfo | None:
    """The build remembered for ``spec``, if the files behind the spec have not changed since."""
    entry = _read_specs().get(str(spec))
    if (
        not isinstance(entry, dict)
        or not entry.get("paths")
        or entry.get("sources") != _stat_sources(entry["paths"])
    ):
        return None
    return read_build(str(entry.get("key", "")))


def remember_build(spec: ModelSpec, key: str, sources: list[Path]) -> None:
    """Record that ``spec``, read from ``sources``, is the build KEY."""
    paths = [str(p) for p in sources]
    specs = _read_specs()
    specs[str(spec)] = {"key": key, "paths": paths, "sources": _stat_sources(paths)}
    _write_json(engine_cache_dir() / _SPECS, specs)


def builds() -> list[BuildInfo]:
    """Every complete build in the cache, for `photosift models`."""
    found = []
    for folder in sorted(engine_cache_dir().iterdir()):
        info = read_build(folder.name) if folder.is_dir() else None
        if info is not None:
            found.append(info)
    return found


def source_files(spec: ModelSpec) -> list[Path]:
    """The files a spec's config and weights are read from (imports open_clip for ARCH/TAG
    specs: only called when torch is loading the model anyway)."""
    if spec.kind == "local-dir":
        folder = Path(spec.name)
        return sorted(p for p in folder.iterdir() if p.is_file())
    from huggingface_hub import try_to_load_from_cache

    cache = str(model_cache_dir())
    if spec.kind == "hf-hub":
        repo, names = (
            spec.name,
            ["open_clip_config.json", "open_clip_model.safetensors", "open_clip_pytorch_model.bin"],
        )
    elif spec.kind == "pretrained":
        import open_clip

        cfg = open_clip.get_pretrained_cfg(spec.name, spec.tag)
        if not cfg.get("hf_hub"):
            return [model_cache_dir() / os.path.basename(cfg.get("url", "?"))]
        repo, filename = os.path.split(cfg["hf_hub"].rstrip("/"))
        stem = os.path.splitext(filename)[0] if filename else "open_clip_pytorch_model"
        names = [f"{stem}.safetensors", f"{stem}.bin", filename or "open_clip_model.safetensors"]
    else:
        return []
    found = (try_to_load_from_cache(repo, name, cache_dir=cache) for name in names)
    return [Path(p) for p in found if isinstance(p, str)]


def _stat_sources(paths: list[str]) -> list[list[int]] | None:
    try:
        return [[(st := os.stat(p)).st_size, st.st_mtime_ns] for p in paths]
    except OSError:
        return None


def _read_specs() -> dict[str, Any]:
    try:
        data = json.loads((engine_cache_dir() / _SPECS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomically: a GUI and a CLI building at once must never leave half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2, sort_keys=True)
    os.chmod(tmp, 0o644)  # mkstemp's 0600, like the cache's other files, would be surprising
    os.replace(tmp, path)


__all__ = [
    "EXPORT_FORMAT",
    "BuildInfo",
    "GuardResult",
    "build_dir",
    "builds",
    "find_build",
    "read_build",
    "remember_build",
    "source_files",
    "write_build",
]
