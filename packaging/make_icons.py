"""Render the application icon from its SVG master into every format the platforms want.

The SVG (resources/icons/photosift.svg) is the only drawing; everything else is generated so a
change to the mark is one edit plus `python packaging/make_icons.py`. The renders are committed
because the desktop install, the PyInstaller spec and the GUI use them without running Qt's SVG
renderer at start-up. Qt's own renderer (QtSvg ships in PySide6-Essentials) draws each size
from the vector, which keeps 16 and 32 px sharper than downscaling one large bitmap.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ICONS_DIR = REPO_ROOT / "resources" / "icons"
sys.path.insert(0, str(REPO_ROOT / "desktop"))

from photosift import APP_ID  # noqa: E402
from photosift.resources import ICON_SIZES  # noqa: E402

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn into a transparent size x size PNG by Qt's SVG renderer."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def hicolor_png(size: int, icons_dir: Path = ICONS_DIR) -> Path:
    """Where the freedesktop icon theme layout wants the size x size render."""
    return icons_dir / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def make_icons(svg: Path, icons_dir: Path) -> list[Path]:
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication([])
    sizes = sorted(set(ICON_SIZES) | set(ICO_SIZES) | set(ICNS_SIZES))
    renders = {size: Image.open(io.BytesIO(render_png(svg, size))) for size in sizes}
    written = []
    for size in ICON_SIZES:
        target = hicolor_png(size, icons_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        renders[size].save(target, optimize=True)
        written.append(target)
    ico = icons_dir / "photosift.ico"
    largest_ico = renders[max(ICO_SIZES)]
    largest_ico.save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[renders[s] for s in ICO_SIZES],
    )
    written.append(ico)
    icns = icons_dir / "photosift.icns"
    renders[max(ICNS_SIZES)].save(
        icns, format="ICNS", append_images=[renders[s] for s in ICNS_SIZES]
    )
    written.append(icns)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=ICONS_DIR / "photosift.svg")
    parser.add_argument("--out", type=Path, default=ICONS_DIR, help="icons folder to write")
    args = parser.parse_args(argv)
    for path in make_icons(args.svg, args.out):
        print(
            f"wrote {path.relative_to(args.out.parent) if args.out.parent in path.parents else path}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
