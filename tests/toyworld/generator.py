"""Synthetic "photos" of one coloured shape on a neutral background.

The toy world exists so that search and tagging can be tested against a model that really
aligns images and text. Every photo holds exactly one shape whose colour and kind are known,
so a test can tell right answers from wrong ones without a human.

Backgrounds are low-saturation greys, whites and dark tones so they can never be mistaken for
one of the six shape colours. Shapes always lie inside the centred square of the photo: the
open_clip eval transform resizes the shortest side and centre-crops, and a shape cut off by
that crop would make the label a lie.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SHAPES: tuple[str, ...] = ("circle", "square", "triangle", "star")
COLORS: tuple[str, ...] = ("red", "green", "blue", "yellow", "purple", "orange")

COLOR_RGB: dict[str, tuple[int, int, int]] = {
    "red": (215, 35, 35),
    "green": (40, 165, 50),
    "blue": (35, 70, 215),
    "yellow": (240, 215, 40),
    "purple": (135, 45, 175),
    "orange": (245, 135, 25),
}

# Grey levels for backgrounds: dark, mid and light tones, each tinted a little at render time.
_BACKGROUND_LEVELS = (28, 45, 70, 100, 130, 160, 190, 215, 235)
_SUPERSAMPLE = 3
JPEG_QUALITY = 90


@dataclass(frozen=True)
class LabelledPhoto:
    path: Path
    shape: str
    color: str


@dataclass(frozen=True)
class Box:
    """Pixel bounding box of the drawn shape (left, top, right, bottom; right/bottom exclusive)."""

    left: float
    top: float
    right: float
    bottom: float


def centre_crop_box(size: tuple[int, int]) -> Box:
    """The square the shortest-side-resize + centre-crop transform keeps."""
    width, height = size
    side = min(width, height)
    left = (width - side) / 2
    top = (height - side) / 2
    return Box(left, top, left + side, top + side)


def _layout(size: tuple[int, int], rng: np.random.Generator) -> tuple[float, float, float, float]:
    """Centre x, centre y, radius and rotation (degrees) of a shape inside the centre crop."""
    crop = centre_crop_box(size)
    side = crop.right - crop.left
    radius = side * rng.uniform(0.22, 0.36)
    slack = side / 2 - radius * 1.1 - side * 0.02
    reach = min(slack, side * 0.12)
    cx = (crop.left + crop.right) / 2 + rng.uniform(-reach, reach)
    cy = (crop.top + crop.bottom) / 2 + rng.uniform(-reach, reach)
    rotation = rng.uniform(-12.0, 12.0)
    return cx, cy, radius, rotation


def _outline(shape: str, cx: float, cy: float, radius: float, rotation: float) -> list[tuple[float, float]]:
    """Polygon corners of a shape; circles use many corners."""
    if shape == "circle":
        angles = [2 * math.pi * i / 96 for i in range(96)]
        radii = [radius] * 96
    elif shape == "square":
        angles = [math.pi / 4 + math.pi / 2 * i for i in range(4)]
        radii = [radius] * 4
    elif shape == "triangle":
        angles = [-math.pi / 2 + 2 * math.pi * i / 3 for i in range(3)]
        radii = [radius * 1.1] * 3
    elif shape == "star":
        angles = [-math.pi / 2 + math.pi * i / 5 for i in range(10)]
        radii = [radius * (1.1 if i % 2 == 0 else 0.45) for i in range(10)]
    else:
        raise ValueError(f"unknown shape {shape!r}; choose one of {', '.join(SHAPES)}")
    turn = math.radians(rotation)
    return [(cx + r * math.cos(a + turn), cy + r * math.sin(a + turn)) for a, r in zip(angles, radii)]


def shape_box(shape: str, size: tuple[int, int], rng: np.random.Generator) -> Box:
    """Bounding box `render` would draw for the same rng state (used to check the layout)."""
    points = _outline(shape, *_layout(size, rng))
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs), max(ys))


def _background(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A neutral gradient: two grey levels, a slight tint, a random direction."""
    width, height = size
    a, b = (float(v) for v in rng.choice(_BACKGROUND_LEVELS, size=2))
    tint = rng.uniform(-6, 6, size=3).astype(np.float32)
    direction = rng.uniform(0, 2 * math.pi)
    xs = (np.linspace(-0.5, 0.5, width, dtype=np.float32) * np.float32(math.cos(direction)))
    ys = (np.linspace(-0.5, 0.5, height, dtype=np.float32) * np.float32(math.sin(direction)))
    t = np.clip(ys[:, None] + xs[None, :] + 0.5, 0.0, 1.0)
    level = np.float32(a) + np.float32((b - a) * 0.6) * t
    return level[..., None] + tint


def render(shape: str, color: str, *, size: tuple[int, int] = (640, 480), rng: np.random.Generator) -> Image.Image:
    """One RGB photo of a `color` `shape` with random placement, size, shading and noise."""
    if color not in COLOR_RGB:
        raise ValueError(f"unknown colour {color!r}; choose one of {', '.join(COLORS)}")
    width, height = size
    cx, cy, radius, rotation = _layout(size, rng)
    k = _SUPERSAMPLE
    mask_big = Image.new("L", (width * k, height * k), 0)
    points = _outline(shape, cx * k, cy * k, radius * k, rotation)
    ImageDraw.Draw(mask_big).polygon(points, fill=255)
    mask = np.asarray(mask_big.resize(size, Image.Resampling.BOX), dtype=np.float32)[..., None] / np.float32(255.0)

    pixels = _background(size, rng)
    base = (np.asarray(COLOR_RGB[color]) + rng.uniform(-12, 12, size=3)).astype(np.float32)
    light = rng.uniform(0, 2 * math.pi)
    gain = np.float32(0.12 / max(radius, 1.0))
    xs = (np.arange(width, dtype=np.float32) - np.float32(cx)) * np.float32(math.cos(light)) * gain
    ys = (np.arange(height, dtype=np.float32) - np.float32(cy)) * np.float32(math.sin(light)) * gain
    shade = np.clip(1.0 + ys[:, None] + xs[None, :], 0.8, 1.2)
    fill = base * shade[..., None]
    pixels = pixels * (1.0 - mask) + fill * mask
    pixels += rng.standard_normal(pixels.shape, dtype=np.float32) * np.float32(rng.uniform(1.0, 6.0))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def sample_labels(count: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """Balanced (shape, colour) pairs in random order: every combination as often as possible."""
    combos = [(s, c) for s in SHAPES for c in COLORS]
    pairs = [combos[i % len(combos)] for i in range(count)]
    order = rng.permutation(count)
    return [pairs[i] for i in order]


def generate_photos(
    outdir: Path | str, count: int, size: tuple[int, int] = (640, 480), seed: int = 0
) -> list[LabelledPhoto]:
    """Write `count` labelled JPEGs plus labels.csv (file,shape,color) into `outdir`."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    photos: list[LabelledPhoto] = []
    digits = max(4, len(str(count)))
    for index, (shape, color) in enumerate(sample_labels(count, rng), start=1):
        path = outdir / f"{index:0{digits}d}_{color}_{shape}.jpg"
        render(shape, color, size=size, rng=rng).save(path, "JPEG", quality=JPEG_QUALITY)
        photos.append(LabelledPhoto(path, shape, color))
    with open(outdir / "labels.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "shape", "color"])
        writer.writerows((p.path.name, p.shape, p.color) for p in photos)
    return photos
