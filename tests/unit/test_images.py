"""The decoder against generated sample files: right pixels, right size, right skip reason."""

from __future__ import annotations

import io
import os
import pickle
import random
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile, ImageOps

from photosift.core.imaging.decode import (
    DEFAULT_MAX_PIXELS,
    IMAGE_EXTENSIONS,
    DecodedImage,
    ImageSkip,
    SkipReason,
    decode_image,
    make_thumbnail,
)
from tests.conftest import REPO_ROOT
from tests.samples import (
    HEADER_ONLY_SAMPLE,
    IGNORED,
    INDEXED,
    LARGE_SIZE,
    PERMISSION_SAMPLE,
    UPRIGHT_SIZE,
    Expected,
    upright_picture,
    write_samples,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore::UserWarning", "ignore::PIL.Image.DecompressionBombWarning"
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Expected]]:
    folder = tmp_path_factory.mktemp("samples")
    return folder, write_samples(folder)


@pytest.fixture(scope="module")
def folder(library: tuple[Path, dict[str, Expected]]) -> Path:
    return library[0]


def outcome(path: Path, **options: int) -> str:
    try:
        decode_image(path, **options)
    except ImageSkip as skip:
        return skip.reason
    return INDEXED


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def test_every_sample_is_indexed_or_skipped_with_its_reason(library) -> None:
    folder, expected = library
    wrong = []
    for name, want in expected.items():
        path = folder / name
        if want.outcome == IGNORED:
            assert path.suffix.lower().lstrip(".") not in IMAGE_EXTENSIONS, name
            continue
        assert path.suffix.lower().lstrip(".") in IMAGE_EXTENSIONS, name
        try:
            decoded = decode_image(path, min_side=224)
        except ImageSkip as skip:
            if skip.reason != want.outcome or not skip.detail:
                wrong.append((name, want.outcome, skip.reason, skip.detail))
            continue
        got = (
            INDEXED,
            (decoded.width, decoded.height),
            decoded.image.mode,
            decoded.camera,
            decoded.taken_at,
        )
        if got != (want.outcome, want.size, "RGB", want.camera, want.taken_at):
            wrong.append((name, want, got))
    assert wrong == []


def test_every_indexed_sample_gets_a_bounded_upright_thumbnail(library) -> None:
    folder, expected = library
    for name, want in expected.items():
        if want.outcome == INDEXED:
            thumbnail = make_thumbnail(folder / name, 40)
            assert thumbnail.mode == "RGB", name
            assert max(thumbnail.size) <= 40, name
            portrait = want.size[1] > want.size[0]
            assert (thumbnail.height > thumbnail.width) == portrait or min(want.size) < 40, name


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_gives_the_upright_picture(folder: Path, orientation: int) -> None:
    reference = pixels(decode_image(folder / "camera/orientation_1.jpg").image)
    decoded = decode_image(folder / f"camera/orientation_{orientation}.jpg")
    assert decoded.image.size == UPRIGHT_SIZE
    assert np.abs(pixels(decoded.image) - reference).mean() < 3
    assert np.abs(pixels(decoded.image) - pixels(upright_picture())).mean() < 6
    stored = Image.open(folder / f"camera/orientation_{orientation}.jpg").convert("RGB")
    if orientation != 1:  # the check can tell a wrong orientation apart
        assert stored.size != UPRIGHT_SIZE or np.abs(pixels(stored) - reference).mean() > 30


def test_thumbnails_are_upright(folder: Path) -> None:
    thumbnail = make_thumbnail(folder / "camera/orientation_6.jpg", 48)
    expected = upright_picture().resize((48, 32))
    assert thumbnail.size == (48, 32)
    assert np.abs(pixels(thumbnail) - pixels(expected)).mean() < 8


def test_large_jpeg_is_decoded_reduced_but_never_below_min_side(folder: Path) -> None:
    path = folder / "camera/large_3200x2400.jpg"
    full = decode_image(path)
    reduced = decode_image(path, min_side=224)
    assert full.image.size == (2400, 3200)  # orientation 6: portrait
    assert (reduced.width, reduced.height) == (2400, 3200)
    assert min(reduced.image.size) >= 224
    assert reduced.image.width * reduced.image.height * 16 <= full.image.width * full.image.height
    assert reduced.image.height > reduced.image.width
    for min_side in (1, 300, 700, 1199, 1200, 2400, 5000):
        size = decode_image(path, min_side=min_side).image.size
        assert min(size) >= min(min_side, min(LARGE_SIZE)), min_side


