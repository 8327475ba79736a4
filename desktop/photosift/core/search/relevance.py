"""The relevance cut-off: how many of a query's best results actually match it.

Why not a fixed threshold: cosine scores mean different things for different queries and
models (real CLIP text queries top out near 0.3, image queries near 0.9, the toy model spans
-0.8..0.8). So the cut-off looks at each query's own score distribution over the library (a
sample of every score, ``Ranked.background``) and asks two questions:

1. Does the query address anything that varies in this library? A query the model relates to
   nothing here ("quantum tax invoice") scores every photo about the same: the spread of its
   scores is a small share of the widest spread any query could have on these photos (the
   square root of the top eigenvalue of the library's vector covariance,
   ``VectorIndex.spread()``). On the toy world, meaningful queries reach 0.45-0.9 of it,
   nonsense 0.14-0.27 (tests/benchmarks/relevance.py). Below ``MIN_SPREAD_SHARE`` only
   outliers beyond what noise gives are kept (``_outliers``): a handful at most.
2. Where does the group of matches end? Sorted best first, the matches are a dense block and
   the next photos are partial matches or none. For every candidate size k (1 .. 60 % of the
   photos) the best k are compared with the photos just under them (a block half as large
   again, at least ``_BELOW_MIN``) by Fisher's criterion, (mean difference)^2 / (sum of
   variances); the k where the two blocks are set apart best is the boundary. Comparing with
   the block just below, not the whole rest, makes it work whatever the rest of the library
   looks like (partial matches, several modes). A boundary weaker than ``MIN_SEPARATION`` is
   no group, and only outliers are kept (as in 1).

The levels, from that boundary (the group's lowest score, its "edge"):
- normal keeps the group;
- strict keeps its upper part: the edge raised by one standard deviation of the group, or the
  group's own best-separated core where it has one, whichever is higher (``stricter_bar``;
  never above the best score: a clear group always shows at least its best photo);
- loose keeps every tier of matches down to the lowest boundary at least
  ``LOWER_TIER_SHARE`` as clear as the best one ("blue -triangle": blue circles score ~0.8,
  blue squares and stars ~0.5, then the crowd), and at least ``_LOOSE_REACH`` spreads under
  the edge: recall first, precision pays.
Looser is never fewer; the GUI slider interpolates between the levels.

A query with subtracted terms ("red -circle") is not cut on its combined scores but term by
term (engine.rank): the added terms' own cut, less the photos a subtracted term matches on its
own (at the mirrored strength, ``excluding_strength``). The combined vector ranks what is left
at different depths (red triangles above red squares), so one cut on it kept only the top tier.

The table on the toy world (60, 300, 3,000 photos; colour, shape, colour+shape, negative and
image queries; python -m tests.benchmarks.relevance): normal keeps recall 0.97/0.94/0.97 at
precision 0.92/0.93/0.93, strict precision 0.96/0.98/0.98 (recall 0.65/0.46/0.35), loose
recall >= 0.99; on the queries whose ranking allows the floors at all, normal precision is
0.95-0.97 and strict 0.97-0.99. What a score
distribution cannot tell: a lower tier of true matches looks like a tier of partial matches
("image:red square": red squares ~0.88, red triangles 0.2-0.9 around 0.6; the separation keeps
rising until both tiers are in), and in a small library a single best photo can stand apart
from the next ones as clearly as a whole group ("a circle" among 60 looks like the queries
whose only match is one photo). Tried and measured worse on the same table: shrinking a small
group's variance, blocks below of 1x-3x the group, a two-segment likelihood, 2- and
3-component Gaussian mixtures (BIC), the largest gap among near-best boundaries. The rest of
the misses are queries where the model ranks wrong photos among the right ones, which no
cut-off can fix. Not yet measured on a real CLIP model: its text vectors sit apart from its
image vectors (the modality gap), so text queries there may all show a small spread share and
fall back to the outlier rule of 1.; MIN_SPREAD_SHARE is the constant to check first.

Pure numpy over scores VectorIndex already produced, so it is kept apart from the index itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CUTOFF_LEVELS: dict[str, float] = {"off": 0.0, "loose": 0.25, "normal": 0.5, "strict": 0.75}
MIN_BACKGROUND = 8  # fewer scores than this say nothing about a query's background
CUTOFF_WINDOW = 1000  # best results the cut-off looks at, whatever top_k is
MIN_SPREAD_SHARE = 0.35  # see 1. in the module docstring
MIN_SEPARATION = 4.0  # Fisher criterion a group boundary must reach
MAX_GROUP_SHARE = 0.6  # a "group" of more than this share of the photos is the crowd itself
_BELOW_MIN = 10  # photos a group is compared with, at least
_BELOW_RATIO = 1.5  # ... and otherwise half as many again as the group has
LOWER_TIER_SHARE = 0.5  # a lower boundary this clear (share of the best's) bounds "loose"
_LOOSE_REACH = 3.0  # loose reaches at least this many spreads under the group's edge
_LOOSE, _STRICT = CUTOFF_LEVELS["loose"], CUTOFF_LEVELS["strict"]
_CORE_MIN = 3  # photos a group needs before a core inside it is looked for
NORMAL = CUTOFF_LEVELS["normal"]  # the default level
# Threshold offset above the group's edge, in group standard deviations, at strengths 0.5
# (normal), 0.75 (strict) and 1; interpolated in between (the GUI slider).
_STRICTER = (0.5, 0.75, 1.0)
_STRICT_OFFSETS = (0.0, 1.0, 2.0)


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
    """z-scores of `scores` against the background's median and MAD (shown with each hit).

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


