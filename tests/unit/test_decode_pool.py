"""DecodePool shutdown: no worker may still be inside torch or a decoder when the process ends.

A daemon thread that is still running native code at interpreter shutdown is killed by
pthread_exit; unwinding that through C++ (torch) aborts the whole process. CI saw exactly
that after Ctrl-C ("terminate called without an active exception", status -6).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from photosift.core.imaging.decode_pool import WORKER_NAME, DecodePool, DecodeTimeout, stuck_workers


def test_close_waits_for_the_task_still_running() -> None:
    started, finished = threading.Event(), threading.Event()

    def work(item: str) -> str:
        started.set()
        time.sleep(0.3)
        finished.set()
        return item

    others = set(stuck_workers())  # e.g. a decoder another test wrote off, still finishing
    pool = DecodePool(work, workers=2, timeout=10)
    task = pool.submit("a")
    queued = [pool.submit(str(n)) for n in range(5)]
    assert started.wait(5)
    pool.close()
    assert finished.is_set(), "close() returned while a worker was still running its task"
    assert task.future.result(timeout=0) == "a"
    assert not set(stuck_workers()) - others
    # Tasks that never started are cancelled rather than run after close().
    assert sum(t.future.cancelled() for t in queued) >= 4


def test_process_exits_cleanly_right_after_close_with_torch_work_in_flight() -> None:
    # Without the wait in close() this aborted every time on the dev machine (15 of 15, -6).
    script = """
import torch
from photosift.core.imaging.decode_pool import DecodePool
x = torch.randn(1, 3, 900, 900)
def work(_):
    for _ in range(50):
        torch.nn.functional.interpolate(x, size=(224, 224), mode="bilinear", antialias=True)
    return 1
pool = DecodePool(work, workers=2, timeout=60)
tasks = [pool.submit(i) for i in range(8)]
pool.result(tasks[0])
pool.close()
print("closed", flush=True)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert (done.returncode, done.stdout.strip()) == (0, "closed"), done.stderr[-2000:]


def test_close_does_not_wait_for_a_hung_worker() -> None:
    release = threading.Event()
    others = set(stuck_workers())
    pool = DecodePool(lambda item: release.wait(), workers=1, timeout=0.2)
    try:
        hung = pool.submit("x")
        with pytest.raises(DecodeTimeout):  # the thread is written off
            pool.result(hung)
        began = time.monotonic()
        pool.close()
        assert time.monotonic() - began < 2
        assert set(stuck_workers()) - others
    finally:
        release.set()
    for thread in set(stuck_workers()) - others:
        thread.join(5)
    assert not set(stuck_workers()) - others


def test_command_line_exit_keeps_status_and_output_past_a_stuck_decoder(tmp_path: Path) -> None:
    # A decoder thread stuck for good: the command must still print, exit with its own status
    # and not hang or abort at shutdown.
    script = f"""
import sys, threading
threading.Thread(target=threading.Event().wait, name={WORKER_NAME!r}, daemon=True).start()
sys.argv = ["photosift", "skipped", "--db", {str(tmp_path / "missing.sqlite3")!r}]
from photosift.cli import entry
entry()
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stderr
    assert "photosift: error:" in done.stderr
