"""Hostile files get one clear outcome, fast (issue 16, Low): a huge sparse JPEG is too
large before its decoder runs; .crw and .avifs files are seen, not silently ignored."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image, features

from photosift.core.imaging.decode import (
    IMAGE_EXTENSIONS,
    ImageSkip,
    SkipReason,
    decode_image,
)
from photosift.core.library.scanner import walk_root
from tests.deadline import raised_within


def test_a_20_gb_sparse_jpeg_is_too_large_at_once(tmp_path: Path) -> None:
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (64, 48), "red").save(path, "JPEG")
    with open(path, "r+b") as handle:
        handle.truncate(20 * 1024**3)  # sparse: no disk used
    started = time.monotonic()
    skip = raised_within(10, lambda: decode_image(path, min_side=32))
    print(f"sparse 20 GB JPEG refused in {time.monotonic() - started:.3f} s")
    assert isinstance(skip, ImageSkip) and skip.reason is SkipReason.TOO_LARGE
    assert "64x48" in skip.detail


def test_a_normal_jpeg_passes_the_size_check(tmp_path: Path) -> None:
    path = tmp_path / "ok.jpg"
    Image.new("RGB", (64, 48), "red").save(path, "JPEG", quality=100)
    assert decode_image(path).width == 64


def test_crw_and_avifs_files_are_listed_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "IMG_0001.CRW").write_bytes(b"II\x1a\x00\x00\x00HEAPCCDR" + b"\0" * 64)
    (tmp_path / "burst.avifs").write_bytes(b"\0" * 16)
    listed = [f.relpath for f in walk_root(tmp_path, IMAGE_EXTENSIONS).files]
    assert listed == ["IMG_0001.CRW", "burst.avifs"]
    with pytest.raises(ImageSkip) as raw:
        decode_image(tmp_path / "IMG_0001.CRW")
    assert raw.value.reason is SkipReason.UNSUPPORTED and ".crw" in raw.value.detail


@pytest.mark.skipif(not features.check("avif"), reason="Pillow without AVIF")
def test_an_avif_sequence_file_decodes(tmp_path: Path) -> None:
    path = tmp_path / "burst.avifs"
    frames = [Image.new("RGB", (40, 30), colour) for colour in ("red", "blue")]
    frames[0].save(path, "AVIF", save_all=True, append_images=frames[1:])
    decoded = decode_image(path)
    assert (decoded.width, decoded.height) == (40, 30)


def test_a_jpeg_past_the_decoders_size_limit_is_too_large_not_corrupt(
    tmp_path: Path,
) -> None:
    import io
    import struct

    encoded = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(encoded, "JPEG")
    data = bytearray(encoded.getvalue())
    frame = data.find(b"\xff\xc0")  # SOF0: height and width follow the length and precision
    data[frame + 5 : frame + 9] = struct.pack(">HH", 65535, 65535)
    path = tmp_path / "max_size.jpg"
    path.write_bytes(bytes(data))
    for min_side in (None, 256):  # full size, and the reduced decode indexing asks for
        with pytest.raises(ImageSkip) as skip:
            decode_image(path, min_side=min_side)
        assert skip.value.reason is SkipReason.TOO_LARGE, (min_side, skip.value)


def test_libtiff_complaints_do_not_reach_stderr(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    noise = Image.effect_noise((256, 256), 50).convert("RGB")
    good = tmp_path / "good.tif"
    noise.save(good, compression="tiff_lzw")
    data = bytearray(good.read_bytes())
    data[200 : len(data) // 2] = b"\xff" * (len(data) // 2 - 200)  # garbage LZW codes
    broken = tmp_path / "broken.tif"
    broken.write_bytes(bytes(data))
    capfd.readouterr()
    with pytest.raises(ImageSkip) as skip:
        decode_image(broken)
    assert skip.value.reason is SkipReason.CORRUPT
    assert capfd.readouterr().err == ""  # libtiff's own "Using code not yet in table" is gone
