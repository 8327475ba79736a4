"""Camera RAW files (CR2, CR3, NEF, ARW, DNG, RAF, ORF, RW2...) seen through their preview.

Why the embedded preview: every RAW file carries a full- or near-full-size JPEG the camera
rendered with its own colour science. Extracting it (LibRaw's ``extract_thumb``, via
``rawpy``) costs a read of a few MB, while demosaicing the sensor data costs seconds and
gives a flat, unprocessed look. CLIP needs 224 px, a thumbnail 256: the preview is plenty.
A full demosaic (half size, camera white balance) is only the fallback for files without a
preview. The preview is stored unrotated; LibRaw's ``flip`` says how the camera was held.

``rawpy`` is imported lazily (it loads LibRaw) and is optional: without it RAW files are
skipped as UNSUPPORTED with a hint, as before.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from photosift.core.imaging.exif import PhotoMetadata, read_metadata

# LibRaw's sizes.flip values -> the EXIF orientation the pixels need.
_FLIP_TO_ORIENTATION = {0: 1, 3: 3, 5: 8, 6: 6}


class RawUnavailable(Exception):
    """rawpy/LibRaw is not installed."""


class RawUnreadable(Exception):
    """LibRaw refused the file; `unsupported` tells an unknown format from damaged data."""

    def __init__(self, message: str, *, unsupported: bool) -> None:
        super().__init__(message)
        self.unsupported = unsupported


@dataclass
class RawPreview:
    image: Image.Image  # as stored in the file (not rotated); a JPEG not yet loaded
    orientation: int  # EXIF orientation value to apply
    full_size: tuple[int, int]  # the sensor image's size before orientation
    demosaiced: bool  # True when no preview existed and the sensor data was developed


def read_raw_preview(path: Path) -> RawPreview:
    """The embedded preview of a RAW file, else a half-size demosaic; raises RawUnavailable
    or RawUnreadable (OSError for I/O failures passes through)."""
    try:
        import rawpy
    except ImportError as exc:
        raise RawUnavailable("camera RAW needs the rawpy package") from exc
    try:
        with rawpy.imread(str(path)) as raw:
            orientation = _FLIP_TO_ORIENTATION.get(raw.sizes.flip, 1)
            full_size = (raw.sizes.width, raw.sizes.height)
            try:
                thumb = raw.extract_thumb()
            except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
                thumb = None
            if thumb is not None and isinstance(thumb.data, bytes):  # ThumbFormat.JPEG
                image = Image.open(io.BytesIO(thumb.data), formats=["JPEG"])
                return RawPreview(image, orientation, full_size, demosaiced=False)
            if thumb is not None:  # ThumbFormat.BITMAP: an RGB array
                import numpy as np

                pixels = np.asarray(thumb.data, dtype=np.uint8)
                return RawPreview(Image.fromarray(pixels), orientation, full_size, False)
            # postprocess() applies the flip itself, so the result is already upright.
            pixels = raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8)
            return RawPreview(Image.fromarray(pixels), 1, full_size, demosaiced=True)
    except rawpy.LibRawFileUnsupportedError as exc:
        message = _message(exc, "LibRaw does not support this file")
        raise RawUnreadable(message, unsupported=True) from None
    except rawpy.LibRawError as exc:
        raise RawUnreadable(_message(exc, "damaged RAW data"), unsupported=False) from None


def raw_metadata(path: Path, preview: Image.Image) -> PhotoMetadata:
    """Capture time and camera: most RAW formats (DNG, CR2, NEF, ARW, ORF...) are TIFF
    containers whose first IFD holds the EXIF; the others (CR3, RAF) may have it in the
    preview. Orientation comes from LibRaw instead (see RawPreview). Never raises."""
    try:
        with Image.open(path, formats=["TIFF"]) as container:
            found = read_metadata(container)
    except Exception:
        found = PhotoMetadata()
    if found.taken_at is None and found.camera is None:
        found = read_metadata(preview)
    return found


def _message(exc: Exception, fallback: str) -> str:
    text = exc.args[0] if exc.args else ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text).split("/")[0].strip() or fallback
