"""Run something that might hang (a FIFO, a 20 GB sparse file) without hanging the test run."""

from __future__ import annotations

import threading
from collections.abc import Callable


def raised_within(
    seconds: float,
    action: Callable[[], object],
    unblock: Callable[[], None] | None = None,
) -> BaseException | None:
    """What `action` raised (None if it returned), asserting it finished within `seconds`.

    A thread cannot be killed; `unblock` (e.g. opening the FIFO's other end) frees a hung
    one before the test fails, and the thread is a daemon so it never keeps pytest alive."""
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            action()
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive() and unblock is not None:
        unblock()
    assert not worker.is_alive(), f"still running after {seconds:g} s: it hangs"
    return outcome[0] if outcome else None
