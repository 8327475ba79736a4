"""Lanes run work off the GUI thread, report on it, and stop when told to."""

from __future__ import annotations

import threading

import pytest

from photosift.core.errors import QueryError
from photosift.gui.workers import Job, Lane

pytestmark = pytest.mark.gui


@pytest.fixture
def lane(qtbot):
    lane = Lane("test")
    yield lane
    assert lane.shutdown(10_000)


def test_job_runs_off_the_gui_thread_and_reports_on_it(qtbot, lane):
    gui_thread = threading.get_ident()
    seen: dict[str, object] = {}

    def work(ctx):
        seen["worker"] = threading.get_ident()
        ctx.progress(1)
        ctx.partial([7, 8])
        return "done"

    job = Job(work, "work")
    job.progress.connect(lambda value: seen.setdefault("progress_thread", threading.get_ident()))
    job.partial.connect(lambda value: seen.setdefault("partial", value))
    with qtbot.waitSignal(job.succeeded, timeout=10_000) as blocker:
        lane.submit(job)
    assert blocker.args == ["done"]
    assert seen["worker"] != gui_thread
    qtbot.waitUntil(lambda: "partial" in seen)
    assert seen["progress_thread"] == gui_thread
    assert seen["partial"] == [7, 8]
    qtbot.waitUntil(lambda: not lane.busy)


def test_cancel_from_the_gui_thread_reaches_a_busy_worker(qtbot, lane):
    started = threading.Event()

    def loop(ctx):
        started.set()
        while not ctx.cancelled:
            ctx.cancel.wait_if_paused(0.01)
        return "stopped"

    job = Job(loop, "loop")
    with qtbot.waitSignal(job.finished, timeout=10_000):
        lane.submit(job)
        assert started.wait(10)
        job.cancel()
    assert job.cancelled


def test_superseded_job_never_runs(qtbot, lane):
    gate = threading.Event()
    first_started = threading.Event()
    ran: list[str] = []

    def first(ctx):
        first_started.set()
        gate.wait(10)
        ran.append("first")

    lane.submit(Job(first, "first"))
    assert first_started.wait(10)
    second = Job(lambda ctx: ran.append("second"), "second")
    lane.submit(second)
    third = Job(lambda ctx: ran.append("third"), "third")
    with qtbot.waitSignal(third.finished, timeout=10_000):
        lane.submit(third, supersede=True)
        gate.set()
    assert ran == ["first", "third"]
    assert second.cancelled


def test_failure_arrives_as_the_exception(qtbot, lane):
    def broken(ctx):
        raise QueryError("Nothing to search for. Type a few words.")

    job = Job(broken, "broken")
    with qtbot.waitSignal(job.failed, timeout=10_000) as blocker:
        lane.submit(job)
    assert isinstance(blocker.args[0], QueryError)
    qtbot.waitUntil(lambda: not lane.busy)


def test_thread_state_is_closed_on_its_own_thread(qtbot):
    lane = Lane("state")
    closed_on: list[int] = []
    opened_on: list[int] = []

    class Resource:
        def close(self) -> None:
            closed_on.append(threading.get_ident())

    def open_resource(ctx):
        opened_on.append(threading.get_ident())
        ctx.state["resource"] = Resource()

    with qtbot.waitSignal(lane.idle, timeout=10_000):
        lane.run(open_resource)
    assert lane.shutdown(10_000)
    assert closed_on == opened_on


def test_results_of_jobs_finishing_together_all_arrive_before_idle(qtbot, lane):
    """Jobs that finish on the worker while the GUI thread is busy must not be dropped.

    The lane holds each job until its own `finished` is delivered. Dropping every job whose
    work is done when the *first* `finished` arrives frees the later jobs (nobody else holds
    them: `lane.run` results are usually discarded) while their `succeeded` is still queued,
    and says `idle` before their results are delivered.
    """
    import gc
    import time

    events: list[object] = []
    gate = threading.Event()
    count = 6

    def make_work(i: int):
        def work(ctx):
            if i == 0:
                gate.wait(10)
            return i

        return work

    lane.idle.connect(lambda: events.append("idle"))
    for i in range(count):
        lane.run(make_work(i), f"job{i}", succeeded=lambda value: events.append(value))
    # Every job finishes on the worker while the GUI thread does not process events.
    gate.set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(job.done for job in lane.jobs()):
        time.sleep(0.01)
    assert all(job.done for job in lane.jobs())
    # Deliver the first job's signals only, then collect whatever the lane let go of.
    qtbot.waitUntil(lambda: 0 in events, timeout=10_000)
    gc.collect()
    qtbot.waitUntil(lambda: "idle" in events, timeout=10_000)
    qtbot.wait(50)
    assert events[:count] == list(range(count)), events
    assert events[count:] == ["idle"], events
