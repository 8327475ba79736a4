"""Photos with known text in them, for the text-in-photo tests and benchmark.

Each photo is a busy background (random coloured shapes and noise, like a cluttered scene)
with one or two lines of English or Chinese words drawn on a light panel, rotated a little,
at one of several sizes; "plain" photos have the same kind of background and no text. The
words are returned with the file, so OCR accuracy and text-search precision/recall can be
measured against the truth.

Chinese needs a CJK font (Debian's `fonts-noto-cjk`); `cjk_font()` is None without one and the
tests that need it skip.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)
LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

ENGLISH_WORDS = (
    "INVOICE", "RECEIPT", "TOTAL", "PARKING", "EXIT", "OPEN", "SALE", "COFFEE", "HOTEL",
    "STATION", "MUSEUM", "BAKERY", "PHARMACY", "ERROR", "WARNING", "TICKET", "MENU", "GARDEN",
)  # fmt: skip
CHINESE_WORDS = (
    "收据", "发票", "出口", "停车场", "咖啡", "酒店", "车站", "博物馆", "面包店", "药店",
    "菜单", "门票", "花园", "营业中", "欢迎光临", "合计",
)  # fmt: skip
SIZES = ((640, 480), (1024, 768), (800, 1200))


@dataclass(frozen=True)
class TextPhoto:
    path: Path
    words: tuple[str, ...]  # the words drawn, in reading order (empty: a photo without text)
    language: str  # "en" | "zh" | "none"


def cjk_font() -> str | None:
    """Path of an installed CJK font, or None (the Chinese tests skip then)."""
    return next((p for p in CJK_FONTS if Path(p).is_file()), None)


def _background(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, tuple(rng.randrange(40, 220) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    w, h = size
    for _ in range(40):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(10, max(11, w // 5))
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        else:
            draw.rectangle([x - r, y - r // 2, x + r, y + r // 2], fill=colour)
    for _ in range(8):
        draw.line(
            [rng.randrange(w), rng.randrange(h), rng.randrange(w), rng.randrange(h)],
            fill=tuple(rng.randrange(256) for _ in range(3)),
            width=rng.randrange(2, 8),
        )
    return image.filter(ImageFilter.GaussianBlur(1.2))


def _draw_text(
    rng: random.Random, image: Image.Image, lines: list[str], font_path: str
) -> Image.Image:
    w, h = image.size
    size = max(24, min(w, h) // rng.choice((10, 12, 14)))
    font = ImageFont.truetype(font_path, size)
    widths = [font.getbbox(line)[2] for line in lines]
    pad = size // 2
    panel = Image.new("RGBA", (max(widths) + 2 * pad, len(lines) * int(size * 1.4) + 2 * pad))
    draw = ImageDraw.Draw(panel)
    shade = rng.randrange(225, 256)
    draw.rectangle([0, 0, panel.width, panel.height], fill=(shade, shade, shade - 10, 255))
    ink = (*(rng.randrange(0, 70) for _ in range(3)), 255)
    for i, line in enumerate(lines):
        draw.text((pad, pad + i * int(size * 1.4)), line, font=font, fill=ink)
    panel = panel.rotate(rng.uniform(-6, 6), expand=True, resample=Image.Resampling.BICUBIC)
    if panel.width > w * 0.9:
        scale = w * 0.9 / panel.width
        panel = panel.resize((int(panel.width * scale), int(panel.height * scale)))
    x = rng.randrange(0, max(1, w - panel.width))
    y = rng.randrange(0, max(1, h - panel.height))
    image.paste(panel, (x, y), panel)
    return image


def write_text_photos(
    folder: Path, *, english: int, chinese: int, plain: int, seed: int = 14
) -> list[TextPhoto]:
    """Write the photos as JPEGs into `folder`; returns them with the words each holds."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    font_zh = cjk_font()
    if chinese and font_zh is None:
        raise RuntimeError("No CJK font installed (apt-get install fonts-noto-cjk).")
    photos: list[TextPhoto] = []
    plan = [("en", i) for i in range(english)] + [("zh", i) for i in range(chinese)]
    plan += [("none", i) for i in range(plain)]
    for language, i in plan:
        size = SIZES[(i + len(photos)) % len(SIZES)]
        image = _background(rng, size)
        words: tuple[str, ...] = ()
        if language != "none":
            vocabulary = ENGLISH_WORDS if language == "en" else CHINESE_WORDS
            words = tuple(rng.sample(vocabulary, 2))
            lines = [" ".join(words)] if rng.random() < 0.5 else list(words)
            font = LATIN_FONT if language == "en" else font_zh
            image = _draw_text(rng, image, lines, font)  # type: ignore[arg-type]
        path = folder / f"{language}_{i:03d}.jpg"
        image.save(path, quality=90)
        photos.append(TextPhoto(path, words, language))
    return photos


def char_accuracy(words: tuple[str, ...], read: str) -> float:
    """Share of the drawn characters found, in order, in what was read (spaces ignored,
    case-insensitive): difflib's matching blocks, so one wrong character costs one."""
    from difflib import SequenceMatcher

    truth = "".join(words).lower()
    got = "".join(read.split()).lower()
    if not truth:
        return 1.0
    matcher = SequenceMatcher(None, truth, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(truth)
