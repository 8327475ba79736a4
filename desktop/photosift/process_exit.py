"""Leaving the process at once, output flushed: for when a normal interpreter exit would hang
or abort (a decoder thread stuck in C code, a lane inside a forward pass, torch's teardown)."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn


def flush_and_exit(code: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed or broken stream
            stream.flush()
    os._exit(code)
