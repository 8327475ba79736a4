"""The number formats image vectors are computed in, and the engines that compute them.

A leaf module (no torch, no onnxruntime) because the library store, the CLI and the GUI all
name these values, and none of them may pay for importing an inference engine to do so.
"""

from __future__ import annotations

import enum
import os


class Precision(str, enum.Enum):
    """How a model's image tower computed a library's vectors.

    FP32 and FP16 vectors agree to a cosine of ~0.9999 and are always mixed freely. INT8 ones
    only exist when the model passed the int8 guard (``int8_guard``) at build time.
    """

    FP32 = "fp32"
    FP16 = "fp16"
    INT8 = "int8"


class Engine(str, enum.Enum):
    """What runs the model: ``AUTO`` is ONNX Runtime on a CPU and torch on a GPU."""

    AUTO = "auto"
    TORCH = "torch"
    ONNX = "onnx"


def engine_from_env() -> Engine:
    """``PHOTOSIFT_ENGINE=torch`` keeps everything on torch: a way out if an ONNX build
    misbehaves on some machine, and the baseline of the inference benchmark."""
    raw = os.environ.get("PHOTOSIFT_ENGINE", "").strip().lower()
    try:
        return Engine(raw) if raw else Engine.AUTO
    except ValueError:
        return Engine.AUTO
