"""Duplicates end to end: planted copies among generated look-alikes, indexed with the real
toy model into a real library; the neighbour search against all pairs; the keeper rule; the
CLI listing and its trash (a real freedesktop trash folder under tmp)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from photosift.cli import main
from photosift.core.library.photo_records import PhotoRecord
from photosift.core.search.duplicates import DuplicateKind, KeepReason, suggest_keep
from photosift.core.search.neighbours import similar_pairs
from photosift.service.library import PhotoLibrary
from tests.planted_duplicates import PlantedWorld, plant, precision_recall, use_temporary_trash


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, toy_model) -> tuple[PlantedWorld, Path]:  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("dupes")
    world = plant(base / "photos", originals=12, distinct=60)
    exact = world.folder / "elsewhere" / world.lookalikes[0].name
    exact.parent.mkdir()
    shutil.copy(world.lookalikes[0], exact)  # an exact copy of a photo with no variants
    world.groups.append({world.lookalikes[0], exact})
    db = base / "library.sqlite3"
    with PhotoLibrary.open(db) as library:
        assert library.index(toy_model, [world.folder], workers=1).indexed == 12 * 7 + 61
    return world, db


@pytest.fixture
def trash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """send2trash's freedesktop trash pointed at a temporary XDG data folder."""
    return use_temporary_trash(monkeypatch, tmp_path / "xdg-data")


def found_groups(db: Path, threshold: float | None = None) -> list[set[Path]]:
    with PhotoLibrary.open(db) as library:
        report = library.find_duplicates(threshold=threshold)
    return [{p.abspath for p in group.photos} for group in report.groups]


def test_planted_duplicates_are_grouped_and_lookalikes_are_not(
    world: tuple[PlantedWorld, Path],
) -> None:
    planted, db = world
    truth = [{p.resolve() for p in group} for group in planted.groups]
    print("\nthreshold  groups  precision  recall")
    for threshold in (0.85, 0.90, 0.95):
        groups = found_groups(db, threshold)
        precision, recall = precision_recall(groups, truth)
        print(f"{threshold:9.2f}  {len(groups):6d}  {precision:9.3f}  {recall:6.3f}")
    groups = found_groups(db)  # the default threshold
    precision, recall = precision_recall(groups, truth)
    assert precision >= 0.97 and recall >= 0.95
    lookalikes = {p.resolve() for p in planted.lookalikes[1:]}
    assert not any(group & lookalikes for group in groups)


def test_exact_copies_are_their_own_kind_and_near_groups_keep_the_largest(
    world: tuple[PlantedWorld, Path],
) -> None:
    planted, db = world
    with PhotoLibrary.open(db) as library:
        groups = library.find_duplicates().groups
    exact = [g for g in groups if g.kind is DuplicateKind.EXACT]
    assert [{p.abspath.name for p in g.photos} for g in exact] == [{planted.lookalikes[0].name}]
    assert exact[0].similarity == 1.0
    for group in groups:
        if group.kind is DuplicateKind.NEAR:
            largest = max((p.width or 0) * (p.height or 0) for p in group.photos)
            assert (group.keep.width or 0) * (group.keep.height or 0) == largest
            assert "_half" not in group.keep.abspath.name


def record(photo_id: int, width: int, height: int, size: int, taken: float) -> PhotoRecord:
    return PhotoRecord(
        photo_id, 1, f"{photo_id}.jpg", Path(f"/p/{photo_id}.jpg"), size, 10**18, width,
        height, taken, None, "jpg", False,
    )  # fmt: skip


def test_keeper_is_largest_then_biggest_file_then_oldest() -> None:
    ranked, why = suggest_keep([record(1, 800, 600, 900, 5.0), record(2, 1600, 1200, 100, 9.0)])
    assert (ranked[0].id, why) == (2, KeepReason.LARGEST)
    ranked, why = suggest_keep([record(1, 800, 600, 500, 5.0), record(2, 800, 600, 900, 9.0)])
    assert (ranked[0].id, why) == (2, KeepReason.ORIGINAL)
    ranked, why = suggest_keep([record(1, 800, 600, 900, 9.0), record(2, 800, 600, 900, 5.0)])
    assert (ranked[0].id, why) == (2, KeepReason.OLDEST)


def test_blocked_neighbour_search_finds_what_all_pairs_find() -> None:
    rng = np.random.default_rng(3)
    topics = rng.standard_normal((200, 128)).astype(np.float32)
    vectors = topics[rng.integers(0, 200, 12_000)] + rng.standard_normal((12_000, 128)) * 0.8
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    twins = rng.choice(12_000, 400, replace=False)
    vectors[twins[200:]] = vectors[twins[:200]] + rng.standard_normal((200, 128)) * 0.03
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = similar_pairs(vectors, 0.9, exact_max_rows=20_000)
    blocked = similar_pairs(vectors, 0.9, exact_max_rows=1_000)
    want = set(zip(exact.first.tolist(), exact.second.tolist(), strict=True))
    got = set(zip(blocked.first.tolist(), blocked.second.tolist(), strict=True))
    assert len(want) >= 200 and got <= want
    assert len(got) / len(want) >= 0.98
    assert bool((blocked.similarity >= 0.9).all())


def test_cli_lists_groups_and_trashes_only_after_confirmation(
    world: tuple[PlantedWorld, Path],
    trash: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    planted, source_db = world
    db = tmp_path / "copy.sqlite3"  # a copy of the library whose files are copies too
    folder = tmp_path / "photos"
    shutil.copytree(planted.folder / "group000", folder / "group000")
    with PhotoLibrary.open(source_db) as source, PhotoLibrary.open(db) as library:
        library.index(_model(source), [folder], workers=1)
    assert main(["duplicates", "--json", "--db", str(db)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["groups"]) == 1 and len(data["groups"][0]["photos"]) == 7
    keep = data["groups"][0]["keep"]
    kept_path = next(p["path"] for p in data["groups"][0]["photos"] if p["photo_id"] == keep)

    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["duplicates", "--trash", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "These 6 files will be moved to the trash" in err and "not confirmed" in err
    assert len(list(folder.rglob("*.jpg"))) == 7

    assert main(["duplicates", "--trash", "--yes", "--db", str(db)]) == 0
    assert "Moved 6 files to the trash" in capsys.readouterr().err
    assert [str(p) for p in folder.rglob("*.jpg")] == [kept_path]
    assert len(list(trash.iterdir())) == 6
    with PhotoLibrary.open(db) as library:
        assert library.store.photo_count() == 1
        assert library.find_duplicates().groups == []


def _model(library: PhotoLibrary):  # type: ignore[no-untyped-def]
    from photosift.core.library.model_choice import ModelUse

    return library.load_model(None, ModelUse.QUERY, "cpu").model
