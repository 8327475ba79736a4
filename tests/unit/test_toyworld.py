"""The toy world's photo generator, captions, command line and model cache."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.toyworld import COLORS, SHAPES, build_model, generate_photos, render
from tests.toyworld.cache import CACHE_ROOT, cache_key
from tests.toyworld.captions import all_captions
from tests.toyworld.generator import COLOR_RGB, centre_crop_box, shape_box

REPO_ROOT = Path(__file__).resolve().parents[2]


def _saturation(image: Image.Image) -> np.ndarray:
    pixels = np.asarray(image, dtype=np.int16)
    return pixels.max(axis=2) - pixels.min(axis=2)


def test_render_is_deterministic_for_a_seed() -> None:
    first = render("star", "purple", size=(200, 150), rng=np.random.default_rng(7))
    again = render("star", "purple", size=(200, 150), rng=np.random.default_rng(7))
    other = render("star", "purple", size=(200, 150), rng=np.random.default_rng(8))
    assert first.size == (200, 150) and first.mode == "RGB"
    assert first.tobytes() == again.tobytes()
    assert first.tobytes() != other.tobytes()


def test_render_rejects_unknown_names() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="shape"):
        render("hexagon", "red", size=(64, 64), rng=rng)
    with pytest.raises(ValueError, match="colour"):
        render("circle", "pink", size=(64, 64), rng=rng)


@pytest.mark.parametrize("size", [(640, 480), (480, 640), (300, 300), (800, 300), (96, 72)])
def test_shapes_stay_inside_the_centre_crop(size: tuple[int, int]) -> None:
    crop = centre_crop_box(size)
    assert crop.right - crop.left == crop.bottom - crop.top == min(size)
    for seed in range(40):
        shape = SHAPES[seed % len(SHAPES)]
        box = shape_box(shape, size, np.random.default_rng(seed))
        assert crop.left <= box.left < box.right <= crop.right
        assert crop.top <= box.top < box.bottom <= crop.bottom


def test_coloured_pixels_are_exactly_the_shape() -> None:
    """Backgrounds stay neutral, so saturated pixels appear only where the shape was drawn."""
    size = (160, 120)
    for seed in range(24):
        shape, color = SHAPES[seed % 4], COLORS[seed % 6]
        box = shape_box(shape, size, np.random.default_rng(seed))
        saturated = (
            _saturation(render(shape, color, size=size, rng=np.random.default_rng(seed))) > 70
        )
        ys, xs = np.nonzero(saturated)
        assert len(xs) > 150, (shape, color)
        assert xs.min() >= box.left - 1 and xs.max() <= box.right + 1
        assert ys.min() >= box.top - 1 and ys.max() <= box.bottom + 1


def test_shape_colour_is_the_named_one() -> None:
    size = (160, 120)
    for index, color in enumerate(COLORS):
        image = render("square", color, size=size, rng=np.random.default_rng(index))
        pixels = np.asarray(image, dtype=np.float32)[_saturation(image) > 70]
        mean = pixels.mean(axis=0)
        nearest = min(COLOR_RGB, key=lambda name: np.sum((np.asarray(COLOR_RGB[name]) - mean) ** 2))
        assert nearest == color


def test_generate_photos_writes_jpegs_and_matching_labels(tmp_path: Path) -> None:
    photos = generate_photos(tmp_path / "out", 30, size=(160, 120), seed=3)
    assert len(photos) == 30
    with open(tmp_path / "out" / "labels.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["file"], r["shape"], r["color"]) for r in rows] == [
        (p.path.name, p.shape, p.color) for p in photos
    ]
    assert {(p.shape, p.color) for p in photos} == {(s, c) for s in SHAPES for c in COLORS}
    for photo in photos:
        assert photo.path.parent == tmp_path / "out"
        assert photo.path.name.endswith(f"_{photo.color}_{photo.shape}.jpg")
        with Image.open(photo.path) as image:
            assert image.format == "JPEG" and image.size == (160, 120)


def test_generate_photos_is_deterministic(tmp_path: Path) -> None:
    first = generate_photos(tmp_path / "a", 6, size=(120, 90), seed=5)
    again = generate_photos(tmp_path / "b", 6, size=(120, 90), seed=5)
    other = generate_photos(tmp_path / "c", 6, size=(120, 90), seed=6)
    assert [p.path.read_bytes() for p in first] == [p.path.read_bytes() for p in again]
    assert [p.path.read_bytes() for p in first] != [p.path.read_bytes() for p in other]


def test_captions_commit_only_to_what_they_name() -> None:
    captions = all_captions()
    texts = [c.text for c in captions]
    assert len(texts) == len(set(texts))
    kinds = {"color": 0, "shape": 0, "full": 0}
    for caption in captions:
        words = caption.text.replace(",", " ").split()
        named_colors = {c for c in COLORS if c in words}
        named_shapes = {s for s in SHAPES if s in words or s + "s" in words}
        assert named_colors == ({caption.color} if caption.color else set()), caption
        assert named_shapes == ({caption.shape} if caption.shape else set()), caption
        kinds[
            "full" if caption.color and caption.shape else "color" if caption.color else "shape"
        ] += 1
    assert min(kinds.values()) >= 50
    for prompt in (
        "a photo of a red circle",
        "a photo of a circle",
        "something red",
        "a red thing",
    ):
        assert prompt in texts


def test_cli_photos_writes_labelled_photos(tmp_path: Path) -> None:
    out = tmp_path / "photos"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.toyworld",
            "photos",
            str(out),
            "--count",
            "5",
            "--size",
            "200x150",
            "--seed",
            "2",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    jpegs = sorted(out.glob("*.jpg"))
    assert len(jpegs) == 5
    with open(out / "labels.csv", newline="", encoding="utf-8") as handle:
        assert sorted(row["file"] for row in csv.DictReader(handle)) == [p.name for p in jpegs]
    with Image.open(jpegs[0]) as image:
        assert image.size == (200, 150)


def test_cli_rejects_a_bad_size(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.toyworld", "photos", str(tmp_path), "--size", "big"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "640x480" in result.stderr


def test_cache_key_names_the_cached_folder(toy_model_dir: Path) -> None:
    key = cache_key()
    assert len(key) == 16 and key == cache_key()
    assert toy_model_dir == CACHE_ROOT / key
    assert {p.name for p in toy_model_dir.iterdir()} >= {
        "open_clip_config.json",
        "open_clip_model.safetensors",
    }


def test_second_build_reuses_the_cache(toy_model_dir: Path) -> None:
    weights = toy_model_dir / "open_clip_model.safetensors"
    before = os.stat(weights).st_mtime_ns
    assert build_model() == toy_model_dir
    assert os.stat(weights).st_mtime_ns == before
    assert not list(CACHE_ROOT.glob(f".{toy_model_dir.name}-*")), "a staging folder was left behind"


def test_cli_build_copies_the_cached_model(toy_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    result = subprocess.run(
        [sys.executable, "-m", "tests.toyworld", "build", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == out.resolve()
    for name in ("open_clip_config.json", "open_clip_model.safetensors"):
        assert (out / name).read_bytes() == (toy_model_dir / name).read_bytes()
