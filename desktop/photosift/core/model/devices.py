"""Where a model runs and in which number format.

The policy lives here, apart from the model code, because it is a product decision backed by
measurements rather than a property of open_clip:

- ``auto`` prefers CUDA, then Apple's MPS, then the CPU: a GPU embeds photos 10-100x faster.
- CUDA gets fp16 weights (half the memory, tensor cores; CLIP embeddings are unaffected for
  ranking). MPS and the CPU stay in float32: bf16 autocast on a CPU was measured 8-50x *slower*
  than float32, and fp16 on MPS has produced NaNs with some open_clip towers.

torch is imported inside the functions: the GUI imports this module at start-up.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys

from photosift.core.errors import PhotoSiftError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


class DeviceUnavailableError(PhotoSiftError):
    """The user asked for a device this computer does not have."""


def available_devices() -> list[str]:
    """The devices torch can use here, best first."""
    import torch

    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    found.append("cpu")
    return found


def choose_device(requested: str = "auto") -> str:
    """Resolve ``auto`` to the best device, and check that an explicit choice exists here."""
    wanted = (requested or "auto").strip().lower()
    if wanted not in DEVICE_CHOICES:
        raise DeviceUnavailableError(
            f"Unknown device '{requested}'. Choose one of: {', '.join(DEVICE_CHOICES)}."
        )
    if wanted == "cpu":
        return "cpu"
    found = available_devices()
    if wanted == "auto":
        return found[0]
    if wanted not in found:
        names = {"cuda": "an NVIDIA GPU with CUDA", "mps": "Apple's Metal (MPS)"}
        raise DeviceUnavailableError(
            f"The device '{wanted}' was requested, but {names[wanted]} is not available to "
            f"PyTorch on this computer. Use --device auto or --device cpu instead."
        )
    return wanted


def cpu_only(requested: str = "auto") -> bool:
    """Whether the model will run on the CPU, answered without importing torch where possible:
    asked for by name, or ``auto`` on a computer with no GPU torch could use (no NVIDIA driver,
    not Apple silicon). Only when a GPU may exist does torch itself decide."""
    wanted = (requested or "auto").strip().lower()
    if wanted == "cpu":
        return True
    if wanted != "auto":
        return False
    if sys.platform == "darwin" and platform.machine() == "arm64":
        return choose_device("auto") == "cpu"
    if _nvidia_driver_present():
        return choose_device("auto") == "cpu"
    return True


def _nvidia_driver_present() -> bool:
    if sys.platform.startswith("linux"):
        return os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidiactl")
    return shutil.which("nvidia-smi") is not None


def precision_for(device: str) -> str:
    """The open_clip ``precision`` for a device: fp16 weights on CUDA, float32 elsewhere."""
    return "fp16" if device == "cuda" else "fp32"
