"""A real Ray cluster for the cluster tests: a head node started with the `ray` CLI.

Why `ray start --head --block` in a child process rather than `ray.init()` in the test: the
code under test then connects by address, as it does to a real cluster, and the head is one
process whose descendants are exactly this cluster's processes (the fault test kills one of
them, and nothing else). Ending that process ends the cluster; whatever of it survives that is
killed too, so no Ray process outlives the tests.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HEAD_CPUS = 4  # logical: two embedding actors and two decode tasks on this 2-core machine
OBJECT_STORE_BYTES = 200 * 2**20
AUTH_MODE = "RAY_AUTH_MODE"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, head: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if head.poll() is not None:
            raise RuntimeError(f"ray start exited with {head.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise TimeoutError("the Ray head did not open its port")


def processes() -> dict[int, tuple[int, str]]:
    """Every live process: pid -> (parent pid, command line or title), read from /proc.

    Ray workers retitle themselves ("ray::MapWorker(...)"), which is how the fault test tells
    an embedding actor from the other processes of the cluster.
    """
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            title = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()
            table[int(entry.name)] = (int(ppid), title)
    return table


def descendants(pid: int) -> dict[int, str]:
    """pid -> title of every live process below `pid` (Ray workers start sessions of their own,
    so a process group would miss them; parentage does not)."""
    table = processes()
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, title) in table.items():
            if ppid == parent and child not in found:
                found[child] = title
                frontier.append(child)
    return found


def end_cluster(head: subprocess.Popen) -> None:
    """Stop the head (it stops its node), then SIGKILL any of its processes still alive."""
    members = descendants(head.pid)
    head.terminate()
    try:
        head.wait(timeout=30)
    except subprocess.TimeoutExpired:
        head.kill()
        head.wait()
    deadline = time.monotonic() + 15
    while True:
        alive = processes()
        left = [pid for pid, title in members.items() if alive.get(pid, (0, ""))[1] == title]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def ray_head(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen]]:
    """(address, head process) of a fresh single-node cluster on 127.0.0.1.

    Token authentication is off for this cluster only (it listens on 127.0.0.1 and lives for
    one test module): its token would otherwise go to the shared ~/.ray, where another test
    run's head may replace it under this one's driver.
    """
    saved_mode = os.environ.get(AUTH_MODE)
    os.environ[AUTH_MODE] = "disabled"  # the head and the drivers of these tests
    port = free_port()
    ray_cli = Path(sys.executable).with_name("ray")
    log = tmp_path_factory.mktemp("ray-head") / "head.log"
    with open(log, "wb") as out:
        head = subprocess.Popen(
            [
                str(ray_cli), "start", "--head", "--block", "--node-ip-address", "127.0.0.1",
                "--port", str(port), "--num-cpus", str(HEAD_CPUS), "--num-gpus", "0",
                "--object-store-memory", str(OBJECT_STORE_BYTES),
                "--include-dashboard", "false", "--disable-usage-stats",
            ],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_port(port, head)
        yield f"127.0.0.1:{port}", head
    finally:
        end_cluster(head)
        if saved_mode is None:
            os.environ.pop(AUTH_MODE, None)
        else:
            os.environ[AUTH_MODE] = saved_mode
