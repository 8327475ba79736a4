"""Recall and precision of the relevance cut-off per level, on labelled toy-world libraries.

    python -m tests.benchmarks.relevance                  # libraries of 60, 300 and 3,000 photos
    python -m tests.benchmarks.relevance --sizes 60 300 --worst --families

Each library is rendered with its own mix of colours and shapes (tests/relevance_world.py),
indexed by the real indexer with the toy model, and its vectors cached under
.cache/relevance/ (keyed by the model, the mix and the world's source), so a rerun takes
seconds. Every colour, shape, colour+shape, negative ("red -circle") and image query is run
at every level. Recall and precision are averaged over the queries whose true matches are
1-50 % of the library (the floors of the issue); "min" is the worst such query; "floors met"
counts the queries that meet their level's floors (strict: precision >= 0.97 and not empty,
normal: recall and precision >= 0.9, loose: recall >= 0.97; tests/relevance_world.py
LEVEL_FLOORS) out of those whose ranking allows it at all (some top-k meets them: the cut-off
cannot fix the model's ranking); nonsense queries are reported as the most results any of
them showed.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from pathlib import Path

import numpy as np

from tests.relevance_world import (
    LEVELS,
    LIBRARIES,
    LabelledVectors,
    Outcome,
    build_vectors,
    evaluate,
    in_scope,
)

CACHE = Path(__file__).resolve().parents[2] / ".cache" / "relevance"
IMAGE_SIDE = 96


def cached_library(count: int, model, model_dir: Path) -> LabelledVectors:  # type: ignore[no-untyped-def]
    """The labelled vectors of the `count`-photo library, built once per model and world."""
    world = (Path(__file__).resolve().parents[1] / "relevance_world.py").read_bytes()
    key = hashlib.sha256(
        world + str(model_dir).encode() + f"{count}-{IMAGE_SIDE}".encode()
    ).hexdigest()[:16]
    path = CACHE / f"{LIBRARIES[count].name}-{count}-{key}.npz"
    if path.exists():
        return LabelledVectors.load(path)
    with tempfile.TemporaryDirectory() as folder:
        library = build_vectors(Path(folder), count, LIBRARIES[count], model, size=IMAGE_SIDE)
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp.npz")
    library.save(partial)
    partial.replace(path)
    return library


def table(size: int, mix: str, outcomes: list[Outcome]) -> list[str]:
    scoped = sum(in_scope(o, size) for o in outcomes if o.level == "off")
    lines = [
        f"{size} photos ({mix} mix), {scoped} queries with 1-50 % true matches",
        (
            f"  {'level':<7} {'recall':>7} {'min':>6} {'precision':>10} {'min':>6} "
            f"{'shown':>6} {'hidden':>7} {'floors met':>11} {'nonsense max':>13}"
        ),
    ]
    for level in LEVELS:
        scoped = [o for o in outcomes if o.level == level and in_scope(o, size)]
        nonsense = [o.shown for o in outcomes if o.level == level and o.query.family == "nonsense"]
        recall = [o.recall for o in scoped]
        precision = [o.precision for o in scoped]
        attainable = [o for o in scoped if o.attainable]
        met = f"{sum(o.meets for o in attainable)}/{len(attainable)}" if level != "off" else "-"
        lines.append(
            f"  {level:<7} {np.mean(recall):7.3f} {min(recall):6.2f} {np.mean(precision):10.3f} "
            f"{min(precision):6.2f} {np.mean([o.shown for o in scoped]):6.1f} "
            f"{np.mean([o.hidden for o in scoped]):7.1f} {met:>11} "
            f"{max(nonsense):13d}"
        )
    return lines


FAMILIES = ("colour", "shape", "colour+shape", "negative", "image")


def by_family(size: int, outcomes: list[Outcome], level: str = "normal") -> list[str]:
    """Recall and precision at `level` per kind of query (where the misses are)."""
    lines = [f"  at {level}, by kind of query:"]
    for family in FAMILIES:
        scoped = [
            o
            for o in outcomes
            if o.level == level and in_scope(o, size) and o.query.family == family
        ]
        if not scoped:
            continue
        attainable = [o for o in scoped if o.attainable]
        lines.append(
            f"    {family:<13} {len(scoped):3d} queries  recall {np.mean([o.recall for o in scoped]):.3f}"
            f"  precision {np.mean([o.precision for o in scoped]):.3f}"
            f"  floors met {sum(o.meets for o in attainable)}/{len(attainable)}"
        )
    return lines


def worst(size: int, outcomes: list[Outcome], count: int = 8) -> list[str]:
    """The queries furthest below the floors at "normal", to see what the cut-off misses."""
    scoped = [o for o in outcomes if o.level == "normal" and in_scope(o, size)]
    scoped.sort(key=lambda o: min(o.recall, o.precision))
    return [
        f"    {o.query.text!r:<28} {o.query.family:<13} true {o.true:4d} shown {o.shown:4d} "
        f"recall {o.recall:.2f} precision {o.precision:.2f}"
        f"{'' if o.attainable else '  (no cut of this ranking meets the floors)'}"
        for o in scoped[:count]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.relevance", description=__doc__
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=sorted(LIBRARIES), choices=sorted(LIBRARIES)
    )
    parser.add_argument("--worst", action="store_true", help="list the worst queries at normal")
    parser.add_argument(
        "--families", action="store_true", help="recall and precision at normal per kind of query"
    )
    args = parser.parse_args(argv)

    from photosift.core.model.loader import load_model
    from tests.toyworld import build_model

    model_dir = build_model()
    model = load_model(f"local-dir:{model_dir}", device="cpu")
    for size in args.sizes:
        library = cached_library(size, model, model_dir)
        outcomes = evaluate(library, model)
        print("\n".join(table(size, library.mix, outcomes)))
        if args.families:
            print("\n".join(by_family(size, outcomes)))
        if args.worst:
            print("\n".join(worst(size, outcomes)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
