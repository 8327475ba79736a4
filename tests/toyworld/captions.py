"""Captions for toy-world photos.

A caption may name the colour and the shape, only the shape, or only the colour: the app's
searches ("something red", "a circle") and its zero-shot tagger (prompt templates around a
single label) need all three kinds to mean something. Each caption carries which colour and
shape it commits to (None = says nothing about it), so the trainer can count every photo the
caption truly describes as a positive.
"""

from __future__ import annotations

from dataclasses import dataclass

from .generator import COLORS, SHAPES

# Wrappers the zero-shot tagger and users are likely to put around a label.
PROMPT_TEMPLATES: tuple[str, ...] = (
    "{}",
    "{a} {}",
    "a photo of {a} {}",
    "a picture of {a} {}",
    "an image showing {a} {}",
    "an image of {a} {}",
    "a photo of the {}",
    "a photo showing {a} {}",
    "a close-up photo of {a} {}",
    "a good photo of {a} {}",
    "a bright photo of {a} {}",
    "a cropped photo of {a} {}",
    "a photo containing {a} {}",
    "a picture showing {a} {}",
    "there is {a} {} in the photo",
    "this is a photo of {a} {}",
)

_COLOR_ONLY_LABELS: tuple[str, ...] = ("{c}", "{c} thing", "{c} object", "{c} shape", "{c} one")
_COLOR_ONLY_PHRASES: tuple[str, ...] = (
    "something {c}",
    "a photo of something {c}",
    "a picture of something {c}",
    "an image of something {c}",
    "anything {c}",
    "the colour {c}",
    "the color {c}",
    "{c} things",
    "{c} objects",
    "it is {c}",
)
_FULL_PHRASES: tuple[str, ...] = (
    "{a_s} {s} that is {c}",
    "a photo of {a_s} {s} in {c}",
    "{a_c} {c} coloured {s}",
    "{a_c} {c} colored {s}",
    "{c} {s}s",
    "{a_s} {s}, {c}",
)


@dataclass(frozen=True)
class Caption:
    text: str
    color: str | None
    shape: str | None

    def describes(self, color: str, shape: str) -> bool:
        return self.color in (None, color) and self.shape in (None, shape)


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _wrap(template: str, label: str) -> list[str]:
    """The template with the correct article and, when it differs, with plain "a" as people type it."""
    texts = {template.format(label, a=article(label))}
    texts.add(template.format(label, a="a"))
    return sorted(texts)


def _full_captions(color: str, shape: str) -> list[str]:
    texts: list[str] = []
    for template in PROMPT_TEMPLATES:
        texts += _wrap(template, f"{color} {shape}")
    for phrase in _FULL_PHRASES:
        texts.append(phrase.format(a_s=article(shape), a_c=article(color), s=shape, c=color))
    return texts


def _shape_captions(shape: str) -> list[str]:
    texts: list[str] = []
    for template in PROMPT_TEMPLATES:
        texts += _wrap(template, shape)
        texts += _wrap(template, f"{shape} shape")
    texts += [f"{shape}s", f"some {shape}s", f"a photo of {shape}s"]
    return texts


def _color_captions(color: str) -> list[str]:
    texts: list[str] = []
    for template in PROMPT_TEMPLATES:
        for label in _COLOR_ONLY_LABELS:
            texts += _wrap(template, label.format(c=color))
    texts += [phrase.format(c=color) for phrase in _COLOR_ONLY_PHRASES]
    return texts


def all_captions() -> list[Caption]:
    """Every caption the trainer may draw, in a fixed order (deterministic training)."""
    captions: list[Caption] = []
    for color in COLORS:
        for shape in SHAPES:
            captions += [Caption(t, color, shape) for t in _full_captions(color, shape)]
    for shape in SHAPES:
        captions += [Caption(t, None, shape) for t in _shape_captions(shape)]
    for color in COLORS:
        captions += [Caption(t, color, None) for t in _color_captions(color)]
    unique: dict[str, Caption] = {}
    for caption in captions:
        unique.setdefault(caption.text, caption)
    return list(unique.values())
