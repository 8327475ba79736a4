"""A small library of generated toy-world photos indexed with the toy model, and a CLI runner:
shared by the tests of the organizer's commands (albums, export)."""

from __future__ import annotations

from pathlib import Path

import pytest

from photosift.cli import main
from photosift.service.library import PhotoLibrary
from tests.toyworld import generate_photos


def index_generated(base: Path, model, count: int, seed: int) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """`count` 160x120 photos in base/photos, indexed into base/library.sqlite3."""
    folder = base / "photos"
    generate_photos(folder, count, size=(160, 120), seed=seed)
    db = base / "library.sqlite3"
    with PhotoLibrary.open(db) as library:
        library.index(model, [folder], workers=1)
    return db, folder


def run_cli(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """`photosift ARGV` in-process: exit status, stdout, stderr."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
