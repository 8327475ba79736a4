"""Build a model's CPU engine: export both towers to ONNX, check them, quantize, guard.

Runs once per model (about 20 s for ViT-B-32 on 2 cores), the first time it is used on a CPU;
the result is cached under ``engine_cache_dir()`` by a hash of the weights (see engine_cache):

1. Export the image and text towers from the loaded open_clip model (opset 17, dynamic batch).
2. Check the fp32 graphs against torch on the probe photos and a few prompts, through the
   torch-free preprocessing and tokenizer the engine will use: a build whose vectors do not
   match torch's (cosine >= 0.9999) is refused, and the model stays on torch.
3. Quantize the image tower to int8 (ONNX Runtime dynamic quantization, per-channel weights)
   and run the int8 guard. Passed: new vectors use int8. Failed: fp32, logged and recorded in
   the manifest, which `photosift models` shows.

torch, onnx and onnxruntime are imported inside functions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photosift.core.errors import PhotoSiftError
from photosift.core.model.engine_cache import (
    EXPORT_FORMAT,
    BuildInfo,
    build_dir,
    read_build,
    remember_build,
    source_files,
    write_build,
)
from photosift.core.model.precision import Precision
from photosift.core.model.spec import ModelSpec
from photosift.core.paths import engine_cache_dir

if TYPE_CHECKING:
    import numpy as np

    from photosift.core.model.clip_model import ClipModel

log = logging.getLogger(__name__)

OPSET = 17
TORCH_MIN_COSINE = 0.9999
_FIDELITY_PROMPTS = (
    "a photo of a cat",
    "a red circle on a blue background",
    "kids on a beach at sunset",
)


class EngineBuildError(PhotoSiftError):
    """The model could not be exported, or the export does not reproduce torch's vectors."""


def ensure_build(spec: ModelSpec, model: ClipModel) -> BuildInfo:
    """The model's build, made now unless one with the same weights exists; remembered for
    ``spec`` so the next start finds it without torch."""
    key = content_key(model)
    info = read_build(key) or _build(key, model)
    remember_build(spec, key, source_files(spec))
    return info


def content_key(model: ClipModel) -> str:
    """A hash of everything the vectors depend on: weights, preprocessing, tokenizer, format."""
    digest = hashlib.sha256()
    header = {
        "format": EXPORT_FORMAT,
        "preprocess": model.preprocess_cfg,
        "context_length": model.context_length,
        "tokenizer": tokenizer_kind(model),
    }
    digest.update(json.dumps(header, sort_keys=True).encode())
    for name, tensor in sorted(model.module.state_dict().items()):
        digest.update(f"{name}:{tensor.dtype}:{tuple(tensor.shape)}".encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:24]


def tokenizer_kind(model: ClipModel) -> str:
    """``clip-bpe`` when the model's tokenizer is plain CLIP BPE (the torch-free port applies)."""
    tokenizer = model.tokenizer
    plain = (
        type(tokenizer).__name__ == "SimpleTokenizer"
        and getattr(tokenizer, "reduction_fn", None) is None
        and getattr(getattr(tokenizer, "clean_fn", None), "__name__", "") == "_clean_lower"
    )
    return "clip-bpe" if plain else "open_clip"


def _build(key: str, model: ClipModel) -> BuildInfo:
    if model.device != "cpu" or model.precision is not Precision.FP32:
        raise EngineBuildError("the ONNX engine is built from the fp32 model on the CPU")
    log.info("Building the CPU engine for %s (once per model)...", model.spec)
    tmp = Path(tempfile.mkdtemp(dir=engine_cache_dir(), prefix=f".{key}."))
    tmp.chmod(0o755)  # mkdtemp's 0700 would hide the build from other users of a shared cache
    try:
        info = _export_and_check(key, model, tmp)
        write_build(tmp, info)
        try:
            os.replace(tmp, build_dir(key))
        except OSError:  # another process finished the same build first: use theirs
            existing = read_build(key)
            if existing is None:
                raise
            return existing
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("CPU engine for %s: %s", model.spec, info.describe())
    if info.guard is not None and not info.guard.passed:
        log.warning("%s: int8 is not used for this model; photos are embedded in fp32.", model.spec)
    return info


