"""Colour management: pixels from a wide-gamut photo are converted to sRGB once, at decode.

Why: CLIP was trained on (mostly sRGB) web images and Qt paints thumbnails as sRGB. An iPhone
or a camera set to Adobe RGB stores Display P3 / Adobe RGB numbers; read as sRGB they come
out dull and shifted, in the thumbnails the user sees and in what the model is shown.

Policy: only RGB profiles are applied (the common case for photos); files without a profile,
with an sRGB profile or with a profile lcms cannot use are left exactly as decoded, never
skipped: a broken profile must not cost the user a photo. Transforms are built once per
distinct profile and shared by the decode threads (built with lcms' NOCACHE flag, which is
what makes one transform safe to apply from several threads at once).
"""

from __future__ import annotations

import hashlib
import io
import threading
from typing import Any

from PIL import Image

_lock = threading.Lock()
_transforms: dict[bytes, Any] = {}  # profile digest -> ImageCms transform, or None: leave as is
_MAX_CACHED = 64  # distinct profiles in one library are few; bound it against hostile files


def to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """``image`` (mode RGB) in sRGB, given the ICC profile embedded in its file."""
    if not icc_profile or image.mode != "RGB" or icc_profile[16:20] != b"RGB ":
        return image
    transform = _transform_for(icc_profile)
    if transform is None:
        return image
    from PIL import ImageCms

    try:
        converted = ImageCms.applyTransform(image, transform)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def _transform_for(icc_profile: bytes) -> Any:
    key = hashlib.blake2b(icc_profile, digest_size=16).digest()
    with _lock:
        if key in _transforms:
            return _transforms[key]
    transform = _build(icc_profile)
    with _lock:
        if len(_transforms) >= _MAX_CACHED:
            _transforms.pop(next(iter(_transforms)))
        _transforms[key] = transform
    return transform


def _build(icc_profile: bytes) -> Any:
    """The transform to sRGB, or None when the profile is sRGB already or unusable."""
    try:
        from PIL import ImageCms
    except ImportError:  # Pillow built without littlecms: decode as before
        return None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if _is_srgb(source):
            return None
        return ImageCms.buildTransform(
            source,
            ImageCms.createProfile("sRGB"),
            "RGB",
            "RGB",
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
            flags=ImageCms.Flags.NOCACHE,
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def _is_srgb(profile: Any) -> bool:
    """Most cameras and phones embed an sRGB profile; converting sRGB to sRGB would only cost
    time and nudge pixels by rounding, so those are recognised by name and skipped."""
    from PIL import ImageCms

    try:
        description = ImageCms.getProfileDescription(profile) or ""
    except ImageCms.PyCMSError:
        return False
    return "srgb" in description.lower().replace(" ", "")
