"""`photosift --self-test [--model SPEC]`: prove an installed or frozen build can do its job.

Headless and self-contained (a frozen bundle has no tests package and maybe no display): draw
a few coloured shapes with Pillow, index them with the model into a temporary library, search
"a red circle" and check that a red shape ranks first and the red circle in the top two (colour
is what every CLIP gets right; the tiny test model sometimes swaps circle and square). Exit status 0 on success, 1 on failure,
with every step printed, so a packaging pipeline can both gate on it and show why it failed.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

QUERY = "a red circle"
EXPECTED = "red-circle"
SHAPES = (
    ("red", "circle"),
    ("red", "square"),
    ("blue", "circle"),
    ("green", "triangle"),
    ("yellow", "square"),
    ("blue", "triangle"),
)
COLOURS = {
    "red": (220, 30, 30),
    "blue": (30, 60, 220),
    "green": (30, 170, 60),
    "yellow": (240, 210, 30),
}


def draw_shapes(folder: Path, size: int = 256) -> list[Path]:
    """One JPEG per (colour, shape) on a light background, named colour-shape.jpg."""
    from PIL import Image, ImageDraw

    written = []
    margin = size // 5
    box = (margin, margin, size - margin, size - margin)
    for colour, shape in SHAPES:
        image = Image.new("RGB", (size, size), (245, 245, 240))
        draw = ImageDraw.Draw(image)
        fill = COLOURS[colour]
        if shape == "circle":
            draw.ellipse(box, fill=fill)
        elif shape == "square":
            draw.rectangle(box, fill=fill)
        else:
            draw.polygon(
                [(size // 2, margin), (size - margin, size - margin), (margin, size - margin)],
                fill=fill,
            )
        path = folder / f"{colour}-{shape}.jpg"
        image.save(path, "JPEG", quality=90)
        written.append(path)
    return written


def run_self_test(model_spec: str | None, out=sys.stdout) -> int:
    from photosift.core.errors import PhotoSiftError

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    try:
        with tempfile.TemporaryDirectory(prefix="photosift-self-test-") as tmp:
            return _run(Path(tmp), model_spec, say)
    except PhotoSiftError as exc:
        say(f"self-test: FAILED: {exc}")
        return 1


def _run(tmp: Path, model_spec: str | None, say: Callable[[str], None]) -> int:
    from photosift.core.library.model_choice import ModelUse
    from photosift.service.library import PhotoLibrary

    photos = tmp / "photos"
    photos.mkdir()
    drawn = draw_shapes(photos)
    say(f"self-test: drew {len(drawn)} photos in {photos}")
    started = time.monotonic()
    with PhotoLibrary.open(tmp / "library.sqlite3") as library:
        model = library.load_model(model_spec, ModelUse.INDEX, "auto").model
        say(
            f"self-test: loaded {model.spec} on {model.device} in {time.monotonic() - started:.1f} s"
        )
        summary = library.index(model, [photos], workers=1)
        say(f"self-test: indexed {summary.indexed} photos in {summary.seconds:.1f} s")
        if summary.indexed != len(drawn):
            say(
                f"self-test: FAILED: expected {len(drawn)} photos indexed, skipped: {summary.skipped}"
            )
            return 1
        engine = library.search_engine(model)
        found = library.fill(engine.search(QUERY, top_k=len(drawn), cutoff="off"))
        engine.close()
    hits = [(f.score, f.record.abspath.stem) for f in found.photos]
    say(f"self-test: search {QUERY!r}:")
    for score, name in hits:
        say(f"  {score:.3f}  {name}")
    ranked = [name for _score, name in hits]
    if not ranked or not ranked[0].startswith("red-") or EXPECTED not in ranked[:2]:
        say(f"self-test: FAILED: a red shape should rank first and {EXPECTED} in the top two")
        return 1
    say("self-test: ok")
    return 0
