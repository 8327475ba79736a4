"""Export from the CLI on a real toy library: copies, symlinks, name clashes, CSV/JSON lists,
and the service's cancel between files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from photosift.core.cancel import CancelToken
from photosift.core.library.filters import Filters
from photosift.service.export import ExportMode, export_photos
from photosift.service.library import PhotoLibrary
from tests.toy_library import index_generated
from tests.toy_library import run_cli as run


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, toy_model) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    return index_generated(tmp_path_factory.mktemp("export"), toy_model, 24, seed=8)


def test_search_export_copies_then_numbers_clashes_and_links(
    library: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = library
    target = tmp_path / "picked"
    query = ("search", "red", "--cutoff", "off", "--top", 4, "--db", db)
    code, out, err = run(capsys, *query, "--export", target)
    assert code == 0 and "Copied 4 files" in err
    sources = [Path(line.split("\t")[1]) for line in out.splitlines()]
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in sources)
    assert all((target / p.name).read_bytes() == p.read_bytes() for p in sources)

    run(capsys, *query, "--export", target)  # the same names again: numbered, not overwritten
    names = sorted(p.name for p in target.iterdir())
    assert len(names) == 8 and sum(" (2)." in n for n in names) == 4

    links = tmp_path / "links"
    assert run(capsys, *query, "--export", links, "--link")[0] == 0
    assert all(p.is_symlink() and p.resolve() in sources for p in links.iterdir())
    assert all(p.exists() for p in sources)  # originals untouched


def test_search_prints_csv_and_json_lists(
    library: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = library
    query = ("search", "blue", "--cutoff", "off", "--top", 3, "--db", db)
    code, out, _ = run(capsys, *query, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 3 and all(Path(r["path"]).is_file() for r in rows)
    assert {"photo_id", "width", "height", "taken_at"} <= set(rows[0])
    code, out, _ = run(capsys, *query, "--format", "json")
    assert [r["path"] for r in json.loads(out)["results"]] == [r["path"] for r in rows]


def test_export_stops_between_files_when_cancelled(
    library: tuple[Path, Path], tmp_path: Path
) -> None:
    db, _ = library
    with PhotoLibrary.open(db) as lib:
        photos = lib.browse(Filters())
    cancel = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done == 3:
            cancel.cancel()

    summary = export_photos(
        photos, tmp_path / "out", ExportMode.COPY, progress=progress, cancel=cancel
    )
    assert summary.cancelled and len(summary.written) == 3 and seen == [1, 2, 3]


# -- RAW+JPEG pairs: the RAW comes along ---------------------------------------------------


@pytest.fixture
def pairs(tmp_path: Path) -> tuple[Path, Path]:
    """Four catalogued JPEGs (a.jpg..d.jpg), a.jpg and b.jpg each with a RAW twin (.CR2)."""
    from PIL import Image

    from tests.unit.test_raw_pairs import add_raw_twins

    folder = tmp_path / "camera"
    folder.mkdir()
    for n, name in enumerate("abcd"):
        Image.new("RGB", (32, 24), (60 * n, 90, 200)).save(folder / f"{name}.jpg", quality=80)
    db = tmp_path / "lib.sqlite3"
    with PhotoLibrary.open(db) as lib:
        assert lib.catalog([folder], workers=1).catalogued == 4
    add_raw_twins(db, [folder / "a.jpg", folder / "b.jpg"])
    return db, folder


def test_export_brings_the_raw_of_each_pair_numbered_with_its_jpeg(
    pairs: tuple[Path, Path], tmp_path: Path
) -> None:
    db, folder = pairs
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.CR2").write_bytes(b"the user's own file")  # taken: b's pair moves to "b (2)"
    with PhotoLibrary.open(db) as lib:
        photos = lib.browse(Filters())
        assert sorted(p.abspath.name for p in photos) == ["a.jpg", "b.jpg", "c.jpg", "d.jpg"]
        summary = lib.export(photos, out)
    assert summary.raws == 2 and not summary.failed and len(summary.written) == 6
    assert sorted(p.name for p in out.iterdir()) == [
        "a.CR2", "a.jpg", "b (2).CR2", "b (2).jpg", "b.CR2", "c.jpg", "d.jpg",
    ]  # fmt: skip
    assert (out / "b.CR2").read_bytes() == b"the user's own file"  # never overwritten
    assert (out / "a.CR2").read_bytes() == (folder / "a.CR2").read_bytes()
    assert (out / "b (2).jpg").read_bytes() == (folder / "b.jpg").read_bytes()

    with PhotoLibrary.open(db) as lib:  # again: every file numbered, the pair kept together
        summary = lib.export(lib.browse(Filters()), out)
    assert summary.raws == 2 and {"a (2).jpg", "a (2).CR2", "b (3).jpg", "b (3).CR2"} <= {
        p.name for p in out.iterdir()
    }


def test_export_without_raw_links_and_lists_with_the_raw_do_not_double(
    pairs: tuple[Path, Path], tmp_path: Path
) -> None:
    db, folder = pairs
    with PhotoLibrary.open(db) as lib:
        photos = lib.browse(Filters())
        alone = lib.export(photos, tmp_path / "jpegs", with_raw=False)
        assert alone.raws == 0 and len(alone.written) == 4
        links = lib.export(photos, tmp_path / "links", ExportMode.LINK)
        assert links.raws == 2 and all(p.is_symlink() for p in links.written)
        assert {p.resolve() for p in links.written} >= {folder / "a.CR2", folder / "b.CR2"}
        # The RAW asked for by itself too (a selection holding both files): written once.
        both = lib.store.photos([photos[0].id, photos[0].pair_id])
        summary = lib.export(both, tmp_path / "both")
        assert summary.raws == 0 and sorted(p.name for p in summary.written) == ["a.CR2", "a.jpg"]
        lib.set_joins_raw_pairs(False)  # pairs listed as two photos: each file is its own
        assert lib.export(lib.browse(Filters()), tmp_path / "separate").raws == 0
    assert sorted(p.name for p in (tmp_path / "jpegs").iterdir()) == [
        "a.jpg", "b.jpg", "c.jpg", "d.jpg",
    ]  # fmt: skip
    assert len(list((tmp_path / "separate").iterdir())) == 6


def test_export_reports_a_raw_that_is_gone_and_keeps_going(
    pairs: tuple[Path, Path], tmp_path: Path
) -> None:
    db, folder = pairs
    (folder / "a.CR2").unlink()  # deleted since the last scan: the library still pairs it
    with PhotoLibrary.open(db) as lib:
        photos = lib.browse(Filters())
        copied = lib.export(photos, tmp_path / "copies")
        linked = lib.export(photos, tmp_path / "links", ExportMode.LINK)
    for summary, folder_out in ((copied, tmp_path / "copies"), (linked, tmp_path / "links")):
        assert [source.name for source, _ in summary.failed] == ["a.CR2"]
        assert summary.raws == 1 and len(summary.written) == 5
        assert "a.CR2" not in {p.name for p in folder_out.iterdir()}  # no dangling link
        assert all(p.exists() for p in folder_out.iterdir())


def test_cli_export_brings_the_raw_unless_without_raw(
    tmp_path: Path, toy_model, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.unit.test_raw_pairs import add_raw_twins

    db, folder = index_generated(tmp_path / "lib", toy_model, 4, seed=11)
    jpegs = sorted(folder.glob("*.jpg"))
    add_raw_twins(db, jpegs[:2])
    query = ("search", "a shape", "--cutoff", "off", "--db", db)
    code, out, err = run(capsys, *query, "--export", tmp_path / "all")
    assert (
        code == 0 and "Copied 6 files to" in err and "2 of them RAW files beside their JPEG" in err
    ), err
    assert len(out.splitlines()) == 4  # the results: one line per photo, pairs once
    expected = {j.name for j in jpegs} | {j.with_suffix(".CR2").name for j in jpegs[:2]}
    assert {p.name for p in (tmp_path / "all").iterdir()} == expected
    code, _, err = run(capsys, *query, "--export", tmp_path / "jpegs", "--without-raw", "--link")
    assert code == 0 and "Linked 4 files to" in err and "RAW" not in err, err
    assert {p.name for p in (tmp_path / "jpegs").iterdir()} == {j.name for j in jpegs}
    jpegs[0].with_suffix(".CR2").unlink()
    code, _, err = run(capsys, *query, "--export", tmp_path / "again")
    assert code == 0 and "Copied 5 files to" in err and "1 of them RAW" in err, err
    assert f"not exported {jpegs[0].with_suffix('.CR2')}" in err
