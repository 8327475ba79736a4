"""How a photo looks at thumbnail size: the cheap second opinion on a near-duplicate.

Why a second signal: CLIP vectors say what a photo *shows*, so two different photos of the
same red circle on the same background can score as high as a photo and its recompressed
copy. The layout of the pixels says whether it is the same *picture*. Two measures, both on a
small reduced decode (JPEG DCT scaling: milliseconds per photo), and a pair must pass both:

- a DCT perceptual hash (``imagehash.phash``): robust to recompression and resizing;
- the correlation of the 32x32 grey thumbnails (mean removed): it tells a shape that moved
  from one that stayed, which a 64-bit hash of a plain background sometimes cannot.

On the planted test world (tests/planted_duplicates.py) real variants (3 % crop, half size,
quality 60, shifted burst frames) correlate at >= 0.94 with a hash distance <= 14, while
distinct look-alikes (same colour and shape elsewhere) stay below 0.92.
``imagehash`` and numpy are imported lazily (imagehash pulls in scipy).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from photosift.core.imaging.decode import make_thumbnail

if TYPE_CHECKING:
    import numpy as np

DEFAULT_MAX_HASH_DISTANCE = 14  # of 64 bits
DEFAULT_MIN_CORRELATION = 0.93
_DECODE_SIZE = 128  # phash looks at 32x32; a 128 px decode keeps it sharp and cheap
_GREY_SIDE = 32


@dataclass(frozen=True)
class Appearance:
    phash: int  # 64-bit DCT hash
    grey: np.ndarray  # 32x32 grey thumbnail, mean removed, unit length (float32, flat)


def appearance(path: str | os.PathLike[str]) -> Appearance:
    """The photo's hash and grey thumbnail, upright; raises ImageSkip like the decoder."""
    import imagehash
    import numpy as np
    from PIL import Image

    thumb = make_thumbnail(path, _DECODE_SIZE)
    bits = imagehash.phash(thumb, hash_size=8).hash.ravel()
    small = thumb.convert("L").resize((_GREY_SIDE, _GREY_SIDE), Image.Resampling.BOX)
    grey = np.asarray(small, dtype=np.float32).ravel()
    grey -= grey.mean()
    grey /= max(float(np.linalg.norm(grey)), 1e-6)
    return Appearance(int("".join("1" if bit else "0" for bit in bits), 2), grey)


def same_picture(
    a: Appearance,
    b: Appearance,
    *,
    max_hash_distance: int = DEFAULT_MAX_HASH_DISTANCE,
    min_correlation: float = DEFAULT_MIN_CORRELATION,
) -> bool:
    """Whether two photos are the same picture (both measures must agree)."""
    close_hash = (a.phash ^ b.phash).bit_count() <= max_hash_distance
    return close_hash and float(a.grey @ b.grey) >= min_correlation
