"""Colour management at decode: wide-gamut profiles are converted to sRGB, nothing else changes.

The profiles are built in code (tests/icc.py). The key one swaps sRGB's red and blue
primaries, so a file of red pixels under it shows blue only if the profile was applied.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from photosift.core.imaging.decode import decode_image, make_thumbnail
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from tests.icc import swapped_primaries_profile
from tests.toyworld import COLORS, render
from tests.toyworld.evaluate import color_prompt

STORED_RED = (230, 20, 20)


def solid(path: Path, colour: tuple[int, int, int], **save: object) -> Path:
    Image.new("RGB", (640, 480), colour).save(path, **save)
    return path


def centre(image: Image.Image) -> tuple[int, int, int]:
    return image.getpixel((image.width // 2, image.height // 2))


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_wide_gamut_profile_is_converted_to_srgb(tmp_path: Path, suffix: str) -> None:
    path = solid(tmp_path / f"swapped{suffix}", STORED_RED, icc_profile=swapped_primaries_profile())
    for image in (
        decode_image(path).image,
        decode_image(path, min_side=224).image,
        make_thumbnail(path, 64),
    ):
        red, green, blue = centre(image)
        assert blue > 200 and red < 40 and green < 40, (suffix, image.size, centre(image))


def test_files_without_a_wide_gamut_profile_are_pixel_identical(tmp_path: Path) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    plain = np.asarray(decode_image(solid(tmp_path / "plain.png", STORED_RED)).image)
    tagged = np.asarray(
        decode_image(solid(tmp_path / "srgb.png", STORED_RED, icc_profile=srgb)).image
    )
    assert np.array_equal(plain, tagged)
    assert tuple(plain[0, 0]) == STORED_RED


@pytest.mark.parametrize(
    "profile",
    [
        b"\0" * 16 + b"RGB " + b"\xff" * 200,  # says RGB, is garbage
        swapped_primaries_profile()[:150],  # cut short
    ],
)
def test_a_broken_profile_costs_nothing(tmp_path: Path, profile: bytes) -> None:
    path = tmp_path / "broken.png"
    Image.new("RGB", (32, 24), STORED_RED).save(path, icc_profile=profile)
    assert centre(decode_image(path).image) == STORED_RED
    assert centre(make_thumbnail(path, 16)) == STORED_RED


def test_one_transform_serves_many_threads(tmp_path: Path) -> None:
    scene = render("star", "green", size=(320, 240), rng=np.random.default_rng(3))
    path = tmp_path / "scene.png"
    scene.save(path, icc_profile=swapped_primaries_profile())
    reference = np.asarray(decode_image(path).image)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: np.asarray(decode_image(path).image), range(24)))
    assert all(np.array_equal(reference, r) for r in results)


def test_indexed_colour_follows_the_profile(tmp_path: Path, toy_model) -> None:
    """End to end through the indexer: the toy model sees a blue circle in a file whose raw
    pixels are red-orange, because its profile says those numbers are blue."""
    library = tmp_path / "lib"
    library.mkdir()
    circle = render("circle", "blue", size=(320, 240), rng=np.random.default_rng(7))
    swapped = Image.fromarray(np.asarray(circle)[:, :, ::-1].copy())  # stored as red-ish
    swapped.save(library / "managed.png", icc_profile=swapped_primaries_profile())
    swapped.save(library / "unmanaged.png")
    with Store(tmp_path / "library.sqlite3") as store:
        index_library(store, toy_model, [library])
        model = store.model_by_spec(toy_model.spec)
        ids, vectors = store.load_vectors(model.id)
        paths = {row[0]: row[1] for row in store.db.execute("SELECT id, relpath FROM photos")}
    prompts = toy_model.encode_texts([color_prompt(c) for c in COLORS])
    seen = {
        paths[int(i)]: COLORS[int(np.argmax(prompts @ v))]
        for i, v in zip(ids, vectors, strict=True)
    }
    assert seen["managed.png"] == "blue"
    assert seen["unmanaged.png"] != "blue"