def relevance_cutoff(
    scores: np.ndarray,
    background: np.ndarray,
    considered: int,
    strength: float,
    library_spread: float,
) -> int:
    """How many of the best-first `scores` (the window of results) pass the cut-off.

    `background`: a sample of the scores of all `considered` photos ranked; `library_spread`:
    the widest score spread a query can have on this library (``VectorIndex.spread()``).
    """
    if len(scores) == 0:
        return 0
    threshold = pass_threshold(background, strength, library_spread)
    return int(np.count_nonzero(np.asarray(scores, dtype=np.float64) >= threshold))


def pass_threshold(background: np.ndarray, strength: float, library_spread: float) -> float:
    """The lowest score that passes at `strength`; -inf when every score does (the cut-off is
    off, or too few photos tell a background)."""
    if strength <= 0 or len(background) < MIN_BACKGROUND:
        return -np.inf
    return score_threshold(np.asarray(background, dtype=np.float64), strength, library_spread)


def excluding_strength(strength: float) -> float:
    """The strength at which a subtracted term's own matches are found, to leave them out of a
    query's results at `strength` (engine.rank): the mirror image, so a stricter query leaves
    out more (the subtracted term's loose matches too) and a looser one only its sure matches.
    From normal up it stays at normal: stricter levels then keep the upper part of what normal
    shows (engine.rank), as they do for a query without subtracted terms; "off" would find
    every photo, and leave out all of them."""
    return min(max(1.0 - strength, _LOOSE), _STRICT)


def score_threshold(background: np.ndarray, strength: float, library_spread: float) -> float:
    """The lowest score that passes at `strength`, from the query's score distribution."""
    ordered = np.sort(background)[::-1]
    if float(ordered.std()) < MIN_SPREAD_SHARE * library_spread:
        return _outliers(ordered, strength)
    boundaries = group_boundaries(ordered)
    if boundaries is None:
        return _outliers(ordered, strength)
    best, deepest = boundaries
    edge = best.edge
    if strength >= NORMAL:
        return stricter_bar(ordered[: best.size], best.sd, strength)
    # Loose: down to the lowest boundary at least half as clear as the best (a lower tier of
    # matches, "blue -triangle": blue circles, then blue squares and stars), and at least
    # _LOOSE_REACH spreads (of the group or of the block under it) under the group's edge.
    reach = min(deepest.edge, edge - _LOOSE_REACH * max(best.sd, best.below_sd))
    return float(np.interp(strength, (_LOOSE, NORMAL), (reach, edge)))


