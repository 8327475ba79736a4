"""Search on a real library: toy-world photos indexed by the real indexer with the toy model."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from photosift.cli.remedies import cli_remedy
from photosift.core.errors import ModelMismatchError, QueryError
from photosift.core.library.filters import Filters
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.search.engine import SearchEngine
from photosift.core.tagging.tag_book import TagBook
from tests.toyworld import COLORS, SHAPES, generate_photos

PER_FOLDER = 144  # 6 of each of the 24 shape x colour kinds per folder, 12 in the library
OLD = datetime(2020, 6, 1).timestamp()


@dataclass
class ToyLibrary:
    db: Path
    folder: Path
    kinds: dict[int, tuple[str, str]]  # photo id -> (shape, colour)
    extra: Path  # photos that are not in the library

    def kind_of(self, photo_ids: list[int]) -> list[tuple[str, str]]:
        return [self.kinds[i] for i in photo_ids]


def build_toy_library(base: Path, model) -> ToyLibrary:  # type: ignore[no-untyped-def]
    folder = base / "photos"
    labelled = generate_photos(folder / "a", PER_FOLDER, size=(160, 120), seed=1)
    labelled += generate_photos(folder / "b", PER_FOLDER, size=(160, 120), seed=2)
    for photo in labelled:
        if photo.path.parent.name == "b":
            os.utime(photo.path, (OLD, OLD))
    extra = base / "extra"
    generate_photos(extra, 24, size=(160, 120), seed=3)
    db = base / "library.sqlite3"
    with Store(db) as store:
        summary = index_library(store, model, [folder], batch_size=32, workers=2)
        assert summary.indexed == 2 * PER_FOLDER
        by_path = {str(p.path.resolve()): (p.shape, p.color) for p in labelled}
        # The order tests pick "the first photo of a kind" in: by fingerprint, as the plain
        # SELECT happened to scan before a smaller index (photos_pair) changed SQLite's pick.
        ids = [r[0] for r in store.db.execute("SELECT id FROM photos ORDER BY fingerprint")]
        kinds = {r.id: by_path[str(r.abspath)] for r in store.photos(ids)}
    return ToyLibrary(db, folder, kinds, extra)


@pytest.fixture(scope="module")
def toy_library(tmp_path_factory: pytest.TempPathFactory, toy_model) -> ToyLibrary:  # type: ignore[no-untyped-def]
    return build_toy_library(tmp_path_factory.mktemp("toy-library"), toy_model)


@pytest.fixture(scope="module")
def engine(toy_library: ToyLibrary, toy_model) -> SearchEngine:  # type: ignore[no-untyped-def]
    engine = SearchEngine(toy_library.db, toy_model)
    assert engine.load() == 2 * PER_FOLDER
    return engine


def extra_photo(library: ToyLibrary, shape: str, color: str) -> Path:
    return next(library.extra.glob(f"*_{color}_{shape}.jpg"))


def test_text_query_puts_matching_photos_first(
    engine: SearchEngine, toy_library: ToyLibrary
) -> None:
    results = engine.search("a red circle", top_k=10, cutoff="off")
    kinds = toy_library.kind_of([h.photo_id for h in results])
    assert sum(k == ("circle", "red") for k in kinds) >= 9
    scores = [h.score for h in results]
    assert scores == sorted(scores, reverse=True) and all(-1 <= s <= 1 for s in scores)


def test_subtracting_a_term_removes_it(engine: SearchEngine, toy_library: ToyLibrary) -> None:
    kinds = toy_library.kind_of(
        [h.photo_id for h in engine.search("red -circle", top_k=10, cutoff="off")]
    )
    assert all(color == "red" for _, color in kinds), kinds
    assert not any(shape == "circle" for shape, _ in kinds), kinds


def test_image_query_finds_the_same_kind(engine: SearchEngine, toy_library: ToyLibrary) -> None:
    reference = extra_photo(toy_library, "star", "blue")
    for results in (
        engine.search(str(reference), top_k=10, cutoff="off"),
        engine.similar(reference, top_k=10, cutoff="off"),
    ):
        kinds = toy_library.kind_of([h.photo_id for h in results])
        assert sum(k == ("star", "blue") for k in kinds) >= 9, kinds


def test_similar_to_a_library_photo_leaves_it_out(
    engine: SearchEngine, toy_library: ToyLibrary
) -> None:
    photo_id = next(i for i, k in toy_library.kinds.items() if k == ("triangle", "green"))
    results = engine.similar(photo_id, top_k=5, cutoff="off")
    assert photo_id not in [h.photo_id for h in results]
    assert all(
        k == ("triangle", "green") for k in toy_library.kind_of([h.photo_id for h in results])
    )


def test_weights_change_the_order(engine: SearchEngine, toy_library: ToyLibrary) -> None:
    def colours(query: str) -> tuple[int, int]:
        kinds = toy_library.kind_of(
            [h.photo_id for h in engine.search(query, top_k=24, cutoff="off")]
        )
        return sum(c == "red" for _, c in kinds), sum(c == "blue" for _, c in kinds)

    reds_a, blues_a = colours("red + 3:blue")
    reds_b, blues_b = colours("3:red + blue")
    assert blues_a > reds_a and reds_b > blues_b
    assert blues_a >= 20 and reds_b >= 20


def test_cutoff_keeps_true_matches_and_drops_nonsense(
    engine: SearchEngine, toy_library: ToyLibrary
) -> None:
    size = len(toy_library.kinds)
    red = engine.search("red", top_k=size, cutoff="normal")
    kinds = toy_library.kind_of([h.photo_id for h in red])
    # Every kept photo is red. One of the 48 red photos scores far below the others, within
    # 0.002 of the cut-off: kept with fp32 vectors (torch, ONNX), cut with the int8 tower's.
    assert {c for _, c in kinds} == {"red"} and len(kinds) >= 47 and len(red) < size / 4
    assert red.cut == size - len(red)
    good = engine.search("a red circle", top_k=size, cutoff="normal")
    assert toy_library.kind_of([h.photo_id for h in good]).count(("circle", "red")) >= 11  # of 12
    assert len(good) < size / 4
    nonsense = engine.search("quantum tax invoice spreadsheet", top_k=size, cutoff="normal")
    assert len(nonsense) <= 5
    assert len(engine.search("quantum tax invoice spreadsheet", top_k=size, cutoff="off")) == size
    strict = engine.search("a red circle", top_k=size, cutoff="strict")
    loose = engine.search("a red circle", top_k=size, cutoff="loose")
    assert len(strict) <= len(good) <= len(loose)


def test_a_subtracted_term_leaves_out_its_matches_at_every_level_but_off(
    engine: SearchEngine, toy_library: ToyLibrary
) -> None:
    """'red -circle' shows the red photos that are not circles, all three shapes of them: one
    cut on the combined scores kept only the best-scoring shape (issue 11)."""
    size = len(toy_library.kinds)
    wanted = {i for i, (shape, colour) in toy_library.kinds.items() if colour == "red"} - {
        i for i, (shape, _) in toy_library.kinds.items() if shape == "circle"
    }
    shown = {}
    for level in ("strict", "normal", "loose", "off"):
        results = engine.search("red -circle", top_k=size, cutoff=level)
        shown[level] = [h.photo_id for h in results]
        assert results.cut == size - len(results)  # hidden, and counted
        scores = [h.score for h in results]
        assert scores == sorted(scores, reverse=True)  # in the combined query's order
    normal = set(shown["normal"])
    # Recall >= 0.9; precision 35/39 here: four of the 24 red circles score below the circles'
    # own cut (the floors per query are measured in test_relevance_floors.py).
    assert len(normal & wanted) >= 0.9 * len(wanted) and len(normal - wanted) <= 0.15 * len(normal)
    assert {"square", "triangle", "star"} <= {s for s, _ in toy_library.kind_of(shown["normal"])}
    assert set(shown["strict"]) <= wanted and shown["strict"]  # sure, and never empty
    assert len(set(shown["loose"]) & wanted) >= 0.97 * len(wanted)
    counts = [len(shown[level]) for level in ("strict", "normal", "loose", "off")]
    assert counts == sorted(counts) and counts[-1] == size
    # Filters apply to the subtracted terms' matches too: only folder "a" is ranked.
    in_a = engine.search(
        "red -circle", top_k=size, cutoff="normal", filters=Filters(folder=toy_library.folder / "a")
    )
    assert {h.photo_id for h in in_a} <= normal and len(in_a) >= 0.4 * len(normal)


def test_query_vectors_split_added_from_subtracted_terms() -> None:
    import numpy as np

    from photosift.core.search.engine import QueryVectors

    red, circle, square = np.eye(3, dtype=np.float32)
    query = QueryVectors.of([red, circle, square], [2.0, -0.5, 1.0])
    assert np.allclose(query.added, np.array([2, 0, 1]) / np.sqrt(5))
    assert len(query.subtracted) == 1 and np.allclose(query.subtracted[0], circle)
    assert np.allclose(query.combined, np.array([2, -0.5, 1]) / np.sqrt(5.25))
    plain = QueryVectors.of([red], [1.0])
    assert plain.subtracted == () and np.allclose(plain.added, plain.combined)
    with pytest.raises(QueryError, match="added term"):
        QueryVectors.of([red, circle], [-1.0, -1.0])


def test_filters_apply_before_ranking(engine: SearchEngine, toy_library: ToyLibrary) -> None:
    ids_in_a = {
        r.id for r in engine.store().photos(list(toy_library.kinds)) if r.abspath.parent.name == "a"
    }
    in_a = engine.search(
        "a red circle", top_k=50, cutoff="off", filters=Filters(folder=toy_library.folder / "a")
    )
    assert len(in_a) == 50 and {h.photo_id for h in in_a} <= ids_in_a
    recent = engine.search(
        "a red circle",
        top_k=500,
        cutoff="off",
        filters=Filters(after=datetime(2021, 1, 1).timestamp()),
    )
    assert {h.photo_id for h in recent} == ids_in_a
    old = engine.search("a red circle", top_k=500, cutoff="off", filters=Filters(before=OLD + 1))
    assert len(old) == PER_FOLDER and not {h.photo_id for h in old} & ids_in_a
    assert len(engine.search("red", cutoff="off", filters=Filters(file_types=("png",)))) == 0
    assert (
        len(engine.search("red", top_k=500, cutoff="off", filters=Filters(file_types=("JPEG",))))
        == 2 * PER_FOLDER
    )
    assert len(engine.search("red", cutoff="off", filters=Filters(camera="Nikon"))) == 0
    with pytest.raises(QueryError, match="not in the library"):
        engine.search("red", filters=Filters(folder=toy_library.extra))


def test_tag_filter(toy_library: ToyLibrary, toy_model) -> None:  # type: ignore[no-untyped-def]
    engine = SearchEngine(toy_library.db, toy_model)
    engine.load()
    chosen = sorted(toy_library.kinds)[:5]
    with Store(toy_library.db) as store:
        TagBook(store).add_manual(chosen, "holiday")
    results = engine.search("a blue star", cutoff="off", filters=Filters(tag="Holiday"))
    assert sorted(h.photo_id for h in results) == chosen
    with Store(toy_library.db) as store:
        TagBook(store).remove_label("holiday")


def test_refresh_takes_in_newly_indexed_photos(tmp_path: Path, toy_model) -> None:  # type: ignore[no-untyped-def]
    generate_photos(tmp_path / "first", 24, size=(160, 120), seed=5)
    db = tmp_path / "library.sqlite3"
    with Store(db) as store:
        index_library(store, toy_model, [tmp_path / "first"], workers=1)
    engine = SearchEngine(db, toy_model)
    assert engine.load() == 24
    batches: list[list[int]] = []
    generate_photos(tmp_path / "second", 48, size=(160, 120), seed=6)
    with Store(db) as store:
        index_library(
            store,
            toy_model,
            [tmp_path / "second"],
            batch_size=16,
            workers=1,
            on_batch=lambda ids: (batches.append(ids), engine.refresh(ids)),
        )
    assert len(batches) == 3 and len(engine.index) == 72
    new_ids = {i for batch in batches for i in batch}
    with Store(db) as store:
        new_yellow = {r.id for r in store.photos(sorted(new_ids)) if "_yellow_" in r.abspath.name}
    assert len(new_yellow) == 8  # and 4 among the first 24
    assert new_yellow <= {h.photo_id for h in engine.search("yellow", top_k=12, cutoff="off")}
    gone = sorted(new_ids)[:10]
    with Store(db) as store, store.transaction():
        store.db.execute(f"DELETE FROM photos WHERE id IN ({','.join('?' * len(gone))})", gone)
    engine.refresh(gone)
    assert len(engine.index) == 62
    assert not {h.photo_id for h in engine.search("yellow", top_k=100, cutoff="off")} & set(gone)


def test_searches_from_several_threads_agree(engine: SearchEngine) -> None:
    queries = ["a red circle", "blue -star", "2:green + triangle", "a purple square"] * 3
    expected = [[h.photo_id for h in engine.search(q, top_k=10)] for q in queries]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda q: [h.photo_id for h in engine.search(q, top_k=10)], queries))
    assert got == expected


def test_text_vectors_are_cached(engine: SearchEngine) -> None:
    assert engine.encode_text("an orange star") is engine.encode_text("an orange star")


def test_a_library_of_another_model_is_refused(
    toy_library: ToyLibrary, toy_model_dir: Path, tmp_path: Path
) -> None:
    from photosift.core.model.loader import load_model

    other = load_model(
        f"local-dir:{shutil.copytree(toy_model_dir, tmp_path / 'other-model')}", device="cpu"
    )
    with pytest.raises(ModelMismatchError) as caught:
        SearchEngine(toy_library.db, other).load()
    with Store(toy_library.db) as store:
        indexed = store.library_model_specs()[0]
    # The core says what is wrong and carries the data; each face words the remedy.
    assert (
        str(caught.value)
        == f"This library was indexed with {indexed}; the loaded model is {other.spec}."
    )
    assert (caught.value.library_spec, caught.value.loaded_spec) == (indexed, other.spec)
    assert cli_remedy(caught.value) == (
        f"Re-index with `photosift index --model {other.spec}` or search with `--model {indexed}`."
    )


def test_query_errors_surface(engine: SearchEngine) -> None:
    with pytest.raises(QueryError, match="only says what to avoid"):
        engine.search("-red")
    with pytest.raises(QueryError, match="#999999"):
        engine.search("#999999")
    with pytest.raises(QueryError, match="cut-off"):
        engine.search("red", cutoff="medium")


def test_all_kinds_are_present(toy_library: ToyLibrary) -> None:
    assert {k for k in toy_library.kinds.values()} == {(s, c) for s in SHAPES for c in COLORS}