def test_reduced_decode_looks_like_the_full_decode(folder: Path) -> None:
    path = folder / "camera/large_3200x2400.jpg"
    reduced = decode_image(path, min_side=224).image
    full = decode_image(path).image.resize(reduced.size, Image.Resampling.BOX)
    assert np.abs(pixels(reduced) - pixels(full)).mean() < 3


def test_heif_uses_its_embedded_thumbnail_when_big_enough(folder: Path) -> None:
    path = folder / "camera/photo.heic"
    if not path.exists():
        pytest.skip("HEIC could not be written here")
    reduced = decode_image(path, min_side=100)
    assert reduced.image.size == (160, 120) and (reduced.width, reduced.height) == (320, 240)
    assert decode_image(path, min_side=200).image.size == (320, 240)
    assert make_thumbnail(path, 160).size == (160, 120)


@pytest.mark.parametrize(
    "name",
    [
        "camera/photo.png",
        "camera/progressive.jpg",
        "camera/orientation_6.jpg",
        "camera/grey.jpg",
        "camera/photo.gif",
        "camera/photo.tiff",
        "camera/photo.webp",
        "camera/cmyk.jpg",
    ],
)
def test_full_decode_is_pixel_identical_to_the_reference_preprocess(
    folder: Path, name: str
) -> None:
    """What the indexer's reference embedding sees: exif_transpose, then convert("RGB")."""
    reference = ImageOps.exif_transpose(Image.open(folder / name)).convert("RGB")
    decoded = decode_image(folder / name).image
    assert decoded.mode == "RGB"
    assert np.array_equal(np.asarray(decoded), np.asarray(reference))


def test_small_jpeg_with_min_side_is_identical_to_full_decode(folder: Path) -> None:
    path = folder / "camera/progressive.jpg"  # 320x240: no DCT scale keeps 224
    assert np.array_equal(
        np.asarray(decode_image(path, min_side=224).image), np.asarray(decode_image(path).image)
    )


def test_rgba_is_composited_on_white(folder: Path) -> None:
    decoded = pixels(decode_image(folder / "camera/rgba.png").image)
    scene = pixels(Image.open(folder / "camera/photo.png"))
    assert (decoded[:, :160] == 255).all()
    assert np.array_equal(decoded[:, 160:], scene[:, 160:])
    grey_alpha = pixels(decode_image(folder / "camera/grey_alpha.png").image)
    assert (grey_alpha[:, :160] == 255).all() and grey_alpha[:, 160:].mean() < 250


def test_transparent_palette_entry_becomes_white(folder: Path) -> None:
    decoded = pixels(decode_image(folder / "camera/palette_transparent.png").image)
    assert (decoded[:120, :160] == 255).all()
    assert decoded[120:, 160:].mean() < 200


def test_sixteen_bit_grey_is_scaled_not_clipped(folder: Path) -> None:
    row = pixels(decode_image(folder / "camera/grey16.png").image)[0, :, 0]
    assert row[0] == 0 and row[-1] == 255
    assert abs(int(row[160]) - 128) <= 2
    assert np.all(np.diff(row) >= 0)


def test_float_image_is_normalised(folder: Path) -> None:
    row = pixels(decode_image(folder / "camera/float.tiff").image)[0, :, 0]
    assert row[0] == 0 and row[-1] == 255 and 100 < row[160] < 160


@pytest.mark.parametrize(
    "name", ["camera/cmyk.jpg", "camera/lab.tif", "camera/photo.bmp", "camera/photo.heic"]
)
def test_other_colour_models_convert_to_the_same_colours(folder: Path, name: str) -> None:
    if not (folder / name).exists():
        pytest.skip(f"{name} could not be written here")
    scene = pixels(Image.open(folder / "camera/photo.png"))
    assert np.abs(pixels(decode_image(folder / name).image) - scene).mean() < 8


