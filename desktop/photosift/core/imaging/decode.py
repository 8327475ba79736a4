"""The one way PhotoSift turns a file into pixels: indexing, thumbnails and query-by-image.

Why one decoder: a photo library holds hostile files (truncated, fuzzed, decompression
bombs, text named .jpg) next to real ones in every colour mode; each caller handling that
on its own would crash or disagree. Here every failure becomes :class:`ImageSkip` with a
typed :class:`SkipReason`, and every success is an upright, 8-bit RGB image.

Policies:

- Pixel limit: the pixel count from the header is checked against ``max_pixels`` before
  any pixel is decoded, so a bomb costs one header read. :data:`DEFAULT_MAX_PIXELS` is
  Pillow's hard limit (2 x ``Image.MAX_IMAGE_PIXELS`` = 178,956,970, about 512 MiB as RGB):
  it keeps real large photos (102 MP medium format, 151 MP Phase One). What counts is the
  pixels actually decoded: a JPEG reduced by DCT scaling counts at its reduced size, so a
  200 MP phone JPEG is indexed (and thumbnailed) at 1/8 scale although Pillow refuses such a
  file at open time; PhotoSift reopens it past that check only when a reduced decode was
  asked for, and never loosens Pillow's global. A full-size decode above the limit, or a
  200 MP HEIC without a large enough embedded thumbnail, stays TOO_LARGE.
- Degenerate shapes (long side more than :data:`MAX_ASPECT_RATIO` times the short side,
  e.g. 65535x1) are UNSUPPORTED in ``decode_image``: a CLIP preprocess scales the short side
  up to its input size, which would turn such a strip into gigabytes. ``make_thumbnail``
  still draws them, bounded by its size.
- Reduced decoding: with ``min_side`` the result may be smaller than the file, shortest
  side still >= ``min_side`` (JPEG: libjpeg DCT scaling by 1/2, 1/4, 1/8; HEIF: an embedded
  thumbnail; both via Pillow's ``draft``). Otherwise plain RGB files without a wide-gamut
  profile come back pixel-identical to ``exif_transpose(Image.open(p)).convert("RGB")``.
- Colour: a wide-gamut RGB profile (Display P3, Adobe RGB, ...) is converted to sRGB
  (core.colour); files without a profile or with an sRGB one are left as decoded.
- Transparency is composited on white; 16-bit grey is scaled (>> 8), float by min/max.
- Camera RAW files (:data:`RAW_EXTENSIONS`) are decoded through their embedded preview JPEG
  (core.imaging.raw, LibRaw via rawpy), a half-size demosaic when they have none; the
  orientation is LibRaw's. Without rawpy they are reported UNSUPPORTED, never ignored.
- Animated files give their first frame. A file is judged by its content, not its name,
  among the formats in :data:`DECODED_FORMATS` only (no Ghostscript, PSD, ... plugins).

Thread safety: no global state is changed per call (no warning filters, no
``LOAD_TRUNCATED_IMAGES``), so ``decode_image`` may run in a thread pool. It cannot stop a
decoder that hangs; callers that need a time limit wrap it (SkipReason.TIMEOUT).
"""

from __future__ import annotations

import dataclasses
import errno
import math
import os
import stat
import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from photosift.core.imaging.colour import to_srgb
from photosift.core.imaging.exif import read_metadata
from photosift.core.imaging.raw import (
    RawPreview,
    RawUnavailable,
    RawUnreadable,
    raw_metadata,
    read_raw_preview,
)


class SkipReason(str, Enum):
    NOT_IMAGE = "not_image"
    EMPTY = "empty"
    CORRUPT = "corrupt"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"
    PERMISSION = "permission_denied"
    VANISHED = "vanished"
    TIMEOUT = "timeout"
    ERROR = "error"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    SkipReason.NOT_IMAGE: "not an image",
    SkipReason.EMPTY: "empty file",
    SkipReason.CORRUPT: "truncated or corrupt",
    SkipReason.UNSUPPORTED: "unsupported format",
    SkipReason.TOO_LARGE: "image too large",
    SkipReason.PERMISSION: "permission denied",
    SkipReason.VANISHED: "file disappeared",
    SkipReason.TIMEOUT: "took too long to decode",
    SkipReason.ERROR: "unexpected error",
}


