"""The toy world: synthetic photos of coloured shapes and a tiny CLIP trained on them.

Pretrained CLIP weights cannot be downloaded on the test machines, yet search and tagging must
be tested on a model that really aligns images and text. This package draws labelled photos and
trains (once, cached) a small open_clip model that understands them.
"""

from __future__ import annotations

from .cache import build_model
from .generator import COLORS, SHAPES, LabelledPhoto, generate_photos, render

__all__ = ["COLORS", "SHAPES", "LabelledPhoto", "build_model", "generate_photos", "render"]
