"""`photosift index` / `photosift skipped` as a user runs them, killed and interrupted included."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from photosift.core.model.spec import parse_spec
from tests.toyworld import generate_photos

REPO = Path(__file__).resolve().parents[2]


def photosift(*args: str | Path, **options: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "photosift", *map(str, args)],
        cwd=REPO, capture_output=True, text=True, timeout=600, **options,  # type: ignore[arg-type]
    )  # fmt: skip


def start(*args: str | Path) -> subprocess.Popen:
    """A running `photosift`; `-X faulthandler` so that a hung one can be made to show where
    it hangs (SIGABRT dumps every thread's stack to stderr, see `finish_or_dump`)."""
    return subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "photosift", *map(str, args)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish_or_dump(process: subprocess.Popen, timeout: float) -> tuple[str, str]:
    """stdout and stderr of a process that exits within `timeout`; a failure showing every
    thread's stack when it does not."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        out, err = process.communicate(timeout=60)
        pytest.fail(f"photosift still running after {timeout:g} s; stdout: {out!r}\n{err}")


def embedded_count(db: Path) -> int:
    """Committed vectors as another process sees them; 0 while the file is not set up yet."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def wait_for_vectors(db: Path, process: subprocess.Popen, at_least: int) -> int:
    while process.poll() is None:
        count = embedded_count(db)
        if count >= at_least:
            return count
        time.sleep(0.02)
    raise AssertionError(f"indexer exited early: {process.communicate()}")


def library_content(db: Path) -> dict[str, np.ndarray]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT p.relpath, e.vector FROM photos p JOIN embeddings e ON e.photo_id = p.id"
        ).fetchall()
    return {rel: np.frombuffer(blob, "<f4") for rel, blob in rows}


@pytest.fixture(scope="module")
def photo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("photos")
    generate_photos(folder / "set", 200, size=(160, 120), seed=5)
    (folder / "set" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return folder


@pytest.mark.slow
def test_index_json_summary_then_skipped_listing(
    tmp_path: Path, photo_dir: Path, toy_model_spec: str
) -> None:
    db = tmp_path / "lib.sqlite3"
    result = photosift(
        "index", photo_dir, "--model", toy_model_spec, "--db", db, "--json", "--batch-size", "16"
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["indexed"] == 200 and summary["skipped"] == {"corrupt": 1}
    # The canonical spec: the folder's real path (.cache may be a symlink in a shared checkout).
    assert summary["cancelled"] is False and summary["model"] == str(parse_spec(toy_model_spec))

    again = photosift("index", "--db", db)  # no folder: every root; no --model: the library's
    assert again.returncode == 0, again.stderr
    assert "Indexed 0 photos" in again.stdout and "201 unchanged" in again.stdout

    listing = photosift("skipped", "--db", db, "--json")
    assert listing.returncode == 0
    (entry,) = json.loads(listing.stdout)
    assert entry["path"].endswith("broken.jpg") and entry["reason"] == "corrupt"
    text = photosift("skipped", "--db", db)
    assert "broken.jpg: truncated or corrupt" in text.stdout

    redone = photosift("index", "--db", db, "--reindex", "--json")
    assert redone.returncode == 0, redone.stderr
    redone_summary = json.loads(redone.stdout)
    assert (redone_summary["indexed"], redone_summary["unchanged"]) == (200, 0)
    assert redone_summary["skipped"] == {"corrupt": 1}  # skipped files are tried again too


@pytest.mark.parametrize(
    "args, message",
    [
        (["index", "/no/such/folder"], "does not exist"),
        (["index", "--model", "local-dir:/no/such/model"], "does not exist"),
        (["index", "--batch-size", "0", "."], "at least 1"),
        (["skipped"], "No library database"),
        (["index"], "no folders yet"),
    ],
)
def test_fatal_errors_are_one_line_without_traceback(
    tmp_path: Path, photo_dir: Path, args: list[str], message: str
) -> None:
    if args[:2] == ["index", "--model"]:
        args = [*args, str(photo_dir)]
    result = photosift(*args, "--db", tmp_path / "lib.sqlite3")
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len([line for line in lines if "error" in line]) == 1
    assert len(lines) == 1 or lines[0].startswith("usage:")  # argparse prints its usage first


def test_unusable_database_is_reported(
    tmp_path: Path, photo_dir: Path, toy_model_spec: str
) -> None:
    db = tmp_path / "lib.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    result = photosift("index", photo_dir, "--model", toy_model_spec, "--db", db)
    assert result.returncode == 1 and "Cannot use the library database" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_sigkill_midway_then_rerun_equals_uninterrupted(
    tmp_path: Path, photo_dir: Path, toy_model_spec: str
) -> None:
    killed_db, clean_db = tmp_path / "killed.sqlite3", tmp_path / "clean.sqlite3"
    common = ["--model", toy_model_spec, "--batch-size", "4", "--workers", "1"]
    process = start("index", photo_dir, "--db", killed_db, *common)
    seen = wait_for_vectors(killed_db, process, at_least=8)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    with sqlite3.connect(killed_db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        committed = conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    assert seen <= committed < 200  # killed part-way, nothing committed was lost

    assert photosift("index", photo_dir, "--db", killed_db, *common).returncode == 0
    assert photosift("index", photo_dir, "--db", clean_db, *common).returncode == 0
    resumed, clean = library_content(killed_db), library_content(clean_db)
    assert sorted(resumed) == sorted(clean) and len(clean) == 200
    for relpath, vector in clean.items():
        np.testing.assert_allclose(resumed[relpath], vector, atol=1e-6)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGINT delivery to a child is POSIX-only here")
def test_ctrl_c_cancels_cleanly_with_status_130(
    tmp_path: Path, photo_dir: Path, toy_model_spec: str
) -> None:
    db = tmp_path / "lib.sqlite3"
    process = start(
        "index",
        photo_dir,
        "--db",
        db,
        "--model",
        toy_model_spec,
        "--batch-size",
        "4",
        "--workers",
        "1",
        "--json",
    )
    wait_for_vectors(db, process, at_least=4)
    process.send_signal(signal.SIGINT)
    out, err = finish_or_dump(process, timeout=120)
    if process.returncode in (0, -signal.SIGINT) and '"cancelled": false' in out:
        # The whole run takes well under a second: on a busy machine the signal can come after
        # the summary (then Python's own Ctrl-C handling ends the process, as it should).
        pytest.skip("the run finished before the signal arrived")
    assert process.returncode == 130, err
    summary = json.loads(out)
    assert summary["cancelled"] is True and 0 < summary["indexed"] < 200
    assert "Traceback" not in err
    finish = photosift("index", "--db", db, "--json")
    assert json.loads(finish.stdout)["indexed"] == 200 - summary["indexed"]
