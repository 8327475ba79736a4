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
