"""The int8 guard: is a model's quantized image tower close enough to fp32 to stand in for it?

int8 weights and activations make the image tower about twice as fast on a CPU, and for most
CLIP models the vectors barely move. But some weights have outlier activations (a few channels
hundreds of times larger than the rest) that per-tensor activation scales cannot represent, and
then int8 vectors drift far enough to reorder search results. Whether that happens is a property
of the weights, so it is measured once per model when its ONNX build is made, on a fixed probe
set: the real photos in ``resources/probe_photos`` (CC0 / public domain) plus generated pictures
(shapes, gradients, noise) that reach colours and textures the photos do not.

The thresholds are the issue's: mean cosine >= 0.995, minimum >= 0.98, and top-10 overlap of
photo-to-photo search within the probe set >= 0.9. A model that fails keeps fp32.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from photosift.core.model.engine_cache import GuardResult

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

MEAN_COSINE_MIN = 0.995
MIN_COSINE_MIN = 0.98
TOP10_OVERLAP_MIN = 0.9
GENERATED_PROBES = 22
PROBE_FOLDER = "probe_photos"
_NEIGHBOURS = 10


def real_probe_photos() -> list[Image.Image]:
    """The shipped probe photos, in a fixed order."""
    from PIL import Image

    from photosift.resources import resource_path

    folder = resource_path(PROBE_FOLDER)
    photos = []
    for path in sorted(folder.glob("*.jpg")):
        with Image.open(path) as image:
            photos.append(image.convert("RGB"))
    return photos


def generated_probe_photos(count: int = GENERATED_PROBES, size: int = 288) -> list[Image.Image]:
    """Deterministic pictures: coloured shapes on gradients, with a little noise."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(12)
    ramp = np.linspace(0.0, 1.0, size, dtype=np.float32)
    pictures = []
    for _ in range(count):
        start, end = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        horizontal = rng.random() < 0.5
        t = ramp[None, :, None] if horizontal else ramp[:, None, None]
        base = start * (1 - t) + end * t + rng.normal(0, rng.uniform(0, 25), (size, size, 3))
        image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
        draw = ImageDraw.Draw(image)
        for _ in range(int(rng.integers(1, 6))):
            x0, y0 = (int(v) for v in rng.integers(0, size * 3 // 4, 2))
            x1, y1 = (
                x0 + int(rng.integers(size // 8, size // 2)),
                y0 + int(rng.integers(size // 8, size // 2)),
            )
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            shape = int(rng.integers(0, 3))
            if shape == 0:
                draw.ellipse((x0, y0, x1, y1), fill=colour)
            elif shape == 1:
                draw.rectangle((x0, y0, x1, y1), fill=colour)
            else:
                draw.line((x0, y0, x1, y1), fill=colour, width=int(rng.integers(2, 12)))
        pictures.append(image)
    return pictures


def probe_photos() -> list[Image.Image]:
    """The whole probe set: real photos first, then generated ones."""
    return real_probe_photos() + generated_probe_photos()


def compare(reference: np.ndarray, candidate: np.ndarray) -> GuardResult:
    """Judge ``candidate`` vectors (int8) against ``reference`` ones (fp32), row for row."""
    import numpy as np

    ref = _unit(reference)
    cand = _unit(candidate)
    cosines = (ref * cand).sum(axis=1)
    overlap = _top_k_overlap(ref, cand, min(_NEIGHBOURS, len(ref) - 1))
    mean_cos, min_cos = float(cosines.mean()), float(cosines.min())
    passed = bool(
        mean_cos >= MEAN_COSINE_MIN
        and min_cos >= MIN_COSINE_MIN
        and overlap >= TOP10_OVERLAP_MIN
        and np.isfinite(cosines).all()
    )
    return GuardResult(round(mean_cos, 6), round(min_cos, 6), round(overlap, 4), len(ref), passed)


def _unit(vectors: np.ndarray) -> np.ndarray:
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def _top_k_overlap(ref: np.ndarray, cand: np.ndarray, k: int) -> float:
    """Mean share of each probe's k nearest other probes that both vector sets agree on."""
    import numpy as np

    if k < 1:
        return 1.0

    def neighbours(vectors: np.ndarray) -> np.ndarray:
        scores = vectors @ vectors.T
        np.fill_diagonal(scores, -np.inf)
        return np.argsort(-scores, axis=1, kind="stable")[:, :k]

    ours, theirs = neighbours(ref), neighbours(cand)
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(ours, theirs)]))


__all__ = [
    "MEAN_COSINE_MIN",
    "MIN_COSINE_MIN",
    "TOP10_OVERLAP_MIN",
    "compare",
    "generated_probe_photos",
    "probe_photos",
    "real_probe_photos",
]
