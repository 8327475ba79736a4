"""The decoder over the shared real-world corpus (../shared/corpus, see its MANIFEST.md).

Rules, by folder and extension only (a held-out corpus with other names is used for
acceptance): every file decodes or raises ImageSkip, nothing else; every photo under
``camera/`` with an image extension decodes (RAW and, without a decoder, AVIF excepted);
sizes the manifest gives "after transpose" must match. Run with ``-s`` for the table.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from photosift.core.imaging.decode import (
    IMAGE_EXTENSIONS,
    RAW_EXTENSIONS,
    ImageSkip,
    decode_image,
    make_thumbnail,
)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning"),
]

MIN_SIDE = 224
THUMBNAIL = 256


def manifest_sizes(corpus: Path) -> dict[str, tuple[int, int]]:
    """Relative path -> upright size, from rows saying "(WxH after transpose)"."""
    manifest = corpus / "MANIFEST.md"
    sizes: dict[str, tuple[int, int]] = {}
    folder = ""
    for line in manifest.read_text(encoding="utf-8").splitlines() if manifest.exists() else []:
        heading = re.match(r"^##\s+`([^`]+)`", line)
        if heading:
            folder = heading.group(1)
            continue
        row = re.match(r"^\|\s*`([^`]+)`\s*\|", line)
        size = re.search(r"\((\d+)x(\d+) after transpose\)", line)
        if row and size:
            sizes[folder + row.group(1)] = (int(size.group(1)), int(size.group(2)))
    return sizes


def must_decode(relative: Path) -> bool:
    extension = relative.suffix.lower().lstrip(".")
    if (
        relative.parts[0] != "camera"
        or extension not in IMAGE_EXTENSIONS
        or extension in RAW_EXTENSIONS
    ):
        return False
    if extension == "avif":
        Image.init()
        return "AVIF" in Image.OPEN
    return True


def test_every_corpus_file_decodes_or_skips_cleanly(corpus_dir: Path) -> None:
    sizes = manifest_sizes(corpus_dir)
    counts: Counter[tuple[str, str]] = Counter()
    problems: list[str] = []
    for path in sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.name != "MANIFEST.md"):
        relative = path.relative_to(corpus_dir)
        try:
            decoded = decode_image(path, min_side=MIN_SIDE)
            thumbnail = make_thumbnail(path, THUMBNAIL)
        except ImageSkip as skip:
            counts[(relative.parts[0], skip.reason.value)] += 1
            if must_decode(relative):
                problems.append(f"{relative}: skipped ({skip})")
            elif not skip.detail:
                problems.append(f"{relative}: skipped without a detail")
            continue
        except Exception as exc:  # the one thing that must never happen
            problems.append(f"{relative}: raised {type(exc).__name__}: {exc}")
            continue
        counts[(relative.parts[0], "indexed")] += 1
        width, height = decoded.width, decoded.height
        if decoded.image.mode != "RGB" or thumbnail.mode != "RGB":
            problems.append(f"{relative}: not RGB")
        if min(decoded.image.size) < min(MIN_SIDE, width, height):
            problems.append(f"{relative}: reduced below {MIN_SIDE}: {decoded.image.size}")
        if max(thumbnail.size) > THUMBNAIL:
            problems.append(f"{relative}: thumbnail {thumbnail.size}")
        if (decoded.image.width > decoded.image.height) != (width > height) and width != height:
            problems.append(
                f"{relative}: pixels {decoded.image.size} disagree with size {width}x{height}"
            )
        expected = sizes.get(relative.as_posix())
        if expected and expected != (width, height):
            problems.append(f"{relative}: upright size {width}x{height}, manifest says {expected}")
    print_table(counts)
    assert problems == []
    assert counts[("camera", "indexed")] > 0


def print_table(counts: Counter[tuple[str, str]]) -> None:
    folders = sorted({folder for folder, _ in counts})
    outcomes = sorted({outcome for _, outcome in counts}, key=lambda o: (o != "indexed", o))
    print()
    print(f"{'outcome':<18}" + "".join(f"{folder:>10}" for folder in folders) + f"{'total':>10}")
    for outcome in outcomes:
        row = [counts[(folder, outcome)] for folder in folders]
        print(f"{outcome:<18}" + "".join(f"{n:>10}" for n in row) + f"{sum(row):>10}")
    totals = [sum(n for (folder, _), n in counts.items() if folder == f) for f in folders]
    print(f"{'total':<18}" + "".join(f"{n:>10}" for n in totals) + f"{sum(totals):>10}")
