"""`photosift index --cluster local` as a user runs it: stopped by Ctrl-C or killed, it leaves
no Ray process behind, and a rerun finishes exactly the rest."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from tests.cluster.conftest import descendants, processes
from tests.cluster.test_cluster_index import wait_for_rows
from tests.toyworld import generate_photos

pytest.importorskip("ray.data", reason="the 'cluster' extra (ray[data]) is not installed")
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
RAY_AGENTS = frozenset({"ray::DashboardAgent", "ray::RuntimeEnvAgent"})


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_a_stopped_cluster_run_leaves_no_ray_behind_and_a_rerun_finishes_the_rest(
    tmp_path: Path, toy_model, toy_model_spec: str, stop: signal.Signals
) -> None:
    """Ctrl-C stops after the batch in hand (exit 130); a killed driver just dies. Either way
    the Ray instance it started goes with it, and the committed batches stay."""
    count = 160  # enough batches that the stop lands mid-run even on a quiet machine
    generate_photos(tmp_path / "photos", count, size=(320, 240))
    db = tmp_path / "library.sqlite3"
    command = [
        sys.executable, "-m", "photosift", "index", str(tmp_path / "photos"), "--db", str(db),
        "--model", toy_model_spec, "--cluster", "local", "--workers", "1", "--batch-size", "4",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "desktop"), str(REPO)])}
    cli = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    )
    ray_processes: dict[int, str] = {}
    try:
        wait_for_rows(db, 4)
        ray_processes = descendants(cli.pid)
        cli.send_signal(stop)
        out, err = cli.communicate(timeout=180)
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
    if stop == signal.SIGINT:
        assert cli.returncode == 130, err
        assert "Cancelled after indexing" in out and "Run the same command again" in out
    else:
        assert cli.returncode == -signal.SIGKILL
    assert any("raylet" in title for title in ray_processes.values())
    deadline = time.monotonic() + 60
    left = ray_processes
    while left and time.monotonic() < deadline:
        alive = processes()
        left = {pid: t for pid, t in ray_processes.items() if alive.get(pid, (0, ""))[1] == t}
        time.sleep(0.5)
    for pid in left:  # never leave them running, even when the assertion below fails
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if stop == signal.SIGKILL:
        # Nothing runs in a killed driver: raylet, GCS and every worker die with it (Ray's fate
        # sharing), but Ray's two node agents can outlive it for a while (docs/cluster.md).
        left = {pid: t for pid, t in left.items() if t not in RAY_AGENTS}
    assert not left, f"Ray processes outlived the stopped run: {sorted(left.values())}"

    with Store(db) as store:
        committed = store.db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        assert 4 <= committed < count
        rest = index_library(store, toy_model, None, batch_size=8, workers=2)
        total = store.db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    assert rest.indexed == count - committed and rest.unchanged == committed
    assert total == count
