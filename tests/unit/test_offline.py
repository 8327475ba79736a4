"""Storage that disappears is offline, not deleted (issue 16, High 1 and 2).

Real folders, real mounts (a bind mount and a tmpfs where the test runs as root; skipped
cleanly where mounting is not permitted), real symlinks, the real toy model. The measure of
success is the user's work: every tag survives an unmount, a dangling link or a rename.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from photosift.cli.index_cmd import describe_summary
from photosift.core.library.filters import Filters
from photosift.core.library.indexer import index_library
from photosift.core.library.photo_records import Presence
from photosift.core.library.store import Store
from photosift.core.search.engine import SearchEngine
from tests.toyworld import generate_photos


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "library.sqlite3")
    yield s
    s.close()


def tag_everything(store: Store) -> int:
    """A manual tag on every photo (the user's work); returns how many tags there are."""
    with store.transaction() as conn:
        conn.execute("INSERT OR IGNORE INTO labels (name, created_at) VALUES ('mine', 0)")
        conn.execute(
            "INSERT OR IGNORE INTO photo_tags (photo_id, label_id, source, state, updated_at) "
            "SELECT id, (SELECT id FROM labels WHERE name = 'mine'), 'manual', 'assigned', 0 "
            "FROM photos"
        )
    return tag_count(store)


def tag_count(store: Store) -> int:
    return store.db.execute("SELECT COUNT(*) FROM photo_tags").fetchone()[0]


def presence(store: Store) -> dict[str, Presence]:
    ids = [r[0] for r in store.db.execute("SELECT id FROM photos")]
    return {p.relpath: p.presence for p in store.photos(ids)}


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip() or 'not permitted'})")