class ImageSkip(Exception):
    """A file that cannot be used as a photo; ``detail`` says exactly why, for the user."""

    def __init__(self, reason: SkipReason, detail: str = "") -> None:
        super().__init__(f"{reason.description}: {detail}" if detail else reason.description)
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple[type[ImageSkip], tuple[SkipReason, str]]:
        return ImageSkip, (self.reason, self.detail)  # survives a process pool


@dataclass
class DecodedImage:
    image: Image.Image  # RGB, upright, possibly reduced (see min_side)
    width: int  # full size after orientation, whatever the reduction
    height: int
    taken_at: float | None = None
    camera: str | None = None
    file_type: str | None = None  # Pillow format name: "JPEG", "PNG", "HEIF", "MPO", ...


RAW_EXTENSIONS = frozenset(
    ["dng", "crw", "cr2", "cr3", "nef", "nrw", "arw", "orf", "rw2", "raf", "pef", "srw"]
)
IMAGE_EXTENSIONS = (
    frozenset(
        [
            "jpg",
            "jpeg",
            "jpe",
            "jfif",
            "png",
            "apng",
            "gif",
            "webp",
            "tif",
            "tiff",
            "bmp",
            "heic",
            "heif",
            "hif",
            "avif",
            "avifs",
            "mpo",
        ]
    )
    | RAW_EXTENSIONS
)
#: A JPEG never needs more bytes than this per pixel of its header size, plus the slack for
#: metadata; a file far larger (a 20 GB sparse file with a JPEG header) is refused before its
#: decoder spends the whole timeout on it.
JPEG_MAX_BYTES_PER_PIXEL = 8
JPEG_MAX_SIDE = 65500  # libjpeg's JPEG_MAX_DIMENSION
FILE_SIZE_SLACK = 64 * 1024 * 1024
DEFAULT_MAX_PIXELS = 178_956_970
MAX_ASPECT_RATIO = 100
DECODED_FORMATS = ("JPEG", "MPO", "PNG", "GIF", "WEBP", "TIFF", "BMP", "HEIF", "AVIF")
# Formats whose draft() decodes less than the full image (DCT scaling, embedded thumbnail).
_REDUCIBLE_FORMATS = ("JPEG", "HEIF")

_WHITE = (255, 255, 255)
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Magic numbers of files Pillow refused to open: a known image signature means a damaged
# file (or one we cannot decode), anything else is not an image at all.
# fmt: off
_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"II+\x00", "TIFF"),
    (b"MM\x00+", "TIFF"), (b"BM", "BMP"), (b"8BPS", "Photoshop"), (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"), (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
    (b"\xffO\xffQ", "JPEG 2000"), (b"IIRO", "Olympus RAW"), (b"IIU\x00", "Panasonic RAW"),
    (b"FUJIFILMCCD-RAW", "Fujifilm RAW"),
)
# fmt: on
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
_GONE = (errno.ENOENT, errno.ENOTDIR, errno.ESTALE)
_CORRUPT_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, zlib.error)
# Full size -> the reduced sizes (both sides at least) the caller can use, best first.
_DraftBoxes = Callable[[tuple[int, int]], "list[tuple[int, int]]"]
_formats_lock = threading.Lock()
_formats: tuple[str, ...] | None = None


