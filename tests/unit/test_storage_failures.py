"""Full disks, damaged and read-only libraries get one clear line, and lose nothing
(issue 16, Medium "disk full" and Low "damaged", "read-only", "failed model load").

Full and read-only disks are real: a small tmpfs and a read-only bind mount, where the test
runs as root; skipped cleanly where mounting is not permitted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from photosift.cli import main
from photosift.core.library.store import Store
from photosift.core.tagging.tag_book import TagBook
from tests.toyworld import generate_photos


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def mount_point(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting needs root")
    point = tmp_path / "mnt"
    point.mkdir()
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip() or 'not permitted'})")


def _fill(folder: Path) -> Path:
    """Write until the disk is full; returns the filler file."""
    filler = folder / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_disk_full_is_one_line_and_nothing_is_lost(
    tmp_path: Path,
    mount_point: Path,
    capsys: pytest.CaptureFixture[str],
    toy_model_spec: str,
) -> None:
    _mount("-t", "tmpfs", "-o", "size=3m", "photosift-full", str(mount_point))
    db = mount_point / "library.sqlite3"
    photos = tmp_path / "photos"
    generate_photos(photos, 40, size=(96, 72), seed=21)
    with Store(db) as store:
        TagBook(store).ensure_vocabulary()
        labels_before = len(TagBook(store).labels())
    filler = _fill(mount_point)

    code, _, err = run(capsys, "vocabulary", "add", "receipt", "--db", db)
    line = one_line(err)
    assert code == 1 and "is full" in line and str(db) in line and "Nothing was lost" in line
    code, _, err = run(capsys, "index", photos, "--model", toy_model_spec, "--db", db)
    line = one_line(err)
    assert code == 1 and "is full" in line

    filler.unlink()  # space again: the library is intact and the work resumes
    with Store(db) as store:
        assert len(TagBook(store).labels()) == labels_before
    assert run(capsys, "vocabulary", "add", "receipt", "--db", db)[0] == 0
    code, _, err = run(capsys, "index", photos, "--model", toy_model_spec, "--db", db)
    assert code == 0, err
    with Store(db) as store:
        assert store.photo_count() == 40


def test_read_only_library_can_be_listed_and_refuses_changes_in_one_line(
    tmp_path: Path, mount_point: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "libs"
    folder.mkdir()
    with Store(folder / "library.sqlite3") as store:
        TagBook(store).add_label("receipt")
    _mount("--bind", str(folder), str(mount_point))
    _mount("-o", "remount,ro,bind", str(mount_point))
    db = mount_point / "library.sqlite3"

    code, out, err = run(capsys, "vocabulary", "list", "--db", db)
    assert code == 0 and "receipt" in out, err
    code, _, err = run(capsys, "vocabulary", "add", "invoice", "--db", db)
    assert code == 1 and "read-only" in one_line(err)


@pytest.mark.parametrize("command", [("vocabulary", "add", "receipt"), ("index", "--reindex")])
def test_damaged_library_says_so_and_how_to_recover(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    toy_model,
    command: tuple[str, ...],
) -> None:
    from photosift.core.library.indexer import index_library

    db = tmp_path / "library.sqlite3"
    generate_photos(tmp_path / "photos", 30, size=(96, 72), seed=23)
    with Store(db) as store:
        TagBook(store).ensure_vocabulary()
        index_library(store, toy_model, [tmp_path / "photos"], batch_size=8, workers=1)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 16384
    for start in range(2 * page, len(data), page):  # scribble over every page after the schema
        data[start : start + 200] = os.urandom(200)
    db.write_bytes(bytes(data))

    code, _, err = run(capsys, *command, "--db", db)
    line = one_line(err)
    assert code == 1 and "damaged" in line and ".recover" in line and "integrity check" in line


def test_a_model_that_cannot_load_leaves_no_library_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photos = tmp_path / "photos"
    generate_photos(photos, 1, size=(96, 72), seed=22)
    db = tmp_path / "new.sqlite3"
    code, _, err = run(
        capsys, "index", photos, "--model", f"local-dir:{tmp_path / 'nope'}", "--db", db
    )
    assert code == 1 and "does not exist" in one_line(err)
    assert not db.exists()


def test_a_full_disk_reads_the_same_in_the_window_as_in_the_terminal_each_with_its_own_remedy(
    mount_point: Path,
) -> None:
    """A GUI worker meets SQLite's raw error on a full disk: the job reports the library's
    own error, worded with a remedy in window terms (no flags, no "command"); the terminal
    words the same error with its command."""
    from photosift.cli.remedies import describe as in_terminal
    from photosift.gui.remedies import describe as in_window
    from photosift.gui.workers import Job, JobContext, thread_store

    _mount("-t", "tmpfs", "-o", "size=1m", "photosift-full-gui", str(mount_point))
    db = mount_point / "library.sqlite3"
    state: dict[str, object] = {}  # a lane's state: the library was open before the disk filled
    Job(lambda ctx: thread_store(ctx, db), "open").run(state)
    _fill(mount_point)

    def write_a_lot(ctx: JobContext) -> None:
        store = thread_store(ctx, db)
        store.db.execute("CREATE TABLE filler (blob BLOB)")
        store.db.execute("INSERT INTO filler VALUES (zeroblob(4000000))")

    job: Job[None] = Job(write_a_lot, "fill")
    failures: list[Exception] = []
    job.on_failure(failures.append)
    job.run(state)
    state[f"store:{db}"].close()  # type: ignore[attr-defined]
    assert len(failures) == 1
    window = in_window(failures[0])
    assert "is full" in window and "Nothing was lost" in window and "index again" in window
    assert "--" not in window and "command" not in window and str(db) in window
    terminal = in_terminal(failures[0])  # type: ignore[arg-type]
    assert str(db) in terminal and "run the command again" in terminal
