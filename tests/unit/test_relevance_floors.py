"""The relevance cut-off judged on labelled toy-world libraries (tests/relevance_world.py).

Two small libraries (60 photos, every kind equally often; 300 photos, skewed towards red and
circles) are rendered at 96x96, indexed by the real indexer with the real toy model, and every
colour, shape, colour+shape, negative, image and nonsense query is ranked at every level.
The full table up to 3,000 photos: `python -m tests.benchmarks.relevance`.

The floors of issue 11 (LEVEL_FLOORS) are asserted per query on the queries whose ranking
allows them (some top-k reaches them; where the model ranks wrong photos among the right ones
no cut-off can). Where the cut-off still misses them the test is marked xfail(strict=True):
the gap stays visible, and the mark must go once the cut-off closes it. What is missed (see
relevance.py): a lower tier of partial matches looks like a lower tier of true matches
("image:red square": red squares ~0.88, red triangles around 0.6 up to 0.9), a tiny library's
single best photo can stand apart from the next best ones as clearly as a whole group does,
and groups of 2-5 photos are off by one. Queries with subtracted terms are cut term by term
(engine.rank), which closed the average floor at 300 photos.
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

GAP = (
    "per query, the floors are missed on some queries the ranking allows: groups of 2-5 off by "
    "one, tiers of partial matches (module doc); met on average"
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


def missed(outcomes: list[Outcome]) -> list[str]:
    """The queries that miss their level's floors though the ranking allows them."""
    return [
        f"{o.query.text} (true {o.true}, shown {o.shown}, recall {o.recall:.2f}, "
        f"precision {o.precision:.2f})"
        for o in outcomes
        if o.attainable and not o.meets
    ]


@pytest.mark.parametrize("size", [60, 300])
def test_normal_keeps_true_matches_with_few_wrong_ones_on_average(outcomes, size: int) -> None:  # type: ignore[no-untyped-def]
    normal = at(outcomes[size], "normal", size)
    assert np.mean([o.precision for o in normal]) >= FLOOR
    assert np.mean([o.recall for o in normal]) >= FLOOR  # 300 photos: 0.878 before issue 11


def test_subtracted_terms_keep_every_tier_of_what_is_left(outcomes) -> None:  # type: ignore[no-untyped-def]
    """Negative queries at normal: the floors on average, where one cut on the combined
    scores kept only the best-scoring shape ('red -circle': 13 of 55; recall 0.66 on average
    at 300 photos)."""
    for size in (60, 300):
        negative = [o for o in at(outcomes[size], "normal", size) if o.query.family == "negative"]
        assert np.mean([o.recall for o in negative]) >= 0.95
        assert np.mean([o.precision for o in negative]) >= FLOOR


@pytest.mark.xfail(strict=True, reason=GAP)
@pytest.mark.parametrize("level", LEVELS[:3])
@pytest.mark.parametrize("size", [60, 300])
def test_every_level_meets_its_floors_where_the_ranking_allows(outcomes, size, level) -> None:  # type: ignore[no-untyped-def]
    assert missed(at(outcomes[size], level, size)) == []


# What the cut-off reaches today (tests/benchmarks/relevance.py prints the same): a guard
# against going back while the floors above are still open. Queries meeting their floors,
# of those whose ranking allows it, per (size, level).
REACHED = {
    (60, "strict"): 79,
    (60, "normal"): 64,
    (60, "loose"): 85,
    (300, "strict"): 72,
    (300, "normal"): 46,
    (300, "loose"): 76,
}


@pytest.mark.parametrize("size", [60, 300])
def test_no_level_meets_its_floors_on_fewer_queries_than_measured(outcomes, size: int) -> None:  # type: ignore[no-untyped-def]
    for level in LEVELS[:3]:
        scoped = at(outcomes[size], level, size)
        met = sum(o.attainable and o.meets for o in scoped)
        assert met >= REACHED[size, level], (level, missed(scoped))


@pytest.mark.parametrize("size", [60, 300])
def test_strict_is_surer_and_loose_finds_almost_all(outcomes, size: int) -> None:  # type: ignore[no-untyped-def]
    strict, normal, loose = (at(outcomes[size], level, size) for level in LEVELS[:3])
    assert np.mean([o.precision for o in strict]) >= np.mean([o.precision for o in normal])
    assert np.mean([o.recall for o in loose]) >= 0.97
    # Strict never answers "nothing matches" when something does.
    assert all(o.shown > 0 for o in strict if o.true > 0)


@pytest.mark.parametrize("size", [60, 300])
def test_strict_is_sure_where_the_ranking_allows_it(outcomes, size: int) -> None:  # type: ignore[no-untyped-def]
    """Strict keeps the core of a tier (relevance.stricter_bar): precision 0.969 and 0.992 on
    the queries some cut of whose ranking is sure; 0.954 and 0.975 with one sd over the edge."""
    strict = [o for o in at(outcomes[size], "strict", size) if o.attainable]
    assert np.mean([o.precision for o in strict]) >= 0.965


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
    assert by["a triangle", "normal"].precision >= FLOOR
    assert by["a green star", "strict"].shown > 0
    assert by["a green star", "strict"].precision >= 0.97
    assert by["red -circle", "loose"].recall >= 0.97
    # 53 of the 55 now (13 before); 15 red circles score below the circles' own cut ("circle"
    # alone ranks some red circles among squares), so precision is 0.78.
    assert by["red -circle", "normal"].recall >= FLOOR
    assert by["red -circle", "normal"].precision >= 0.75