def decode_image(
    path: str | os.PathLike[str],
    *,
    min_side: int | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> DecodedImage:
    """Decode one photo upright in RGB; raises :class:`ImageSkip` and nothing else.

    ``min_side``: the shortest side the caller needs (the model's input size); lets the
    decoder skip work on big JPEG/HEIF files. ``None`` or < 1 decodes at full size."""
    boxes = [(min_side, min_side)] if min_side and min_side > 0 else []
    return _guarded(Path(path), lambda full: boxes, max_pixels, model_input=True)


def make_thumbnail(
    path: str | os.PathLike[str], size: int, *, max_pixels: int = DEFAULT_MAX_PIXELS
) -> Image.Image:
    """An upright RGB thumbnail whose longest side is at most ``size``; raises ImageSkip.

    The file is decoded reduced to about twice the thumbnail (Pillow's own reducing gap,
    which keeps the final resampling sharp), or to the thumbnail size itself when that is
    what lets a HEIF file use its embedded thumbnail instead of a full decode."""
    if size < 1:
        raise ValueError(f"thumbnail size must be at least 1 pixel, got {size}")

    def boxes(full: tuple[int, int]) -> list[tuple[int, int]]:
        return [
            (max(1, math.ceil(full[0] * scale)), max(1, math.ceil(full[1] * scale)))
            for scale in (2 * size / max(full), size / max(full))
        ]

    image = _guarded(Path(path), boxes, max_pixels, model_input=False).image
    image.thumbnail((size, size), Image.Resampling.BICUBIC)
    return image


def _guarded(
    path: Path, draft_boxes: _DraftBoxes, max_pixels: int, *, model_input: bool
) -> DecodedImage:
    try:
        return _decode(path, draft_boxes, max_pixels, model_input)
    except ImageSkip:
        raise
    except Exception as exc:
        skip = _classify(exc)
        if skip.reason is SkipReason.ERROR:
            raise skip from exc  # keep the traceback of what nobody expected
        raise skip from None


@dataclass(frozen=True)
class ImageHeader:
    """What cataloguing needs of a photo, read without decoding a pixel."""

    width: int  # after EXIF orientation
    height: int
    taken_at: float | None
    camera: str | None


def probe_image(path: str | os.PathLike[str]) -> ImageHeader:
    """Size, capture date and camera from the file's header; raises :class:`ImageSkip`.

    Cataloguing a folder must show every photo within seconds, so only the header is read
    (a millisecond per file). Files whose pixels turn out to be damaged pass here and are
    skipped later, when analysis decodes them. PNG keeps EXIF behind the pixels, so PNGs
    get no capture date here."""
    path = Path(path)
    try:
        _check_file(path)
        if path.suffix.lower().lstrip(".") in RAW_EXTENSIONS:  # the embedded preview's header
            raw = _open_raw(path)
            meta = dataclasses.replace(raw_metadata(path, raw.image), orientation=raw.orientation)
            width, height = _preview_proportions(raw.full_size, raw.image.size)
        else:
            with open(path, "rb") as stream:
                try:
                    image = _open(stream, reducible=True)
                except UnidentifiedImageError:
                    stream.seek(0)
                    raise _unidentified(stream.read(64)) from None
                width, height = image.size
                meta = read_metadata(image)
    except ImageSkip:
        raise
    except Exception as exc:
        raise _classify(exc) from None
    swap = meta.orientation >= 5
    return ImageHeader(
        height if swap else width, width if swap else height, meta.taken_at, meta.camera
    )


def _check_file(path: Path) -> os.stat_result:
    """Refusals that need only a stat (not a regular file, empty); the stat."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ImageSkip(SkipReason.NOT_IMAGE, "not a regular file")
    if info.st_size == 0:
        raise ImageSkip(SkipReason.EMPTY, "the file is 0 bytes long")
    return info


def _decode(
    path: Path, draft_boxes: _DraftBoxes, max_pixels: int, model_input: bool
) -> DecodedImage:
    info = _check_file(path)
    extension = path.suffix.lower().lstrip(".")
    raw = _open_raw(path) if extension in RAW_EXTENSIONS else None
    with open(path, "rb") as stream:
        if raw is not None:
            image = raw.image
            full_width, full_height = raw.full_size
        else:
            try:
                # Any box at all means the caller accepts a reduced decode.
                image = _open(stream, reducible=bool(draft_boxes((1 << 16, 1 << 16))))
            except UnidentifiedImageError:
                stream.seek(0)
                raise _unidentified(stream.read(64)) from None
            full_width, full_height = image.size
            _check_header(info.st_size, image.format, full_width, full_height)
        for box in draft_boxes(image.size):  # first one the format accepts
            if image.draft("RGB", box) is not None:  # JPEG: DCT scaling; HEIF: thumbnail
                break
        width, height = image.size
        if width * height > max_pixels:
            raise ImageSkip(
                SkipReason.TOO_LARGE, f"{full_width}x{full_height} pixels (limit {max_pixels:,})"
            )
        if model_input and max(width, height) > MAX_ASPECT_RATIO * min(width, height):
            raise ImageSkip(
                SkipReason.UNSUPPORTED, f"degenerate aspect ratio {full_width}x{full_height}"
            )
        image.load()
        meta = read_metadata(image) if raw is None else raw_metadata(path, image)
        if raw is not None:
            meta = dataclasses.replace(meta, orientation=raw.orientation)
            full_width, full_height = _preview_proportions(raw.full_size, image.size)
        method = _TRANSPOSE.get(meta.orientation)
        upright = image.transpose(method) if method is not None else image
        rgb = to_srgb(_to_rgb(upright), image.info.get("icc_profile"))
    swap = meta.orientation >= 5
    return DecodedImage(
        image=rgb,
        width=full_height if swap else full_width,
        height=full_width if swap else full_height,
        taken_at=meta.taken_at,
        camera=meta.camera,
        file_type=image.format if raw is None else "RAW",
    )


def _check_header(size: int, file_format: str | None, width: int, height: int) -> None:
    """What a JPEG header alone proves too large: a side past libjpeg's limit (it would fail
    mid-decode as "broken data stream", which reads as corrupt), or a file far larger than
    its pixels can need (single-frame JPEG only: other formats may hold many frames)."""
    if file_format in ("JPEG", "MPO") and max(width, height) > JPEG_MAX_SIDE:
        raise ImageSkip(
            SkipReason.TOO_LARGE,
            f"{width}x{height} pixels; JPEG decoders stop at {JPEG_MAX_SIDE:,} pixels a side",
        )
    if file_format != "JPEG":
        return
    needed = width * height * JPEG_MAX_BYTES_PER_PIXEL + FILE_SIZE_SLACK
    if size > needed:
        raise ImageSkip(
            SkipReason.TOO_LARGE,
            f"the file is {size:,} bytes, far more than a {width}x{height} JPEG can need",
        )


def _open_raw(path: Path) -> RawPreview:
    """A RAW file's embedded preview (core.imaging.raw), its failures as ImageSkip."""
    try:
        return read_raw_preview(path)
    except RawUnavailable:
        raise ImageSkip(
            SkipReason.UNSUPPORTED, "camera RAW needs the rawpy package (pip install rawpy)"
        ) from None
    except RawUnreadable as exc:
        reason = SkipReason.UNSUPPORTED if exc.unsupported else SkipReason.CORRUPT
        raise ImageSkip(reason, f"camera RAW ({path.suffix.lower()}): {exc}") from None


