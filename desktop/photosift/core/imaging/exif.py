"""Photo metadata (capture time, camera, orientation) read defensively from EXIF.

Camera firmware writes EXIF badly: NUL-padded or garbage-filled strings, impossible dates
("0000:00:00 00:00:00", second 70), offsets pointing outside the file, invalid orientation
values. Metadata is a nice-to-have next to the pixels, so nothing here ever raises: anything
unreadable simply becomes ``None`` (or orientation 1) and the photo is still indexed.

Capture time is a POSIX timestamp. EXIF stores local wall-clock time; when the camera also
recorded the UTC offset (OffsetTimeOriginal & co., EXIF 2.31) the time is exact, otherwise
it is interpreted in the local time zone of this computer, which is what a user who took
the photo nearby expects to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from PIL import Image

TAG_MAKE = 0x010F
TAG_MODEL = 0x0110
TAG_ORIENTATION = 0x0112
TAG_DATETIME = 0x0132
TAG_EXIF_IFD = 0x8769
TAG_DATETIME_ORIGINAL = 0x9003
TAG_DATETIME_DIGITIZED = 0x9004
TAG_OFFSET_TIME = 0x9010
TAG_OFFSET_TIME_ORIGINAL = 0x9011
TAG_OFFSET_TIME_DIGITIZED = 0x9012
TAG_SUBSEC_TIME = 0x9290
TAG_SUBSEC_TIME_ORIGINAL = 0x9291
TAG_SUBSEC_TIME_DIGITIZED = 0x9292

# (date tag, offset tag, sub-second tag, lives in the Exif sub-IFD), most trustworthy first.
_TIME_SOURCES = (
    (TAG_DATETIME_ORIGINAL, TAG_OFFSET_TIME_ORIGINAL, TAG_SUBSEC_TIME_ORIGINAL, True),
    (TAG_DATETIME_DIGITIZED, TAG_OFFSET_TIME_DIGITIZED, TAG_SUBSEC_TIME_DIGITIZED, True),
    (TAG_DATETIME, TAG_OFFSET_TIME, TAG_SUBSEC_TIME, False),
)

_DATETIME_RE = re.compile(
    r"(\d{4})[:\-/.](\d{1,2})[:\-/.](\d{1,2})[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?"
)
_OFFSET_RE = re.compile(r"^\s*(?:([+-])(\d{1,2}):?(\d{2})|Z)\s*$")
# Legal-form words that only lengthen a maker name ("NIKON CORPORATION" -> "NIKON").
_MAKER_SUFFIXES = frozenset(
    {"corporation", "corp", "company", "co", "ltd", "limited", "inc", "ab", "gmbh", "llc"}
)
_MAX_NAME = 64


@dataclass(frozen=True)
class PhotoMetadata:
    taken_at: float | None = None
    camera: str | None = None
    orientation: int = 1  # EXIF 1-8; anything else is treated as 1 (upright)


def read_metadata(image: Image.Image) -> PhotoMetadata:
    """Metadata of an opened image; for PNG call it after ``load()`` (Pillow reads EXIF
    there from chunks behind the pixel data). Never raises."""
    try:
        exif = image.getexif()
    except Exception:
        return PhotoMetadata()
    try:
        sub_ifd: Any = exif.get_ifd(TAG_EXIF_IFD)
    except Exception:
        sub_ifd = {}
    return PhotoMetadata(
        taken_at=_taken_at(exif, sub_ifd),
        camera=_guard(lambda: tidy_camera(exif.get(TAG_MAKE), exif.get(TAG_MODEL))),
        orientation=_guard(lambda: _orientation(exif.get(TAG_ORIENTATION))) or 1,
    )


def parse_exif_datetime(
    value: object, offset: object = None, subsec: object = None
) -> float | None:
    """POSIX time of an EXIF date ("2021:06:15 14:30:00"), or None when it is no real date."""
    text = _text(value)
    if not text:
        return None
    match = _DATETIME_RE.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if year < 1800:
        return None
    try:
        moment = datetime(year, month, day, hour, minute, second)
        zone = _zone(offset)
        if zone is not None:
            moment = moment.replace(tzinfo=zone)
        stamp = moment.timestamp()
    except (ValueError, OverflowError, OSError):
        return None
    fraction = _text(subsec)
    if fraction and fraction.isdigit():
        stamp += int(fraction) / 10 ** len(fraction)
    return stamp


def tidy_camera(make: object, model: object) -> str | None:
    """ "Make Model" for display and filtering, without the repetition and padding cameras
    write ("Canon" + "Canon EOS 40D" -> "Canon EOS 40D", "NIKON CORPORATION" + "NIKON D70"
    -> "NIKON D70")."""
    make_text = _clean_name(make)
    model_text = _clean_name(model)
    words = re.split(r"[\s,]+", make_text)
    while words and words[-1].lower().strip(".") in _MAKER_SUFFIXES:
        words.pop()
    make_text = " ".join(words)
    if not model_text:
        return make_text or None
    first = model_text.split()[0].lower()
    if not make_text or any(word.lower() == first for word in words):
        return model_text
    return f"{make_text} {model_text}"


def _taken_at(exif: Any, sub_ifd: Any) -> float | None:
    for date_tag, offset_tag, subsec_tag, in_sub_ifd in _TIME_SOURCES:
        source = sub_ifd if in_sub_ifd else exif
        stamp = _guard(  # called at once: the loop variables cannot change under it
            lambda: parse_exif_datetime(
                source.get(date_tag),  # noqa: B023
                sub_ifd.get(offset_tag),  # noqa: B023
                sub_ifd.get(subsec_tag),  # noqa: B023
            )
        )
        if stamp is not None:
            return stamp
    return None


def _zone(offset: object) -> timezone | None:
    match = _OFFSET_RE.match(_text(offset))
    if not match:
        return None
    if match.group(1) is None:
        return timezone.utc
    hours, minutes = int(match.group(2)), int(match.group(3))
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match.group(1) == "-" else delta)


def _orientation(value: object) -> int:
    if isinstance(value, (tuple, list)) and value:
        value = value[0]
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _clean_name(value: object) -> str:
    """A C string: cut at the first NUL (garbage often follows), keep printable characters."""
    text = _text(value).split("\x00", 1)[0]
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())[:_MAX_NAME].strip()
    return text if any(ch.isalnum() for ch in text) else ""


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (tuple, list)) and value:
        return _text(value[0])
    return value if isinstance(value, str) else ""


def _guard(read: Any) -> Any:
    """Run one small metadata read; a broken tag costs that value, never the photo."""
    try:
        return read()
    except Exception:
        return None
