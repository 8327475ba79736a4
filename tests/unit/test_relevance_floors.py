"""The relevance cut-off judged on labelled toy-world libraries (tests/relevance_world.py).

Two small libraries (60 photos, every kind equally often; 300 photos, skewed towards red and
circles) are rendered at 96x96, indexed by the real indexer with the real toy model, and every
colour, shape, colour+shape, negative, image and nonsense query is ranked at every level.
The full table up to 3,000 photos: `python -m tests.benchmarks.relevance`.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.relevance_world import (
    BALANCED,
    FLOOR,
    HANDFUL,
    LEVELS,
    SKEWED,
    Outcome,
    build_vectors,
    evaluate,
    in_scope,
)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory, toy_model) -> dict[int, list[Outcome]]:  # type: ignore[no-untyped-def]
    found = {}
    for count, mix in ((60, BALANCED), (300, SKEWED)):
        library = build_vectors(
            tmp_path_factory.mktemp(f"relevance-{count}"), count, mix, toy_model
        )
        found[count] = evaluate(library, toy_model)
    return found


def at(outcomes: list[Outcome], level: str, size: int) -> list[Outcome]:
    return [o for o in outcomes if o.level == level and in_scope(o, size)]


@pytest.mark.parametrize("size", [60, 300])
def test_normal_keeps_true_matches_with_few_wrong_ones(outcomes, size: int) -> None:  # type: ignore[no-untyped-def]
    normal = at(outcomes[size], "normal", size)
    assert np.mean([o.recall for o in normal]) >= 0.87
    assert np.mean([o.precision for o in normal]) >= FLOOR
    # Where the model's ranking allows it at all, at least half the queries meet both floors
    # (60 photos: 54 of 74, 300: 33 of 59; the benchmark lists the misses).
    attainable = [o for o in normal if o.attainable]
    met = [o for o in attainable if o.recall >= FLOOR and o.precision >= FLOOR]
    assert len(met) >= 0.5 * len(attainable), [o.query.text for o in attainable if o not in met]


@pytest.mark.parametrize("size", [60, 300])
def test_strict_is_surer_and_loose_finds_more(outcomes, size: int) -> None:  # type: ignore[no-untyped-def]
    strict, normal, loose = (at(outcomes[size], level, size) for level in LEVELS[:3])
    assert np.mean([o.precision for o in strict]) >= np.mean([o.precision for o in normal])
    assert np.mean([o.recall for o in loose]) >= max(0.9, np.mean([o.recall for o in normal]))
    # Clear matches never leave strict empty.
    assert all(o.shown > 0 for o in strict if o.true >= 3)


@pytest.mark.parametrize("size", [60, 300])
def test_levels_are_monotone_for_every_query(outcomes, size: int) -> None:  # type: ignore[no-untyped-def]
    shown: dict[str, list[int]] = {}
    for o in outcomes[size]:
        shown.setdefault(o.query.text, []).append(o.shown)
    assert all(counts == sorted(counts) for counts in shown.values()), shown


@pytest.mark.parametrize("size", [60, 300])
def test_nonsense_shows_a_handful_at_most_and_counts_the_rest(outcomes, size: int) -> None:  # type: ignore[no-untyped-def]
    nonsense = [o for o in outcomes[size] if o.query.family == "nonsense"]
    for o in nonsense:
        if o.level == "off":
            assert o.shown == size
        else:
            assert o.shown <= HANDFUL and o.shown + o.hidden == size


def test_the_cases_of_the_issue(outcomes) -> None:  # type: ignore[no-untyped-def]
    """'a triangle' kept 2 of its true matches at normal; 'a green star' showed nothing at
    strict; 'red -circle' showed only the red triangles."""
    by = {(o.query.text, o.level): o for o in outcomes[300]}
    assert by["a triangle", "normal"].recall >= FLOOR
    assert (
        by["a green star", "strict"].shown > 0 and by["a green star", "strict"].precision >= FLOOR
    )
    assert by["red -circle", "loose"].recall >= FLOOR