def _preview_proportions(sensor: tuple[int, int], preview: tuple[int, int]) -> tuple[int, int]:
    """The photo's size: the sensor's, unless a demosaic already rotated the preview
    (then the sides are swapped to match it), so width/height always agree with the pixels."""
    if (sensor[0] >= sensor[1]) == (preview[0] >= preview[1]):
        return sensor
    return sensor[1], sensor[0]


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode == "F" or image.mode.startswith("I"):
        return _deep_to_rgb(image)
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _deep_to_rgb(image: Image.Image) -> Image.Image:
    """16/32-bit integer and float grey: Pillow's own convert clips them to white."""
    import numpy as np

    values = np.asarray(image)
    low, high = values.min(), values.max()
    integer = image.mode != "F"
    if integer and image.mode == "I" and low >= 0 and high <= 255:
        grey = values.astype(np.uint8)
    elif integer and low >= 0 and high <= 65535:  # 16-bit data, also when stored as "I"
        grey = (values.astype(np.uint32) >> 8).astype(np.uint8)
    else:
        floats = np.nan_to_num(values.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        low, high = floats.min(), floats.max()
        grey = np.round((floats - low) * (255.0 / (high - low or 1.0))).astype(np.uint8)
    rgb = Image.fromarray(grey).convert("RGB")
    key = image.info.get("transparency")
    if isinstance(key, int):
        rgb.paste(_WHITE, mask=Image.fromarray((values == key).astype(np.uint8) * 255))
    return rgb


def _open(stream: BinaryIO, *, reducible: bool) -> Image.Image:
    """Image.open, except that a JPEG/HEIF file over Pillow's open-time limit may still open
    when the caller will decode it reduced (``reducible``): a 200 MP phone JPEG is 3 MP at
    1/8 DCT scale. Pillow's global limit stays untouched; what protects memory is the
    ``max_pixels`` check on the size actually decoded, which runs before any pixel is read."""
    try:
        return Image.open(stream, formats=_decodable_formats())
    except Image.DecompressionBombError:
        if not reducible:
            raise
        stream.seek(0)
        prefix = stream.read(16)
        for name in _REDUCIBLE_FORMATS:
            factory, accept = Image.OPEN.get(name, (None, None))
            if factory is not None and (accept is None or accept(prefix) is True):
                stream.seek(0)
                return factory(stream, "")
        raise


def _decodable_formats() -> tuple[str, ...]:
    """Registers pillow-heif once (lazily: it is slow to import) and lists the formats
    Pillow may try, in order; only those actually available, or Image.open would fail."""
    global _formats
    if _formats is not None:
        return _formats
    with _formats_lock:
        if _formats is None:
            try:
                import pillow_heif

                pillow_heif.register_heif_opener()
            except ImportError:
                pass
            Image.init()
            _silence_libtiff()
            _formats = tuple(name for name in DECODED_FORMATS if name in Image.OPEN)
        return _formats


def _silence_libtiff() -> None:
    """libtiff prints its own complaints ("TIFFFillStrip: Read error", "Using code not yet in
    table") straight to the process's stderr, in the middle of the CLI's output; every one of
    them also fails the decode, which the skip reason reports. So its global message handlers
    are switched off, once. Best effort: a Pillow built without a findable libtiff keeps them."""
    import ctypes
    import ctypes.util
    import glob

    from PIL import _imaging

    bundled = os.path.join(os.path.dirname(os.path.dirname(_imaging.__file__)), "pillow.libs")
    candidates = [
        *glob.glob(os.path.join(glob.escape(bundled), "libtiff*.so*")),
        ctypes.util.find_library("tiff"),
    ]
    for candidate in filter(None, candidates):
        try:
            libtiff = ctypes.CDLL(candidate)
            for setter in (libtiff.TIFFSetErrorHandler, libtiff.TIFFSetWarningHandler):
                setter.restype, setter.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
                setter(None)
            return
        except (OSError, AttributeError):
            continue


def _unidentified(head: bytes) -> ImageSkip:
    kind = _sniff(head)
    if kind is None:
        return ImageSkip(SkipReason.NOT_IMAGE, "the content is not a known image format")
    if kind.upper() in _decodable_formats():
        return ImageSkip(SkipReason.CORRUPT, f"looks like {kind} but its header is damaged")
    hint = " (install pillow-heif)" if kind == "HEIF" else ""
    return ImageSkip(SkipReason.UNSUPPORTED, f"{kind} images cannot be decoded{hint}")


def _sniff(head: bytes) -> str | None:
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp":
        brands = head[8:64]
        if b"avif" in brands or b"avis" in brands:
            return "AVIF"
        if head[8:11] == b"crx":
            return "Canon RAW"
        if head[8:12] in _HEIF_BRANDS:
            return "HEIF"
    return None


def _classify(exc: BaseException) -> ImageSkip:
    message = str(exc)[:300] or type(exc).__name__
    if isinstance(exc, FileNotFoundError) or getattr(exc, "errno", None) in _GONE:
        return ImageSkip(SkipReason.VANISHED, "the file was moved or deleted while reading it")
    if isinstance(exc, PermissionError):
        return ImageSkip(SkipReason.PERMISSION, "no permission to read the file")
    if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return ImageSkip(SkipReason.TOO_LARGE, message)
    if isinstance(exc, MemoryError):
        return ImageSkip(SkipReason.TOO_LARGE, "not enough memory to decode it")
    if isinstance(exc, OSError) and exc.errno is not None:
        return ImageSkip(SkipReason.ERROR, f"read error: {exc.strerror or exc}")
    if isinstance(exc, _CORRUPT_ERRORS):
        return ImageSkip(SkipReason.CORRUPT, message)
    return ImageSkip(SkipReason.ERROR, f"{type(exc).__name__}: {message}")