def stricter_bar(group: np.ndarray, sd: float, strength: float) -> float:
    """The threshold at `strength` >= normal for a group of matches (its best-first scores,
    standard deviation `sd`): normal keeps the whole group; stricter levels its upper part,
    one standard deviation above its edge at strict, or the group's own best-separated core
    where it has one ("image:red square": the red squares inside the tier of red shapes),
    whichever is higher; never above the best score, so a clear group always shows its best
    photo. The core raised strict's precision on the toy world from 0.94/0.96/0.96 to
    0.96/0.98/0.98 (60, 300, 3,000 photos), recall going from 0.7-0.8 to 0.35-0.65."""
    edge, best = float(group[-1]), float(group[0])
    offset = float(np.interp(strength, _STRICTER, _STRICT_OFFSETS))
    bar = min(edge + offset * sd, best)
    core = group_boundaries(group) if len(group) >= _CORE_MIN else None
    if core is not None:
        bar = max(bar, float(np.interp(strength, (NORMAL, _STRICT), (edge, core[0].edge))))
    return bar


@dataclass(frozen=True)
class Boundary:
    """Where a top group of best-first scores ends."""

    size: int  # photos in the group
    edge: float  # the group's lowest score
    sd: float  # the group's standard deviation (floored)
    below_sd: float  # that of the block just under it (floored)
    separation: float  # Fisher's criterion between the two


def group_boundaries(ordered: np.ndarray) -> tuple[Boundary, Boundary] | None:
    """The best-separated top group of best-first scores, and the largest group whose boundary
    is at least ``LOWER_TIER_SHARE`` as clear (the same one when none is); None when no
    boundary reaches MIN_SEPARATION (see 2. in the module docstring)."""
    n = len(ordered)
    sizes = np.arange(1, max(int(MAX_GROUP_SHARE * n), 1) + 1)
    sizes = sizes[sizes < n]
    if len(sizes) == 0:
        return None
    values = np.asarray(ordered, dtype=np.float64)
    sums = np.concatenate([[0.0], np.cumsum(values)])
    squares = np.concatenate([[0.0], np.cumsum(values * values)])
    below = np.minimum(np.maximum((_BELOW_RATIO * sizes).astype(np.int64), _BELOW_MIN), n - sizes)
    top_mean, top_var = _block_stats(sums, squares, 0, sizes)
    below_mean, below_var = _block_stats(sums, squares, sizes, sizes + below)
    centre = float(np.median(values))
    # A floor on the variances: a group of one photo has none, and a tiny one is luck.
    floor = (0.1 * 1.4826 * float(np.median(np.abs(values - centre)))) ** 2 + 1e-12
    separation = (top_mean - below_mean) ** 2 / (top_var + below_var + floor)
    best = int(np.argmax(separation))
    if separation[best] < MIN_SEPARATION:
        return None
    clear = np.nonzero(separation >= max(LOWER_TIER_SHARE * separation[best], MIN_SEPARATION))
    deepest = int(clear[0].max())

    def at(i: int) -> Boundary:
        return Boundary(
            int(sizes[i]),
            float(values[sizes[i] - 1]),
            float(np.sqrt(top_var[i] + floor)),
            float(np.sqrt(below_var[i] + floor)),
            float(separation[i]),
        )

    return at(best), at(deepest)


def _block_stats(
    sums: np.ndarray, squares: np.ndarray, start: np.ndarray | int, stop: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Means and variances of ordered[start:stop] for arrays of blocks, from prefix sums."""
    count = stop - start
    mean = (sums[stop] - sums[start]) / count
    var = np.maximum((squares[stop] - squares[start]) / count - mean * mean, 0.0)
    return mean, var


def _outliers(ordered: np.ndarray, strength: float) -> float:
    """The score only noise outliers pass: beyond the expected largest z of this many photos
    (a handful at most, a little more at looser levels)."""
    centre = float(np.median(ordered))
    spread = max(
        1.4826 * float(np.median(np.abs(ordered - centre))), float(np.std(ordered)) * 0.1, 1e-6
    )
    return centre + spread * (expected_max_z(len(ordered)) + 0.5 - (1.0 - strength))
