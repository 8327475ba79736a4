"""The first-run download as a user on a slow line meets it: progress, a cancel, a resume.

Run:  .venv/bin/python -m tests.benchmarks.download [--rate-mb 4] [--cancel-at 0.5]

Serves the toy model in the Hugging Face repo layout from a local HTTP server on 127.0.0.1
(`tests.hub_server`, throttled to --rate-mb MB/s), starts `photosift index` in a fresh process
with HF_ENDPOINT pointing at it and an empty model cache, and prints the progress lines the CLI
writes on stderr. The first run is interrupted (SIGINT, as Ctrl-C) once --cancel-at of the
weights has been sent; the second run must resume: the figures are the bytes kept, the Range
request the resume sent, the bytes it fetched, and each run's time.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = "photosift-bench/toy-clip"
WEIGHTS = "open_clip_model.safetensors"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rate-mb", type=float, default=4.0, help="server speed in MB/s (default 4)"
    )
    parser.add_argument(
        "--cancel-at", type=float, default=0.5, help="fraction of the weights before Ctrl-C"
    )
    args = parser.parse_args()

    from tests.hub_server import HubServer
    from tests.toyworld import build_model, generate_photos

    model_dir = build_model()
    weights = (model_dir / WEIGHTS).stat().st_size
    with (
        tempfile.TemporaryDirectory(prefix="photosift-download-") as tmp,
        HubServer({REPO: model_dir}) as hub,
    ):
        work = Path(tmp)
        generate_photos(work / "photos", 4, size=(96, 96), seed=2)
        hub.rate = args.rate_mb * 1e6
        env = dict(
            os.environ, HF_ENDPOINT=hub.url, HF_HUB_OFFLINE="0", PHOTOSIFT_CACHE_DIR=str(work / "cache"),
            PHOTOSIFT_DATA_DIR=str(work / "data"), PHOTOSIFT_CONFIG_DIR=str(work / "config"),
        )  # fmt: skip
        command = [
            sys.executable, "-m", "photosift", "index", str(work / "photos"), "--model", f"hf-hub:{REPO}",
            "--device", "cpu", "--db", str(work / "lib.sqlite3"),
        ]  # fmt: skip

        interrupted = False

        def interrupt(sent: int) -> None:
            nonlocal interrupted
            if not interrupted and hub.gets(WEIGHTS) and sent >= args.cancel_at * weights:
                interrupted = True
                first.send_signal(signal.SIGINT)

        hub.on_sent = interrupt
        started = time.monotonic()
        first = subprocess.Popen(
            command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        )
        _, err = first.communicate(timeout=600)
        print(
            f"run 1 (Ctrl-C at {args.cancel_at:.0%} of the weights sent): exit {first.returncode} after {time.monotonic() - started:.1f} s"
        )
        print("  " + "\n  ".join(err.strip().splitlines()))
        kept = sum(
            p.stat().st_size
            for p in (work / "cache" / "models" / "partial").rglob("*")
            if p.is_file() and p.suffix != ".lock"
        )
        print(f"  kept on disk: {kept:,} of {weights:,} weight bytes")

        hub.on_sent = None
        started = time.monotonic()
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        resumed = hub.gets(WEIGHTS)[-1]
        print(f"run 2: exit {second.returncode} after {time.monotonic() - started:.1f} s")
        print("  " + "\n  ".join(second.stderr.strip().splitlines()))
        print(
            f"  resume request: Range {resumed.range!r} -> HTTP {resumed.status}, {resumed.body_bytes:,} bytes fetched"
        )
    return 0 if second.returncode == 0 and resumed.range == f"bytes={kept}-" else 1


if __name__ == "__main__":
    sys.exit(main())