def _export_and_check(key: str, model: ClipModel, folder: Path) -> BuildInfo:
    from photosift.core.model import int8_guard

    files = {"image": "image.onnx", "text": "text.onnx"}
    try:
        export_towers(model, folder / files["image"], folder / files["text"])
    except Exception as exc:  # the exporter's failures are many and unnamed
        raise EngineBuildError(f"exporting {model.spec} to ONNX failed: {exc}") from exc
    info = BuildInfo(
        key=key,
        spec=model.spec,
        dim=model.dim,
        preprocess_cfg=model.preprocess_cfg,
        context_length=model.context_length,
        tokenizer=tokenizer_kind(model),
        precision=Precision.FP32,
        torch_min_cosine=0.0,
        files=files,
    )
    probes = int8_guard.probe_photos()
    # One staged engine at a time, dropped before the next step: each holds its graphs'
    # weights in memory, and a build's peak memory is what a first run costs.
    onnx = _staged(info, folder)
    fp32 = onnx.encode_images(probes)
    torch_min = min(
        _min_cosine(model.encode_images(probes), fp32),
        _min_cosine(model.encode_texts(_FIDELITY_PROMPTS), onnx.encode_texts(_FIDELITY_PROMPTS)),
    )
    del onnx
    if torch_min < TORCH_MIN_COSINE:
        raise EngineBuildError(
            f"the ONNX export of {model.spec} does not reproduce torch's vectors "
            f"(min cosine {torch_min:.5f} < {TORCH_MIN_COSINE})"
        )
    info = _replace(info, torch_min_cosine=round(torch_min, 6))
    try:
        quantize_image_tower(folder / files["image"], folder / "image.int8.onnx")
    except Exception as exc:
        return _replace(info, note=f"int8 quantization failed ({type(exc).__name__}: {exc})"[:300])
    with_int8 = _replace(info, files={**files, "image_int8": "image.int8.onnx"})
    int8 = _staged(_replace(with_int8, precision=Precision.INT8), folder).encode_images(probes)
    guard = int8_guard.compare(fp32, int8)
    if guard.passed:
        return _replace(with_int8, precision=Precision.INT8, guard=guard)
    (folder / "image.int8.onnx").unlink()
    return _replace(
        info, guard=guard, note="int8 failed the guard, so the image tower runs in fp32"
    )


def export_towers(model: ClipModel, image_path: Path, text_path: Path) -> None:
    """Both towers as ONNX graphs with a dynamic batch axis; outputs are not normalised."""
    import torch

    class Tower(torch.nn.Module):
        """One encoder of the model as a module of its own (the clip stays a submodule, so its
        weights are exported as initializers)."""

        def __init__(self, clip: torch.nn.Module, encode: str) -> None:
            super().__init__()
            self.clip, self.encode = clip, encode

        def forward(self, inputs: torch.Tensor) -> torch.Tensor:
            return getattr(self.clip, self.encode)(inputs)

    size = model.input_size
    towers = (
        (Tower(model.module, "encode_image"), torch.zeros(2, 3, size, size), "pixels", image_path),
        (
            Tower(model.module, "encode_text"),
            torch.zeros(2, model.context_length, dtype=torch.long),
            "tokens",
            text_path,
        ),
    )
    # Grad mode on: with it off, eval-mode attention takes a fused fast path with no ONNX op.
    with warnings.catch_warnings(), torch.inference_mode(False), torch.enable_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        for tower, example, name, path in towers:
            torch.onnx.export(
                tower.eval(),
                (example,),
                str(path),
                dynamo=False,
                opset_version=OPSET,
                input_names=[name],
                output_names=["features"],
                dynamic_axes={name: {0: "batch"}, "features": {0: "batch"}},
            )


def quantize_image_tower(fp32_path: Path, int8_path: Path) -> None:
    """Dynamic int8 quantization with per-channel weights (no calibration data needed)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # it advises running its pre-processing, via logging.warning()
    try:
        quantize_dynamic(
            str(fp32_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True
        )
    finally:
        root.setLevel(level)


def _staged(info: BuildInfo, folder: Path) -> Any:
    """An engine over a build that is not in its final folder yet."""
    from photosift.core.model.onnx_runtime import OnnxClipModel

    return OnnxClipModel(info, folder=folder)


def _min_cosine(a: np.ndarray, b: np.ndarray) -> float:
    import numpy as np

    return float(np.min(np.sum(np.asarray(a, np.float64) * np.asarray(b, np.float64), axis=1)))


def _replace(info: BuildInfo, **changes: Any) -> BuildInfo:
    return dataclasses.replace(info, **changes)


__all__ = [
    "OPSET",
    "EngineBuildError",
    "content_key",
    "ensure_build",
    "export_towers",
    "quantize_image_tower",
]
