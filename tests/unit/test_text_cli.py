"""`photosift text`, `photosift search 'text:…'` and `photosift index --text/--no-text` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from photosift.core.library.store import Store
from tests.textlibrary import TextLibrary
from tests.textphotos import write_text_photos
from tests.unit.test_search_cli import run


def test_text_prints_the_stored_reading_of_a_library_photo(
    text_library: TextLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    photo_id, photo = next((i, p) for i, p in text_library.photos.items() if p.language == "zh")
    code, out, err = run(capsys, "text", f"#{photo_id}", "--db", text_library.db)
    assert code == 0, err
    assert photo.words[0] in out
    code, out, _ = run(capsys, "text", photo.path, "--db", text_library.db, "--json")
    data = json.loads(out)
    assert data["source"].startswith("library: read")
    assert photo.words[1] in "".join(line[0] for line in data["lines"])


def test_text_reads_a_file_outside_any_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    photo = write_text_photos(tmp_path / "photos", english=1, chinese=0, plain=0)[0]
    code, out, err = run(capsys, "text", photo.path, "--db", tmp_path / "none.sqlite3")
    assert code == 0, err
    assert all(word in out for word in photo.words)
    assert not (tmp_path / "none.sqlite3").exists()  # reading a file creates no library


def test_text_of_an_unknown_photo_is_one_clear_error(
    text_library: TextLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "text", "#99999", "--db", text_library.db)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "#99999" in err
    code, _, err = run(capsys, "text", tmp_path / "nope.jpg", "--db", text_library.db)
    assert code == 1 and "nope.jpg" in err


def test_search_text_prefix_finds_chinese_words(
    text_library: TextLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = next(p for p in text_library.photos.values() if p.language == "zh")
    word = photo.words[0]
    code, out, err = run(capsys, "search", f"text:{word}", "--db", text_library.db)
    assert code == 0, err
    paths = {Path(line.split("\t")[1]).resolve() for line in out.splitlines()}
    truth = {text_library.photos[i].path.resolve() for i in text_library.ids_with(word)}
    assert paths == truth
    assert all(line.endswith("\ttext") for line in out.splitlines())


def test_index_text_switch_is_a_library_setting(
    tmp_path: Path, toy_model_spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    folder = tmp_path / "photos"
    write_text_photos(folder, english=1, chinese=0, plain=1)
    db = tmp_path / "library.sqlite3"
    code, out, err = run(capsys, "index", folder, "--db", db, "--model", toy_model_spec, "--json")
    assert code == 0, err
    assert json.loads(out)["text"] is None  # off by default
    code, out, err = run(capsys, "index", "--db", db, "--text", "--json")
    assert code == 0, err
    text = json.loads(out)["text"]
    assert text["with_text"] == 1 and text["read"] + text["gated_out"] == 2
    code, out, err = run(capsys, "index", "--db", db, "--json")
    assert json.loads(out)["text"]["read"] == 0  # stays on; each photo was read once
    code, out, err = run(capsys, "index", "--db", db, "--no-text")
    assert code == 0 and "Read the text" not in out
    with Store(db) as store:
        assert store.get_setting("text.read") is False


def test_a_word_search_in_a_library_that_reads_no_text_says_so(
    tmp_path: Path, toy_model_spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "photos"
    write_text_photos(folder, english=1, chinese=0, plain=0)
    db = tmp_path / "library.sqlite3"
    assert run(capsys, "index", folder, "--db", db, "--model", toy_model_spec)[0] == 0
    code, out, err = run(capsys, "search", "text:receipt", "--db", db)
    assert code == 0 and out == ""
    assert "photosift index --text" in err


def test_a_version_1_library_gains_the_text_tables(tmp_path: Path) -> None:
    import sqlite3

    import sqlite_utils

    from photosift.core.library.store import MIGRATIONS, SCHEMA_VERSION

    db = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(db)
    MIGRATIONS[1](sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.text_counts()["pending"] == 0 and store.photos_with_words("收据") == set()
    assert (tmp_path / "old.sqlite3.v1.bak").is_file()  # the upgrade kept a copy first