@pytest.mark.parametrize(
    "name", ["camera/animated.gif", "camera/animated.png", "camera/animated.webp"]
)
def test_animations_give_their_first_frame(folder: Path, name: str) -> None:
    red, green, blue = pixels(decode_image(folder / name).image)[24, 32]
    assert red > 180 and green < 60 and blue < 60


def test_pixel_limit_is_checked_before_any_pixel_is_decoded(folder: Path) -> None:
    """The header-only file fails as soon as its pixels are read, so TOO_LARGE (instead of
    CORRUPT) proves the limit was enforced without loading: no allocation happened."""
    path = folder / HEADER_ONLY_SAMPLE
    assert outcome(path) == SkipReason.CORRUPT
    with pytest.raises(ImageSkip) as refused:
        decode_image(path, max_pixels=4000 * 3000 - 1)
    assert refused.value.reason == SkipReason.TOO_LARGE
    assert "4000x3000" in refused.value.detail
    with pytest.raises(ImageSkip) as thumb:
        make_thumbnail(path, 64, max_pixels=1_000_000)
    assert thumb.value.reason == SkipReason.TOO_LARGE


def test_pixel_limit_counts_the_pixels_actually_decoded(folder: Path) -> None:
    path = folder / "camera/large_3200x2400.jpg"
    assert outcome(path, max_pixels=1_000_000) == SkipReason.TOO_LARGE
    assert outcome(path, max_pixels=1_000_000, min_side=224) == INDEXED


def test_pillow_bomb_limit_becomes_too_large(folder: Path) -> None:
    assert (
        outcome(folder / "hostile/bomb_100000x100000.png", max_pixels=10**12)
        == SkipReason.TOO_LARGE
    )
    assert DEFAULT_MAX_PIXELS <= 2 * Image.MAX_IMAGE_PIXELS


def test_200_megapixel_jpeg_is_decoded_reduced_but_never_at_full_size(tmp_path: Path) -> None:
    """Pillow refuses files over 179 MP at open; a 200 MP phone JPEG must still be indexed,
    thumbnailed and shown, all at DCT-reduced size, while a full-size decode is refused."""
    path = tmp_path / "phone_200mp.jpg"
    big = Image.new("L", (16384, 12288), 40)
    big.paste(220, (0, 0, 8192, 12288))  # left half bright: proves real pixels came through
    big.save(path, quality=40)
    del big
    assert 2 * Image.MAX_IMAGE_PIXELS < 16384 * 12288

    decoded = decode_image(path, min_side=224)
    assert (decoded.width, decoded.height) == (16384, 12288)
    assert decoded.image.size == (2048, 1536) and decoded.image.mode == "RGB"
    assert pixels(decoded.image)[768, 100][0] > 200 and pixels(decoded.image)[768, 1900][0] < 60
    assert max(make_thumbnail(path, 256).size) == 256
    with pytest.raises(ImageSkip) as full:
        decode_image(path)
    assert full.value.reason == SkipReason.TOO_LARGE
    with pytest.raises(ImageSkip) as capped:
        decode_image(path, min_side=224, max_pixels=1_000_000)  # 3 MP after reduction
    assert capped.value.reason == SkipReason.TOO_LARGE


def test_degenerate_strip_is_skipped_but_its_thumbnail_stays_bounded(folder: Path) -> None:
    path = folder / "hostile/strip_65535x1.png"
    assert outcome(path) == SkipReason.UNSUPPORTED
    assert make_thumbnail(path, 256).size == (256, 1)


def test_missing_file_is_vanished_and_a_folder_is_not_an_image(tmp_path: Path) -> None:
    assert outcome(tmp_path / "gone.jpg") == SkipReason.VANISHED
    (tmp_path / "album.jpg").mkdir()
    assert outcome(tmp_path / "album.jpg") == SkipReason.NOT_IMAGE
    with pytest.raises(ImageSkip) as gone:
        make_thumbnail(tmp_path / "gone.jpg", 64)
    assert gone.value.reason == SkipReason.VANISHED


