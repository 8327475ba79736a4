"""The relevance cut-off: how many of a query's best results actually match it.

Why not a fixed threshold: cosine scores mean different things for different queries and
models (real CLIP text queries top out near 0.3, image queries near 0.9, the toy model spans
-0.3..0.7). So each query's scores are standardised against the library's own score
distribution for that query (:func:`relevance`), z = (s - median) / (1.4826 * MAD), both
robust to the few true matches, and :func:`relevance_cutoff` keeps a result when either

1. it stands out further than noise would: z >= max(4t, E[max z of N normals] - 2(1 - t)),
   where t is the strength and N the number of photos ranked. The second term grows with the
   library (3.0 for 300 photos, 4.4 for 100k), so for a query that matches nothing only a
   few dozen noise results pass at "normal" whatever the library size (Gaussian background:
   ~7 of 300, ~30 of 100k, ~60 of 1M; ~5 at "strict"); or
2. it is one of a few results within a margin under the best one (:func:`_near_top`), or
3. it belongs to a top group set apart by an unusually wide gap (:func:`_group_boundary`);
   both catch a clear group of matches whose z is modest because the library's scores are
   multimodal.

t is 0 (off) .. 1; the named levels are loose 0.25, normal 0.5, strict 0.75. Limitation: a
query that matches more than about half of the ranked photos has no crowd to stand out from
and keeps few results; use a looser level, "off" or a filter.

Pure numpy over scores VectorIndex already produced (``Ranked.background`` is the sample the
statistics are taken from), so it is kept apart from the index itself.
"""

from __future__ import annotations

import numpy as np

CUTOFF_LEVELS: dict[str, float] = {"off": 0.0, "loose": 0.25, "normal": 0.5, "strict": 0.75}
MIN_BACKGROUND = 8  # fewer scores than this say nothing about a query's background
CUTOFF_WINDOW = 1000  # best results the cut-off looks at, whatever top_k is


def cutoff_strength(value: str | float | None) -> float:
    """A named level or a number 0..1 (the GUI slider) as a strength 0 (off) .. 1 (strictest)."""
    if value is None:
        return 0.0
    if isinstance(value, str):
        if value.lower() in CUTOFF_LEVELS:
            return CUTOFF_LEVELS[value.lower()]
        raise ValueError(f"unknown cut-off {value!r}; use {', '.join(CUTOFF_LEVELS)} or 0..1")
    strength = float(value)
    if not 0.0 <= strength <= 1.0:
        raise ValueError("a cut-off strength lies between 0 (off) and 1 (strictest)")
    return strength


def relevance(scores: np.ndarray, background: np.ndarray) -> np.ndarray:
    """z-scores of `scores` against the background's median and MAD.

    With too few background scores to estimate a spread every result counts as relevant
    (z = inf): a library of five photos has no crowd to stand out from.
    """
    if len(background) < MIN_BACKGROUND:
        return np.full(len(scores), np.inf, dtype=np.float32)
    centre = float(np.median(background))
    spread = 1.4826 * float(np.median(np.abs(background - centre)))
    spread = max(spread, float(np.std(background)) * 0.1, 1e-6)
    return ((np.asarray(scores, dtype=np.float64) - centre) / spread).astype(np.float32)


def expected_max_z(count: int) -> float:
    """Expected largest of `count` standard normal draws (extreme-value approximation)."""
    n = max(count, 3)
    a = np.sqrt(2 * np.log(n))
    return float(a - (np.log(np.log(n)) + np.log(4 * np.pi)) / (2 * a))


def relevance_cutoff(scores: np.ndarray, z: np.ndarray, considered: int, strength: float) -> int:
    """How many of the best-first results pass the cut-off (see the module docstring).

    `scores`/`z`: the best-first window of results (cosines and their z-scores); `considered`:
    how many photos were ranked.
    """
    if strength <= 0 or len(z) == 0 or not np.isfinite(z[0]):
        return len(z)
    floor = max(4.0 * strength, expected_max_z(considered) - 2.0 * (1.0 - strength))
    keep = int(np.count_nonzero(z >= floor))
    return max(
        keep,
        _near_top(z, considered, strength),
        _group_boundary(scores[: max(considered // 2, 1)], strength),
    )


def _near_top(z: np.ndarray, considered: int, strength: float) -> int:
    """How many results lie within a margin under the best one, if they are few.

    The margin is a share of the best result's lead over the median (40% at "off", 20% at
    "normal", 10% at "strict"), so it scales with how far this query's best match stands
    out. It keeps a small, tight group of matches whose z is modest because the library's
    scores are multimodal (every red photo half-matches "a red circle"). Only a group of at
    most sqrt(N) that ends at a clear gap counts: a slice of a whole mode of the library is
    no group of matches, and pure noise keeps a handful.
    """
    if z[0] <= 0:
        return 0
    margin = 0.4 * (1.0 - strength)
    # Every level tries the same ladder of margins, widest first, up to its own: a looser
    # level then never keeps fewer results than a stricter one.
    for share in (m for m in (0.4, 0.3, 0.2, 0.1, 0.05, 0.025) if m <= margin + 1e-9):
        count = int(np.count_nonzero(z >= (1.0 - share) * z[0]))
        if count <= np.sqrt(considered) and _set_apart(z, count):
            return count
    return 0


def _set_apart(z: np.ndarray, count: int) -> bool:
    """Whether the best `count` results end at a gap wider than twice their mean spacing:
    a group of matches, not a slice through a crowd of similar scores."""
    if count <= 1 or count >= len(z):
        return count == 1
    mean_spacing = (float(z[0]) - float(z[count - 1])) / (count - 1)
    return float(z[count - 1] - z[count]) >= 2.0 * mean_spacing


def _group_boundary(scores: np.ndarray, strength: float) -> int:
    """Size of a top group set apart by an unusually wide gap, or 0 if there is none.

    In the upper tail of a continuous score distribution the normalised spacings
    i * (s_i - s_i+1) are roughly independent exponentials (Renyi); the end of a real group
    of matches shows up as one far larger than the rest. It must also be a visible gap: at
    least a tenth of the window's score range, so tiny gaps deep in a long tail never count.
    """
    if len(scores) < 4:
        return 0
    gaps = -np.diff(scores.astype(np.float64))
    spacings = np.arange(1, len(gaps) + 1) * gaps
    scale = max(float(np.median(spacings)) / np.log(2), 1e-12)
    # Only visible gaps compete: otherwise a deep-tail spacing (large i, tiny gap) wins the
    # argmax, fails the visibility test, and hides a real group above it.
    visible = gaps >= 0.1 * float(scores[0] - scores[-1])
    if not visible.any():
        return 0
    best = int(np.argmax(np.where(visible, spacings, -np.inf)))
    significant = spacings[best] >= scale * (np.log(len(spacings)) + 8.0 * strength)
    return best + 1 if significant else 0
