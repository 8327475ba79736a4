"""Text in photos: the real OCR model, the gate, the trigram index, the text pass, `text:` search.

Everything is real: PP-OCRv4 through rapidocr-onnxruntime, generated photos with English and
Chinese words on busy backgrounds (tests/textphotos.py), SQLite files, the toy CLIP model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from photosift.core.cancel import CancelToken
from photosift.core.errors import QueryError
from photosift.core.imaging.decode import decode_image
from photosift.core.library.filters import Filters
from photosift.core.library.store import Store
from photosift.core.library.text_pass import Gate, read_text_pass
from photosift.core.library.text_records import TextState
from photosift.core.model.ocr import TextBox
from photosift.core.search.engine import SearchEngine
from photosift.core.search.query import parse_query
from photosift.service.library import PhotoLibrary
from tests.textlibrary import TextLibrary, text_work
from tests.textphotos import char_accuracy, write_text_photos


def copy_library(library: TextLibrary, tmp_path: Path) -> Path:
    db = tmp_path / "library.sqlite3"
    shutil.copy(library.db, db)
    return db


# -- the OCR model -------------------------------------------------------------------------
def test_reads_english_and_chinese_words(text_library: TextLibrary) -> None:
    with Store(text_library.db) as store:
        readings = {i: store.photo_text(i) for i in text_library.photos}
    accuracies = []
    for photo_id, photo in text_library.photos.items():
        reading = readings[photo_id]
        assert reading is not None, photo.path.name
        if photo.words:
            assert reading.state is TextState.READ
            accuracies.append(char_accuracy(photo.words, reading.text))
            assert all(0 <= x <= 1 and 0 <= y <= 1 for b in reading.boxes for x, y in b.points)
    assert len(accuracies) == 6
    assert sum(accuracies) / len(accuracies) >= 0.9, accuracies


def test_the_gate_lets_every_text_photo_through(text_library: TextLibrary, text_reader) -> None:  # type: ignore[no-untyped-def]
    for photo in text_library.photos.values():
        image = decode_image(photo.path, min_side=1280).image
        if photo.words:
            assert text_reader.detect(image) > 0, photo.path.name


def test_a_photo_without_text_stores_no_words(text_library: TextLibrary) -> None:
    with Store(text_library.db) as store:
        plain = [i for i, p in text_library.photos.items() if not p.words]
        readings = [store.photo_text(i) for i in plain]
    assert len(plain) == 2
    assert all(r is not None and r.state in (TextState.NO_TEXT, TextState.READ) for r in readings)
    assert all(r is not None and r.text == "" for r in readings)


# -- the store's trigram index -------------------------------------------------------------
def box(text: str) -> TextBox:
    return TextBox(text, 0.99, ((0.1, 0.1), (0.5, 0.1), (0.5, 0.2), (0.1, 0.2)))


def test_words_match_as_substrings_in_any_script(text_library: TextLibrary, tmp_path: Path) -> None:
    db = copy_library(text_library, tmp_path)
    with Store(db) as store:
        a, b = sorted(text_library.photos)[:2]
        store.save_texts(
            [
                (
                    text_work(store, a),
                    TextState.READ,
                    [box("超市收据 合计 42.50"), box("Invoice 2024-05")],
                ),
                (text_work(store, b), TextState.READ, [box("停车场出口")]),
            ],
            "test",
        )
        assert store.photos_with_words("收据") == {a}  # two characters: below a trigram
        assert store.photos_with_words("超市收据") == {a}  # four: the trigram index
        assert store.photos_with_words("invoice 2024") == {a}  # case-insensitive phrase
        assert store.photos_with_words("出口") == {b}
        assert store.photos_with_words('say "hi"') == set()  # quotes cannot break the query
        store.save_texts([(text_work(store, a), TextState.READ, [box("nothing here")])], "test")
        assert store.photos_with_words("超市收据") == set()  # the index followed the update
        store.db.execute("DELETE FROM photos WHERE id = ?", [b])
        assert store.photos_with_words("停车场") == set()  # and the deletion


def test_a_changed_photo_is_read_again(text_library: TextLibrary, tmp_path: Path) -> None:
    db = copy_library(text_library, tmp_path)
    with Store(db) as store:
        assert store.text_work() == []  # everything analysed was read once
        photo_id = min(text_library.photos)
        with store.transaction():
            store.db.execute("UPDATE photos SET fingerprint = 'changed' WHERE id = ?", [photo_id])
        assert [w.photo_id for w in store.text_work()] == [photo_id]


# -- the text pass -------------------------------------------------------------------------
def test_the_pass_is_resumable_after_a_cancel(tmp_path: Path, toy_model, text_reader) -> None:  # type: ignore[no-untyped-def]
    photos = write_text_photos(tmp_path / "photos", english=2, chinese=0, plain=1)
    db = tmp_path / "library.sqlite3"
    with PhotoLibrary.open(db) as library:
        library.index(toy_model, [tmp_path / "photos"], workers=1)
        token = CancelToken()
        first = read_text_pass(
            library.store, text_reader, progress=lambda p: token.cancel(), cancel=token
        )
        assert first.cancelled and first.read + first.gated_out == 1
        assert library.store.text_counts()["pending"] == 2
        second = read_text_pass(library.store, text_reader)
        assert not second.cancelled and second.read + second.gated_out == 2
        assert library.store.text_counts()["pending"] == 0
        third = read_text_pass(library.store, text_reader)
        assert third.read + third.gated_out == 0  # a photo is read once
    assert len(photos) == 3


def test_without_the_gate_every_photo_is_read(tmp_path: Path, toy_model, text_reader) -> None:  # type: ignore[no-untyped-def]
    write_text_photos(tmp_path / "photos", english=1, chinese=0, plain=1)
    with PhotoLibrary.open(tmp_path / "library.sqlite3") as library:
        library.index(toy_model, [tmp_path / "photos"], workers=1)
        summary = read_text_pass(library.store, text_reader, gate=Gate.NONE)
    assert (summary.read, summary.gated_out, summary.with_text) == (2, 0, 1)


def test_turning_text_off_reads_nothing_and_keeps_the_vectors(
    tmp_path: Path,
    toy_model,
    text_reader,  # type: ignore[no-untyped-def]
) -> None:
    write_text_photos(tmp_path / "photos", english=1, chinese=0, plain=0)
    with PhotoLibrary.open(tmp_path / "library.sqlite3") as library:
        library.index(toy_model, [tmp_path / "photos"], workers=1)
        assert library.read_text(text_reader) is None  # off by default: OCR is slow on a CPU
        assert library.store.text_counts()["pending"] == 1
        library.set_reads_text(True)
        summary = library.read_text(text_reader)
        assert summary is not None and summary.with_text == 1
        assert library.index(toy_model).indexed == 0  # reading text re-embeds nothing


def test_an_unreadable_file_is_failed_not_fatal(tmp_path: Path, toy_model, text_reader) -> None:  # type: ignore[no-untyped-def]
    photos = write_text_photos(tmp_path / "photos", english=1, chinese=0, plain=0)
    with PhotoLibrary.open(tmp_path / "library.sqlite3") as library:
        library.index(toy_model, [tmp_path / "photos"], workers=1)
        library.set_reads_text(True)
        photos[0].path.write_bytes(b"not a jpeg any more")  # same row, broken file
        summary = library.read_text(text_reader)
        assert summary is not None and summary.failed == 1
        assert library.store.text_counts()["failed"] == 1


# -- the query language --------------------------------------------------------------------
def test_text_prefix_makes_word_terms() -> None:
    query = parse_query('beach text:收据 -text:"draft copy" TEXT:Exit')
    assert [(t.kind, t.value, t.weight) for t in query.terms] == [
        ("text", "beach", 1.0),
        ("words", "收据", 1.0),
        ("words", "draft copy", -0.5),  # a bare "-" halves the weight; word terms use only its sign
        ("words", "Exit", 1.0),
    ]
    assert [t.value for t in query.picture_terms] == ["beach"]
    assert [t.kind for t in parse_query("text:exit parking").terms] == ["words", "text"]


@pytest.mark.parametrize("text", ["text:", "text: receipt", 'text:""', "-text:draft"])
def test_bad_word_terms_are_refused(text: str) -> None:
    with pytest.raises(QueryError):
        parse_query(text)


# -- search --------------------------------------------------------------------------------
@pytest.fixture
def engine(text_library: TextLibrary, toy_model) -> SearchEngine:  # type: ignore[no-untyped-def]
    engine = SearchEngine(text_library.db, toy_model)
    engine.load()
    return engine


def found_words(text_library: TextLibrary, engine: SearchEngine, word: str) -> set[int]:
    return {h.photo_id for h in engine.search(f"text:{word}", top_k=50).hits}


def test_word_queries_find_exactly_the_photos_with_the_words(
    text_library: TextLibrary, engine: SearchEngine
) -> None:
    words = sorted({w for p in text_library.photos.values() for w in p.words})
    relevant = retrieved = hits = 0
    for word in words:
        truth = text_library.ids_with(word)
        got = found_words(text_library, engine, word)
        relevant, retrieved, hits = (
            relevant + len(truth),
            retrieved + len(got),
            hits + len(got & truth),
        )
    assert hits / retrieved >= 0.95  # precision
    assert hits / relevant >= 0.85  # recall


def test_word_hits_are_marked_and_mixed_queries_intersect(
    text_library: TextLibrary, engine: SearchEngine
) -> None:
    photo_id, photo = next((i, p) for i, p in text_library.photos.items() if p.language == "zh")
    word = photo.words[0]
    only = engine.search(f"text:{word}")
    assert {h.photo_id for h in only} == text_library.ids_with(word)
    assert all(h.words for h in only)
    mixed = engine.search(f"a red circle text:{word}", cutoff="off", top_k=50)
    assert {h.photo_id for h in mixed} == text_library.ids_with(word)
    without = engine.search(f"a red circle -text:{word}", cutoff="off", top_k=50)
    assert photo_id not in {h.photo_id for h in without}
    assert len(without) == len(text_library.photos) - len(text_library.ids_with(word))


def test_a_plain_query_finds_the_words_too(text_library: TextLibrary, engine: SearchEngine) -> None:
    photo = next(p for p in text_library.photos.values() if p.language == "en")
    word = photo.words[0].lower()
    results = engine.search(word, cutoff="strict", top_k=50)
    marked = [h.photo_id for h in results if h.words]
    assert set(marked) == text_library.ids_with(photo.words[0])
    assert results.hits[: len(marked)] == [h for h in results if h.words]  # they come first


def test_filters_apply_to_word_queries(text_library: TextLibrary, engine: SearchEngine) -> None:
    word = next(p for p in text_library.photos.values() if p.words).words[0]
    assert engine.search(f"text:{word}", filters=Filters(file_types=("png",))).hits == []
    assert len(engine.search(f"text:{word}", filters=Filters(file_types=("jpg",)))) >= 1