@pytest.fixture
def mounts() -> Iterator[list[Path]]:
    """Mount points to unmount at the end (lazily, whatever the test did)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting needs root")
    points: list[Path] = []
    yield points
    for point in reversed(points):
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def test_unmounted_bind_mount_subfolder_goes_offline_with_its_tags(
    tmp_path: Path, store: Store, toy_model, mounts: list[Path]
) -> None:
    lib, nas = tmp_path / "lib", tmp_path / "nas-share"
    generate_photos(lib / "local", 3, size=(96, 72), seed=1)
    generate_photos(nas, 4, size=(96, 72), seed=2)
    (lib / "nas").mkdir()
    _mount("--bind", str(nas), str(lib / "nas"))
    mounts.append(lib / "nas")
    index_library(store, toy_model, [lib], batch_size=8, workers=1)
    tags = tag_everything(store)
    assert tags == 7

    subprocess.run(["umount", str(lib / "nas")], check=True)  # the mount point is now empty
    summary = index_library(store, toy_model, None, batch_size=8, workers=1)

    assert (summary.removed, summary.offline) == (0, 4)
    assert summary.offline_folders == [str(lib / "nas")]
    assert tag_count(store) == tags
    states = presence(store)
    assert sum(s is Presence.OFFLINE for s in states.values()) == 4
    assert "4 photos offline" in describe_summary(summary) and str(lib / "nas") in describe_summary(
        summary
    )

    _mount("--bind", str(nas), str(lib / "nas"))  # plugged back in: same photos, same tags
    back = index_library(store, toy_model, None, batch_size=8, workers=1)
    assert (back.indexed, back.restored, back.removed) == (0, 4, 0)
    assert set(presence(store).values()) == {Presence.ONLINE} and tag_count(store) == tags


def test_mount_point_on_another_device_is_offline_even_when_not_empty(
    tmp_path: Path, store: Store, toy_model, mounts: list[Path]
) -> None:
    lib = tmp_path / "lib"
    (lib / "drive").mkdir(parents=True)
    _mount("-t", "tmpfs", "-o", "size=8m", "photosift-test", str(lib / "drive"))
    mounts.append(lib / "drive")
    generate_photos(lib / "drive", 3, size=(96, 72), seed=3)
    index_library(store, toy_model, [lib], batch_size=8, workers=1)
    tags = tag_everything(store)

    subprocess.run(["umount", str(lib / "drive")], check=True)
    (lib / "drive" / "notes.txt").write_text("left in the bare mount point folder")
    summary = index_library(store, toy_model, None, batch_size=8, workers=1)

    assert (summary.removed, summary.offline) == (0, 3) and tag_count(store) == tags


def test_dangling_symlinked_subfolder_goes_offline_and_comes_back(
    tmp_path: Path, store: Store, toy_model
) -> None:
    lib, target = tmp_path / "lib", tmp_path / "drives" / "photos2024"
    generate_photos(lib, 2, size=(96, 72), seed=4)
    generate_photos(target, 3, size=(96, 72), seed=5)
    (lib / "2024").symlink_to(target, target_is_directory=True)
    index_library(store, toy_model, [lib], batch_size=8, workers=1)
    tags = tag_everything(store)

    target.rename(tmp_path / "drives" / "elsewhere")  # the drive got another name
    summary = index_library(store, toy_model, None, batch_size=8, workers=1)
    assert (summary.removed, summary.offline) == (0, 3) and tag_count(store) == tags

    (tmp_path / "drives" / "elsewhere").rename(target)
    back = index_library(store, toy_model, None, batch_size=8, workers=1)
    assert (back.indexed, back.restored) == (0, 3) and tag_count(store) == tags


def test_vanished_folder_reappearing_elsewhere_reconnects_by_fingerprint(
    tmp_path: Path, store: Store, toy_model
) -> None:
    lib = tmp_path / "lib"
    generate_photos(lib / "trip", 3, size=(96, 72), seed=6)
    generate_photos(lib / "home", 1, size=(96, 72), seed=16)
    index_library(store, toy_model, [lib], batch_size=8, workers=1)
    ids_before = {r[1]: r[0] for r in store.db.execute("SELECT id, relpath FROM photos")}
    tags = tag_everything(store)
    parked = tmp_path / "parked"
    (lib / "trip").rename(parked)  # run 1: the folder vanished
    first = index_library(store, toy_model, None, batch_size=8, workers=1)
    assert (first.offline, first.removed) == (3, 0)

    parked.rename(lib / "trip-2024")  # run 2: it reappears under a new name
    second = index_library(store, toy_model, None, batch_size=8, workers=1)

    assert (second.moved, second.indexed) == (3, 0) and tag_count(store) == tags
    after = {r[1]: r[0] for r in store.db.execute("SELECT id, relpath FROM photos")}
    assert sorted(after.values()) == sorted(ids_before.values())
    assert sum(rel.startswith("trip-2024/") for rel in after) == 3
    assert set(presence(store).values()) == {Presence.ONLINE}


def test_real_deletion_is_soft_until_the_grace_period_ends(
    tmp_path: Path, store: Store, toy_model
) -> None:
    lib = tmp_path / "lib"
    photos = generate_photos(lib, 3, size=(96, 72), seed=7)
    index_library(store, toy_model, [lib], batch_size=8, workers=1)
    tags = tag_everything(store)
    kept = tmp_path / "kept.jpg"
    shutil.move(photos[0].path, kept)  # deleted by mistake

    summary = index_library(store, toy_model, None, batch_size=8, workers=1)
    assert (summary.removed, summary.offline, summary.purged) == (1, 0, 0)
    assert tag_count(store) == tags and store.photo_count() == 2
    assert "kept" in describe_summary(summary)

    shutil.move(kept, photos[0].path)  # undone: the same photo, with its tags
    back = index_library(store, toy_model, None, batch_size=8, workers=1)
    assert (back.restored, back.indexed) == (1, 0) and store.photo_count() == 3

    photos[0].path.unlink()
    index_library(store, toy_model, None, batch_size=8, workers=1)
    store.set_setting("removal_grace_days", 0)
    gone = index_library(store, toy_model, None, batch_size=8, workers=1)
    assert gone.purged == 1 and tag_count(store) == tags - 1


def test_search_leaves_out_offline_photos_unless_asked(
    tmp_path: Path, store: Store, toy_model
) -> None:
    lib, target = tmp_path / "lib", tmp_path / "usb"
    generate_photos(lib, 3, size=(96, 72), seed=8)
    generate_photos(target, 3, size=(96, 72), seed=9)
    (lib / "usb").symlink_to(target, target_is_directory=True)
    index_library(store, toy_model, [lib], batch_size=8, workers=1)
    target.rename(tmp_path / "unplugged")
    index_library(store, toy_model, None, batch_size=8, workers=1)
    offline = set(store.offline_photo_ids().tolist())
    assert len(offline) == 3

    engine = SearchEngine(store.path, toy_model)
    engine.load()
    shown = {h.photo_id for h in engine.search("a shape", top_k=10, cutoff="off").hits}
    everything = engine.search(
        "a shape", top_k=10, cutoff="off", filters=Filters(exclude_offline=False)
    )
    engine.close()
    assert shown and not shown & offline
    assert offline <= {h.photo_id for h in everything.hits}


def test_forget_missing_confirms_removals_at_once(
    tmp_path: Path, store: Store, toy_model, capsys: pytest.CaptureFixture[str]
) -> None:
    from photosift.cli import main

    lib = tmp_path / "lib"
    photos = generate_photos(lib, 3, size=(96, 72), seed=17)
    index_library(store, toy_model, [lib], batch_size=8, workers=1)
    tag_everything(store)
    photos[0].path.unlink()
    assert main(["index", "--db", str(store.path)]) == 0
    assert "1 removed" in capsys.readouterr().out and tag_count(store) == 3
    assert main(["index", "--forget-missing", "--db", str(store.path)]) == 0
    assert "Forgot 1 photos" in capsys.readouterr().out
    assert tag_count(store) == 2 and len(presence(store)) == 2


def test_an_unreadable_subfolder_is_reported_and_its_photos_kept(
    tmp_path: Path, store: Store, toy_model, monkeypatch: pytest.MonkeyPatch
) -> None:
    from photosift.core.library import scanner

    lib = tmp_path / "lib"
    generate_photos(lib / "open", 2, size=(96, 72), seed=18)
    generate_photos(lib / "locked", 2, size=(96, 72), seed=19)
    index_library(store, toy_model, [lib], batch_size=8, workers=1)
    tags = tag_everything(store)
    real_scandir = os.scandir

    def scandir(
        path,
    ):  # what a folder we may not list does (root reads any, so simulated)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(scanner.os, "scandir", scandir)
    summary = index_library(store, toy_model, None, batch_size=8, workers=1)
    assert summary.unreadable_folders == [str(lib / "locked")]
    assert (summary.removed, summary.offline) == (0, 2) and tag_count(store) == tags
    assert f"Could not read the folder (photos in it kept): {lib / 'locked'}" in describe_summary(
        summary
    )


def test_a_root_that_comes_back_keeps_its_still_missing_subfolder_offline(
    tmp_path: Path, store: Store, toy_model
) -> None:
    lib, card = tmp_path / "lib", tmp_path / "card"
    generate_photos(lib / "home", 2, size=(96, 72), seed=24)
    generate_photos(card, 2, size=(96, 72), seed=25)
    (lib / "card").symlink_to(card, target_is_directory=True)
    index_library(store, toy_model, [lib], batch_size=8, workers=1)
    tags = tag_everything(store)
    lib.rename(tmp_path / "lib-away")  # the whole drive is unplugged
    assert index_library(store, toy_model, None, batch_size=8, workers=1).offline_roots == [
        str(lib)
    ]
    card.rename(tmp_path / "card-away")
    (tmp_path / "lib-away").rename(lib)  # the drive is back, the card is not

    summary = index_library(store, toy_model, None, batch_size=8, workers=1)
    assert (summary.offline, summary.restored, summary.removed) == (2, 2, 0)
    states = presence(store)
    assert sorted(s.value for s in states.values()) == ["offline", "offline", "online", "online"]
    assert all(states[rel] is Presence.OFFLINE for rel in states if rel.startswith("card/"))
    assert tag_count(store) == tags