def test_unreadable_file_is_permission_denied(library) -> None:
    folder, expected = library
    if PERMISSION_SAMPLE not in expected:
        pytest.skip("file permissions are not enforced for this user (root?)")
    assert outcome(folder / PERMISSION_SAMPLE) == SkipReason.PERMISSION


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("setpriv"),
    reason="needs root and setpriv to act as another user",
)
def test_unreadable_file_is_permission_denied_for_an_ordinary_user(folder: Path) -> None:
    """As root nothing is unreadable, so ask the question as user 'nobody' (uid 65534)."""
    shared = Path(tempfile.mkdtemp())
    try:
        shared.chmod(0o755)
        locked = shared / "locked.jpg"
        locked.write_bytes((folder / "camera/progressive.jpg").read_bytes())
        locked.chmod(0)
        code = (
            "import sys\nfrom photosift.core.imaging.decode import decode_image, ImageSkip\n"
            "try:\n    decode_image(sys.argv[1])\nexcept ImageSkip as skip:\n    print(skip.reason.value)"
        )
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        result = subprocess.run(
            [*nobody, sys.executable, "-c", code, str(locked)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
        assert result.stdout.strip() == SkipReason.PERMISSION.value, result.stderr
    finally:
        shutil.rmtree(shared)


def test_damaged_files_only_ever_raise_image_skip(folder: Path, tmp_path: Path) -> None:
    """Truncations and byte flips of every format: decoded or skipped, nothing else."""
    rng = random.Random(7)
    sources = [
        "camera/photo.png",
        "camera/progressive.jpg",
        "camera/photo.gif",
        "camera/photo.tiff",
        "camera/photo.webp",
        "camera/photo.bmp",
        "camera/orientation_6.jpg",
        "camera/animated.png",
    ]
    reasons = set()
    for name in sources:
        data = (folder / name).read_bytes()
        for attempt in range(12):
            damaged = bytearray(data[: rng.randrange(1, len(data))] if attempt % 3 == 0 else data)
            for _ in range(rng.randrange(1, 8)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            path = tmp_path / f"{attempt}-{Path(name).name}"
            path.write_bytes(bytes(damaged))
            try:
                result = decode_image(path, min_side=64)
                assert isinstance(result, DecodedImage) and result.image.mode == "RGB"
                reasons.add(INDEXED)
            except ImageSkip as skip:
                reasons.add(skip.reason)
    assert SkipReason.CORRUPT in reasons


def test_decoding_leaves_pillow_safety_settings_alone(folder: Path) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    for path in folder.rglob("*"):
        if path.is_file():
            outcome(path, min_side=64)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    assert limit == Image.MAX_IMAGE_PIXELS


def test_thread_pool_gives_the_same_outcomes_as_one_thread(library) -> None:
    folder, expected = library
    paths = [folder / name for name in expected if expected[name].outcome != IGNORED] * 3
    serial = [outcome(path, min_side=64) for path in paths]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda path: outcome(path, min_side=64), paths))
    assert parallel == serial


def test_skip_reasons_read_well_and_survive_pickling() -> None:
    for reason in SkipReason:
        assert reason.description and reason.description[0].islower()
        skip = pickle.loads(pickle.dumps(ImageSkip(reason, "details")))
        assert (skip.reason, skip.detail) == (reason, "details")
        assert reason.description in str(skip)
    assert SkipReason("corrupt") is SkipReason.CORRUPT


def test_image_extensions_cover_photos_and_raw_files() -> None:
    assert {
        "jpg",
        "jpeg",
        "png",
        "heic",
        "heif",
        "webp",
        "tif",
        "gif",
        "avif",
        "dng",
        "cr2",
        "nef",
    } <= IMAGE_EXTENSIONS
    assert all(ext == ext.lower() and not ext.startswith(".") for ext in IMAGE_EXTENSIONS)
    assert "txt" not in IMAGE_EXTENSIONS and "xmp" not in IMAGE_EXTENSIONS


def test_make_thumbnail_rejects_a_nonsense_size(folder: Path) -> None:
    with pytest.raises(ValueError):
        make_thumbnail(folder / "camera/photo.png", 0)


def test_content_decides_not_the_name(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    upright_picture().save(buffer, "PNG")
    path = tmp_path / "really-a-png.heic"
    path.write_bytes(buffer.getvalue())
    assert decode_image(path).file_type == "PNG"
