"""Folder watching with a real watchdog observer on temporary folders and the real toy model:
files written, renamed and deleted while watching reach the library within seconds (latency
printed), a burst is batched, the watch-limit fallback, and `photosift watch` stopping on
Ctrl-C."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from photosift.core.cancel import CancelToken
from photosift.core.library.store import Store
from photosift.core.library.watcher import FolderWatcher, WatchEvent, WatchMode
from photosift.service.library import PhotoLibrary
from tests.toyworld import generate_photos

TIMEOUT_S = 60.0


class Watching:
    """`PhotoLibrary.watch` on its own thread (its own Store), stopped by the fixture."""

    def __init__(self, db: Path, model, folder: Path) -> None:  # type: ignore[no-untyped-def]
        self.events: list[WatchEvent] = []
        self.cancel = CancelToken()
        self.thread = threading.Thread(target=self._run, args=(db, model, folder), daemon=True)
        self.db = db

    def _run(self, db: Path, model, folder: Path) -> None:  # type: ignore[no-untyped-def]
        with PhotoLibrary.open(db) as library:
            library.add_folders([folder])
            library.watch(
                model, on_event=self.events.append, cancel=self.cancel, debounce_s=0.3, workers=1
            )

    def paths(self) -> set[str]:
        """The photos search can show. A deleted file's row is kept, hidden, for a grace period;
        one deleted from a folder left empty counts as offline (an emptied folder may be an
        unmounted drive): both are hidden, see test_offline.py."""
        with Store(self.db) as store:
            ids = [
                r[0]
                for r in store.db.execute(
                    "SELECT id FROM photos WHERE removed_at IS NULL AND offline = 0"
                )
            ]
            return {str(r.abspath) for r in store.photos(ids)}

    def id_of(self, path: Path) -> int | None:
        with Store(self.db) as store:
            return store.photo_id_at(path)


@pytest.fixture
def watching(tmp_path: Path, toy_model) -> Iterator[Watching]:  # type: ignore[no-untyped-def]
    folder = tmp_path / "photos"
    generate_photos(folder, 3, size=(160, 120), seed=1)
    watch = Watching(tmp_path / "library.sqlite3", toy_model, folder)
    watch.thread.start()
    wait_for(lambda: any(e.reason == "start" for e in watch.events))
    yield watch
    watch.cancel.cancel()
    watch.thread.join(timeout=TIMEOUT_S)
    assert not watch.thread.is_alive()


def wait_for(condition: Callable[[], bool]) -> float:
    """Seconds until `condition` held (fails after TIMEOUT_S)."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < TIMEOUT_S, "not reflected in the library in time"
        time.sleep(0.05)
    return time.monotonic() - started


def test_written_renamed_and_deleted_files_reach_the_library(
    watching: Watching, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    assert len(watching.paths()) == 3
    staging = tmp_path / "staging"
    new = generate_photos(staging, 1, size=(160, 120), seed=9)[0].path
    target = folder / "new.jpg"
    shutil.copy(new, target)  # written in place, not atomically
    added = wait_for(lambda: str(target) in watching.paths())
    photo_id = watching.id_of(target)

    renamed = folder / "sub" / "renamed.jpg"
    renamed.parent.mkdir()
    os.rename(target, renamed)
    moved = wait_for(
        lambda: str(renamed) in watching.paths() and str(target) not in watching.paths()
    )
    assert watching.id_of(renamed) == photo_id  # a move keeps the photo (vector, tags, albums)

    renamed.unlink()
    deleted = wait_for(lambda: str(renamed) not in watching.paths())
    print(f"\nwatch latency: added {added:.2f} s, renamed {moved:.2f} s, deleted {deleted:.2f} s")
    assert len(watching.paths()) == 3


def test_a_burst_of_files_is_indexed_in_a_few_batches(watching: Watching, tmp_path: Path) -> None:
    staging = tmp_path / "burst"
    photos = generate_photos(staging, 60, size=(120, 90), seed=4)
    for photo in photos:
        shutil.copy(photo.path, tmp_path / "photos" / photo.path.name)
    # Photos are catalogued before the run that indexes them reports: wait for both.
    wait_for(
        lambda: len(watching.paths()) == 63 and any(e.reason == "changes" for e in watching.events)
    )
    changes = [e for e in watching.events if e.reason == "changes"]
    print(f"\n60 files arrived in {len(changes)} scans")
    assert 1 <= len(changes) <= 10


def test_watch_limit_falls_back_to_periodic_scans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from watchdog.observers import Observer

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(Observer, "schedule", refuse)
    watcher = FolderWatcher([tmp_path], lambda folders: None)
    try:
        assert watcher.start() is WatchMode.PERIODIC
        assert watcher.unwatchable == [tmp_path]
    finally:
        watcher.stop()


def test_events_for_other_files_are_ignored_and_photos_batched(tmp_path: Path) -> None:
    batches: list[set[Path]] = []
    watcher = FolderWatcher([tmp_path], batches.append, debounce_s=0.3)
    assert watcher.start() is WatchMode.EVENTS
    try:
        (tmp_path / "notes.txt").write_text("not a photo")
        (tmp_path / "a.jpg.xmp").write_text("<x/>")  # a sidecar PhotoSift may write itself
        time.sleep(1.0)
        assert batches == []
        for n in range(5):
            (tmp_path / f"{n}.jpg").write_bytes(b"\xff\xd8\xff")
        wait_for(lambda: bool(batches))
        time.sleep(0.6)
        assert batches == [{tmp_path}]
    finally:
        watcher.stop()


def test_cli_watch_stops_cleanly_on_ctrl_c(tmp_path: Path, toy_model_spec: str) -> None:
    folder = tmp_path / "photos"
    generate_photos(folder, 2, size=(120, 90), seed=2)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "desktop")}
    db = tmp_path / "library.sqlite3"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "photosift",
            "watch",
            str(folder),
            "--db",
            str(db),
            "--model",
            toy_model_spec,
            "--device",
            "cpu",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        lines = []
        for line in process.stderr:
            lines.append(line)
            if "watching for changes" in line:
                break
        assert any("start: 1 folders, 2 indexed" in line for line in lines), lines
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "stopped watching" in rest
