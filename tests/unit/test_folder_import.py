"""Importing a model folder: a complete copy in the model cache, or nothing at all."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from photosift.core.cancel import CancelToken
from photosift.core.errors import ModelUnavailableError
from photosift.core.model.folder_import import (
    folder_size,
    import_model_folder,
    imported_models_dir,
    is_imported,
)
from photosift.core.model.loader import load_model


@pytest.fixture
def model_folder(toy_model_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "clip model"
    shutil.copytree(toy_model_dir, folder)
    return folder


def test_import_copies_every_file_once_and_the_copy_loads_after_the_original_moved(
    model_folder, tmp_path, toy_model
):
    copy = import_model_folder(model_folder)
    again = import_model_folder(model_folder)
    assert (
        copy == again
        and is_imported(copy)
        and [p.name for p in imported_models_dir().iterdir()] == [copy.name]
    )
    for original in model_folder.iterdir():
        assert (copy / original.name).read_bytes() == original.read_bytes()
    assert import_model_folder(copy) == copy  # importing the copy is a no-op

    model_folder.rename(tmp_path / "moved")
    model = load_model(f"local-dir:{copy}", device="cpu")
    assert (model.encode_texts(["a blue star"]) == toy_model.encode_texts(["a blue star"])).all()


def test_a_cancelled_import_keeps_nothing(model_folder):
    token = CancelToken()
    reports = []

    def progress(report) -> None:  # the first report comes as the first file starts
        reports.append(report)
        token.cancel()

    with pytest.raises(ModelUnavailableError, match="cancelled; nothing was kept"):
        import_model_folder(model_folder, progress=progress, cancel=token)
    assert reports and list(imported_models_dir().iterdir()) == []


def test_a_folder_without_a_model_is_refused(tmp_path):
    (tmp_path / "photos").mkdir()
    with pytest.raises(ModelUnavailableError, match="no open_clip_config.json"):
        import_model_folder(tmp_path / "photos")
    assert list(imported_models_dir().iterdir()) == []


def test_cli_copy_model_keeps_the_library_working_when_the_folder_moves(model_folder, tmp_path):
    from tests.toyworld import generate_photos

    generate_photos(tmp_path / "photos", 6, size=(96, 96), seed=1)
    db = str(tmp_path / "lib.sqlite3")

    def photosift(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "photosift", *args, "--db", db],
            capture_output=True,
            text=True,
            timeout=600,
            env=dict(os.environ),
        )

    indexed = photosift(
        "index",
        str(tmp_path / "photos"),
        "--model",
        f"local-dir:{model_folder}",
        "--copy-model",
        "--device",
        "cpu",
    )
    assert indexed.returncode == 0, indexed.stderr
    copy = next(imported_models_dir().iterdir())
    assert (
        f"Copied the model folder {model_folder} ({folder_size(copy) / 1e6:.1f} MB) to {copy}"
        in indexed.stderr
    )

    model_folder.rename(tmp_path / "moved")
    found = photosift("search", "a red circle", "--device", "cpu", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["model"] == f"local-dir:{copy}"


def test_copy_model_needs_a_model_folder(tmp_path):
    from photosift.cli import main

    assert (
        main(
            [
                "index",
                str(tmp_path),
                "--model",
                "hf-hub:org/name",
                "--copy-model",
                "--db",
                str(tmp_path / "l.db"),
            ]
        )
        == 1
    )
