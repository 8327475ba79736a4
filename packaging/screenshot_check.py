"""Count the photo thumbnails in a screenshot of PhotoSift's main window.

Used by the Xvfb smoke test (``packaging/xvfb_smoke.sh``) to prove that the installed app,
started under a real X server, shows the photos it was given, not just a window. The photo
grid is the largest white area of the window (the panels around it are grey); a thumbnail is a
non-white block inside it at least a quarter of the thumbnail size on each side, so the
caption text under a thumbnail does not count.

    python packaging/screenshot_check.py window.png --min-thumbnails 6

prints what it found and exits 1 when there are fewer thumbnails than asked for.
"""

from __future__ import annotations

import argparse
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CELL = 4  # pixels per analysed cell: coarse enough to be quick, fine enough for 40 px blocks
MIN_SIDE = 40  # pixels: a thumbnail (160 px by default) is much larger than a caption's letters
WHITE = 250  # every channel at least this: the grid's background


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int  # exclusive
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


@dataclass(frozen=True)
class Findings:
    size: tuple[int, int]
    grid: Box
    thumbnails: list[Box]

    def describe(self) -> str:
        g = self.grid
        return (
            f"{self.size[0]}x{self.size[1]} window; photo grid {g.width}x{g.height} at ({g.left},{g.top}); "
            f"{len(self.thumbnails)} thumbnails"
        )


def _components(mask: list[list[bool]]) -> Iterator[Box]:
    """Bounding boxes (in cells) of the 4-connected True regions of `mask`."""
    rows, cols = len(mask), len(mask[0]) if mask else 0
    seen = [[False] * cols for _ in range(rows)]
    for y in range(rows):
        for x in range(cols):
            if not mask[y][x] or seen[y][x]:
                continue
            seen[y][x] = True
            queue = deque([(y, x)])
            top, left, bottom, right = y, x, y, x
            while queue:
                cy, cx = queue.popleft()
                top, bottom, left, right = (
                    min(top, cy),
                    max(bottom, cy),
                    min(left, cx),
                    max(right, cx),
                )
                for ny, nx in ((cy - 1, cx), (cy + 1, cx), (cy, cx - 1), (cy, cx + 1)):
                    if 0 <= ny < rows and 0 <= nx < cols and mask[ny][nx] and not seen[ny][nx]:
                        seen[ny][nx] = True
                        queue.append((ny, nx))
            yield Box(left, top, right + 1, bottom + 1)


def analyse(path: Path) -> Findings:
    from PIL import Image

    with Image.open(path) as opened:
        image = opened.convert("RGB")
    cols, rows = image.width // CELL, image.height // CELL
    small = image.resize((cols, rows), Image.Resampling.NEAREST)
    rgb = small.tobytes()  # r, g, b bytes, row by row
    white = [
        [min(rgb[(y * cols + x) * 3 : (y * cols + x) * 3 + 3]) >= WHITE for x in range(cols)]
        for y in range(rows)
    ]
    grid = max(_components(white), key=lambda b: b.width * b.height, default=Box(0, 0, cols, rows))
    inside = [
        [
            grid.left <= x < grid.right and grid.top <= y < grid.bottom and not white[y][x]
            for x in range(cols)
        ]
        for y in range(rows)
    ]
    side = MIN_SIDE // CELL
    thumbs = [b for b in _components(inside) if b.width >= side and b.height >= side]
    return Findings(image.size, _in_pixels(grid), [_in_pixels(b) for b in thumbs])


def _in_pixels(cells: Box) -> Box:
    return Box(cells.left * CELL, cells.top * CELL, cells.right * CELL, cells.bottom * CELL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("screenshot", type=Path)
    parser.add_argument("--min-thumbnails", type=int, default=1)
    args = parser.parse_args(argv)
    found = analyse(args.screenshot)
    verdict = (
        "ok"
        if len(found.thumbnails) >= args.min_thumbnails
        else f"FAILED (wanted {args.min_thumbnails})"
    )
    print(f"{args.screenshot}: {found.describe()}: {verdict}")
    return 0 if len(found.thumbnails) >= args.min_thumbnails else 1


if __name__ == "__main__":
    sys.exit(main())
