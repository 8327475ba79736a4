"""Switching a library to another model: the old vectors serve search until the new ones are
complete (issue 14 §2), with two real models (the toy one and a different tiny CLIP) on a real
SQLite library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from photosift.cli import main
from photosift.core.cancel import CancelToken
from photosift.core.library.model_choice import ModelUse, choose_model, library_model_spec
from photosift.core.library.records import ACTIVE_MODEL_SETTING
from photosift.core.library.store import Store
from photosift.service.library import PhotoLibrary
from tests.toyworld import generate_photos

PHOTOS = 24


@pytest.fixture(scope="module")
def second_model(second_model_spec: str):  # type: ignore[no-untyped-def]
    from photosift.core.model.loader import load_model

    return load_model(second_model_spec, device="cpu")


@pytest.fixture
def toy_library(tmp_path: Path, toy_model) -> Path:  # type: ignore[no-untyped-def]
    """A library of PHOTOS toy photos, completely indexed with the toy model."""
    generate_photos(tmp_path / "photos", PHOTOS, seed=3)
    db = tmp_path / "library.sqlite3"
    with PhotoLibrary.open(db) as library:
        library.index(toy_model, [tmp_path / "photos"], workers=1)
    return db


def index_until_first_batch(library: PhotoLibrary, model) -> None:  # type: ignore[no-untyped-def]
    """Start re-embedding with `model` and stop after its first batch (4 photos)."""
    token = CancelToken()
    summary = library.index(
        model, batch_size=4, workers=1, on_batch=lambda _ids: token.cancel(), cancel=token
    )
    assert summary.cancelled and summary.indexed == 4


def test_old_vectors_serve_search_until_the_new_ones_are_complete(
    toy_library: Path, toy_model, second_model
) -> None:
    with PhotoLibrary.open(toy_library) as library:
        assert library.model_switch() is None
        index_until_first_batch(library, second_model)

        switch = library.model_switch()
        assert switch is not None
        assert (switch.serving, switch.target) == (toy_model.spec, second_model.spec)
        assert (switch.ready, switch.total) == (4, PHOTOS)
        assert switch.describe() == (
            f"Searching with {toy_model.spec} while {second_model.spec} is being prepared: 4/24"
        )
        # Search keeps the old model, whose every photo is searchable; indexing resumes the new.
        assert library_model_spec(library.store) == toy_model.spec
        assert choose_model(library.store, None, ModelUse.QUERY).spec == toy_model.spec
        assert choose_model(library.store, None, ModelUse.INDEX).spec == second_model.spec
        assert choose_model(library.store, None, ModelUse.BROWSE).spec == second_model.spec
        engine = library.search_engine(toy_model)
        assert engine.search("a red circle", top_k=PHOTOS, cutoff="off").considered == PHOTOS

        summary = library.index(second_model, batch_size=4, workers=1)  # resumes
        assert not summary.cancelled and summary.indexed == PHOTOS - 4
        assert library.model_switch() is None
        assert library_model_spec(library.store) == second_model.spec
        assert choose_model(library.store, None, ModelUse.QUERY).spec == second_model.spec
        assert set(library.store.library_model_specs()) == {toy_model.spec, second_model.spec}
        engine = library.search_engine(second_model)
        assert engine.search("a red circle", top_k=PHOTOS, cutoff="off").considered == PHOTOS


def test_a_library_without_an_active_model_setting_keeps_its_model_while_switching(
    toy_library: Path, toy_model, second_model
) -> None:
    """Libraries indexed before the setting existed: the first new vectors must not make the
    half-indexed model the one searches use (it would be the newest model with vectors)."""
    with Store(toy_library) as store:
        with store.transaction():
            store.conn.execute("DELETE FROM settings WHERE key = ?", [ACTIVE_MODEL_SETTING])
        index_until_first_batch(PhotoLibrary(store), second_model)
        assert library_model_spec(store) == toy_model.spec


def test_indexing_with_the_old_model_again_ends_the_switch_and_keeps_the_new_vectors(
    toy_library: Path, toy_model, second_model
) -> None:
    with PhotoLibrary.open(toy_library) as library:
        index_until_first_batch(library, second_model)
        library.index(toy_model, workers=1)  # `photosift index --model OLD`: the user went back
        assert library.model_switch() is None
        assert choose_model(library.store, None, ModelUse.INDEX).spec == toy_model.spec
        assert library.analysis_counts(second_model.spec).ready == 4  # kept
        summary = library.index(second_model, workers=1)  # forward again: resumes
        assert summary.indexed == PHOTOS - 4
        assert library_model_spec(library.store) == second_model.spec


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_search_says_which_model_answers_while_another_is_prepared(
    toy_library: Path, toy_model, second_model, capsys: pytest.CaptureFixture[str]
) -> None:
    with PhotoLibrary.open(toy_library) as library:
        index_until_first_batch(library, second_model)
    expected = f"Searching with {toy_model.spec} while {second_model.spec} is being prepared: 4/24"

    code, out, err = run(capsys, "search", "a red circle", "--cutoff", "off", "--db", toy_library)
    assert code == 0, err
    assert len(out.splitlines()) == 20  # every photo is searchable through the old vectors
    assert expected in err and "photosift index" in err

    code, out, err = run(
        capsys, "search", "a red circle", "--cutoff", "off", "--json", "--db", toy_library
    )
    data = json.loads(out)
    assert data["model"] == toy_model.spec
    assert data["switch"] == {"to": second_model.spec, "ready": 4, "total": PHOTOS}

    code, out, err = run(capsys, "similar", "#1", "--cutoff", "off", "--db", toy_library)
    assert code == 0 and expected in err

    # A plain `photosift index` resumes the new model and completes the switch.
    code, out, err = run(capsys, "index", "--db", toy_library, "--json")
    data = json.loads(out)
    assert code == 0, err
    assert data["model"] == second_model.spec and data["indexed"] == PHOTOS - 4
    assert data["switch"] is None
    code, out, err = run(capsys, "search", "a red circle", "--json", "--db", toy_library)
    data = json.loads(out)
    assert data["model"] == second_model.spec and data["switch"] is None
    assert "being prepared" not in err


def test_cli_index_stopped_mid_switch_says_search_still_uses_the_old_model(
    toy_library: Path,
    toy_model,
    second_model,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = PhotoLibrary.index

    def stopping_after_one_batch(self, model, folders=(), *, cancel, **options):  # type: ignore[no-untyped-def]
        options.update(batch_size=4, on_batch=lambda _ids: cancel.cancel())
        return index(self, model, folders, cancel=cancel, **options)

    monkeypatch.setattr(PhotoLibrary, "index", stopping_after_one_batch)
    code, out, err = run(
        capsys, "index", "--db", toy_library, "--model", second_model.spec, "--workers", 1
    )
    assert code == 130, err
    assert (
        f"Searching with {toy_model.spec} while {second_model.spec} is being prepared: 4/24; "
        f"searches use {toy_model.spec} until it is complete." in out
    )
