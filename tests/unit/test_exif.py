"""Capture time and camera from EXIF, including the broken EXIF real cameras write."""

from __future__ import annotations

import io
import random
from datetime import datetime, timezone

import pytest
from PIL import Image

from photosift.core.imaging.exif import (
    PhotoMetadata,
    parse_exif_datetime,
    read_metadata,
    tidy_camera,
)
from tests.samples import TAKEN_LOCAL, TAKEN_WITH_OFFSET, camera_exif

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def jpeg_with(exif: Image.Exif | bytes) -> Image.Image:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "teal").save(buffer, "JPEG", exif=exif)
    buffer.seek(0)
    image = Image.open(buffer)
    image.load()
    return image


def test_naive_exif_time_is_local_time() -> None:
    assert parse_exif_datetime("2021:06:15 14:30:00") == datetime(2021, 6, 15, 14, 30).timestamp()


@pytest.mark.parametrize(
    ("offset", "utc"),
    [("+02:00", (12, 30)), ("-05:30", (20, 0)), ("Z", (14, 30)), ("+0100", (13, 30))],
)
def test_offset_makes_the_time_exact(offset: str, utc: tuple[int, int]) -> None:
    expected = datetime(2021, 6, 15, *utc, tzinfo=timezone.utc).timestamp()
    assert parse_exif_datetime("2021:06:15 14:30:00", offset) == expected


def test_sub_seconds_are_added() -> None:
    base = parse_exif_datetime("2021:06:15 14:30:00", "+00:00")
    assert parse_exif_datetime("2021:06:15 14:30:00", "+00:00", "25") == pytest.approx(base + 0.25)
    assert parse_exif_datetime("2021:06:15 14:30:00", "+00:00", "garbage") == base


@pytest.mark.parametrize(
    "text",
    [
        "0000:00:00 00:00:00",
        "2017:08:21 15:08:70",
        "2021:13:01 00:00:00",
        "    :  :     :  :  ",
        "",
        "yesterday",
        None,
        12345,
        "1200:01:01 00:00:00",
    ],
)
def test_impossible_dates_are_none(text: object) -> None:
    assert parse_exif_datetime(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "2021:06:15 14:30:00\x00",
        b"2021:06:15 14:30:00",
        "2021-06-15T14:30:00",
        ("2021:06:15 14:30:00",),
    ],
)
def test_sloppy_but_real_dates_are_read(text: object) -> None:
    assert parse_exif_datetime(text) == datetime(2021, 6, 15, 14, 30).timestamp()


def test_bad_offset_falls_back_to_local_time() -> None:
    assert (
        parse_exif_datetime("2021:06:15 14:30:00", "+99:00")
        == datetime(2021, 6, 15, 14, 30).timestamp()
    )


@pytest.mark.parametrize(
    ("make", "model", "camera"),
    [
        ("Canon", "Canon EOS 40D", "Canon EOS 40D"),
        ("NIKON CORPORATION", "NIKON D70", "NIKON D70"),
        (
            "EASTMAN KODAK COMPANY",
            "KODAK CX7530 ZOOM DIGITAL CAMERA",
            "KODAK CX7530 ZOOM DIGITAL CAMERA",
        ),
        ("Apple", "iPhone 15 Pro", "Apple iPhone 15 Pro"),
        ("OLYMPUS IMAGING CORP.  ", "TG-830          ", "OLYMPUS IMAGING TG-830"),
        ("Minolta Co., Ltd.", "DiMAGE 7i", "Minolta DiMAGE 7i"),
        ("GoPro\x00\x00 \xfc\xcdx\xc0\x13", "HD2\x00\x04\x00pØ3", "GoPro HD2"),
        ("WWL     ", "ION230\x00F", "WWL ION230"),
        ("", "", None),
        (None, None, None),
        ("Canon", None, "Canon"),
        ("\x01\x02", "  ", None),
        (b"SONY", b"ILCE-7SM3", "SONY ILCE-7SM3"),
    ],
)
def test_camera_names_are_tidied(make: object, model: object, camera: str | None) -> None:
    assert tidy_camera(make, model) == camera


def test_metadata_from_a_camera_jpeg() -> None:
    meta = read_metadata(jpeg_with(camera_exif(6)))
    assert meta == PhotoMetadata(taken_at=TAKEN_LOCAL, camera="Canon EOS 40D", orientation=6)
    assert read_metadata(jpeg_with(camera_exif(offset="+02:00"))).taken_at == TAKEN_WITH_OFFSET


def test_original_time_wins_over_file_time_and_file_time_is_the_fallback() -> None:
    exif = camera_exif()
    exif[0x0132] = "2024:01:01 00:00:00"
    assert read_metadata(jpeg_with(exif)).taken_at == TAKEN_LOCAL
    only_file_time = Image.Exif()
    only_file_time[0x0132] = "2024:01:01 00:00:00"
    assert read_metadata(jpeg_with(only_file_time)).taken_at == datetime(2024, 1, 1).timestamp()


@pytest.mark.parametrize("value", [0, 9, 255])
def test_invalid_orientation_means_upright(value: int) -> None:
    exif = Image.Exif()
    exif[0x0112] = value
    assert read_metadata(jpeg_with(exif)).orientation == 1


def test_no_exif_gives_empty_metadata() -> None:
    assert read_metadata(Image.new("RGB", (4, 4))) == PhotoMetadata()


def test_broken_exif_never_raises() -> None:
    """Random damage to a real EXIF block: metadata may be lost, never the photo."""
    good = camera_exif(3).tobytes()
    rng = random.Random(3)
    results = []
    for _ in range(150):
        damaged = bytearray(good)
        for _ in range(rng.randrange(1, 12)):
            damaged[rng.randrange(6, len(damaged))] = rng.randrange(256)
        if rng.random() < 0.3:
            damaged = damaged[: rng.randrange(8, len(damaged))]
        meta = read_metadata(jpeg_with(bytes(damaged)))
        assert isinstance(meta, PhotoMetadata) and 1 <= meta.orientation <= 8
        results.append(meta)
    assert any(meta.camera == "Canon EOS 40D" for meta in results)
