"""Albums and saved searches through the CLI on a real library indexed with the toy model:
editing, order, surviving a move, a saved search picking up new photos, JSON round trip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from photosift.core.errors import QueryError
from photosift.service.library import PhotoLibrary
from tests.toy_library import index_generated
from tests.toy_library import run_cli as run
from tests.toyworld import generate_photos


@pytest.fixture
def library(tmp_path: Path, toy_model) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    return index_generated(tmp_path, toy_model, 24, seed=5)


def test_album_editing_order_and_moves(
    library: tuple[Path, Path], toy_model, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    db, folder = library
    photos = sorted(folder.glob("*.jpg"))[:3]
    assert run(capsys, "albums", "create", "Trip", "--db", db)[0] == 0
    assert run(capsys, "albums", "add", "trip", *photos, "--db", db)[0] == 0
    assert run(capsys, "albums", "order", "Trip", photos[2], "--db", db)[0] == 0
    code, out, _ = run(capsys, "albums", "show", "Trip", "--db", db)
    assert out.splitlines() == [str(photos[2]), str(photos[0]), str(photos[1])]
    assert run(capsys, "albums", "move", "Trip", photos[1], "--to", "earlier", "--db", db)[0] == 0
    assert run(capsys, "albums", "move", "Trip", photos[2], "--to", "end", "--db", db)[0] == 0
    code, out, _ = run(capsys, "albums", "show", "Trip", "--db", db)
    assert out.splitlines() == [str(photos[1]), str(photos[0]), str(photos[2])]
    assert run(capsys, "albums", "move", "Trip", photos[2], "--to", "start", "--db", db)[0] == 0
    assert run(capsys, "albums", "move", "Trip", photos[1], "--to", "end", "--db", db)[0] == 0
    code, out, _ = run(capsys, "albums", "show", "Trip", "--db", db)
    assert out.splitlines() == [str(photos[2]), str(photos[0]), str(photos[1])]
    assert run(capsys, "albums", "remove", "Trip", photos[0], "--db", db)[0] == 0

    moved = folder / "sub" / "renamed.jpg"  # the user reorganises: same photo, new place
    moved.parent.mkdir()
    shutil.move(photos[2], moved)
    with PhotoLibrary.open(db) as lib:
        lib.index(toy_model, workers=1)
    assert run(capsys, "albums", "rename", "Trip", "Holiday", "--db", db)[0] == 0
    code, out, _ = run(capsys, "albums", "--json", "--db", db)
    assert json.loads(out) == [{"name": "Holiday", "kind": "album", "photos": 2, "query": None}]
    code, out, _ = run(capsys, "albums", "show", "Holiday", "--db", db)
    assert out.splitlines() == [str(moved), str(photos[1])]

    code, _, err = run(capsys, "albums", "create", "holiday", "--db", db)
    assert code == 1 and "already" in err
    code, _, err = run(capsys, "albums", "show", "Nope", "--db", db)
    assert code == 1 and "no album" in err


def test_saved_search_is_rerun_and_finds_new_photos(
    library: tuple[Path, Path], toy_model, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    db, folder = library
    args = ("--cutoff", "off", "--folder", folder, "--db", db)
    assert run(capsys, "albums", "save-search", "Red", "a red circle", *args)[0] == 0
    code, out, _ = run(capsys, "albums", "show", "Red", "--json", "--db", db)
    before = {p["path"] for p in json.loads(out)["photos"]}
    assert code == 0 and before
    with PhotoLibrary.open(db) as lib:
        with pytest.raises(QueryError):
            lib.store.add_to_album(lib.store.album("Red").id, [1])  # a search holds no photos
    generate_photos(folder / "new", 6, size=(160, 120), seed=11)
    with PhotoLibrary.open(db) as lib:
        lib.index(toy_model, workers=1)
    code, out, _ = run(capsys, "albums", "show", "Red", "--json", "--db", db)
    after = {p["path"] for p in json.loads(out)["photos"]}
    assert before < after and any("/new/" in p for p in after - before)


def test_export_and_import_between_libraries(
    library: tuple[Path, Path], tmp_path: Path, toy_model, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    db, folder = library
    photos = sorted(folder.glob("*.jpg"))[:2]
    run(capsys, "albums", "create", "Best", "--db", db)
    run(capsys, "albums", "add", "Best", *photos, "--db", db)
    run(capsys, "albums", "save-search", "Blue", "blue", "--cutoff", "strict", "--db", db)
    exported = tmp_path / "albums.json"
    assert run(capsys, "albums", "export", exported, "--db", db)[0] == 0

    other = tmp_path / "other.sqlite3"
    with PhotoLibrary.open(other) as lib:
        lib.index(toy_model, [folder], workers=1)
    code, _, err = run(capsys, "albums", "import", exported, "--db", other)
    assert code == 0 and "Created 2" in err
    with PhotoLibrary.open(other) as lib:
        names = {a.name: a for a in lib.albums()}
        assert [p.abspath for p in lib.album_photos("Best")] == photos
        blue = names["Blue"].search
        assert blue is not None and (blue.query, blue.cutoff) == ("blue", "strict")
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    assert run(capsys, "albums", "import", bad, "--db", other)[0] == 1
