"""The first hour's figures (issue 10): photos on screen fast, no freeze, a prompt quit.

Run:  python -m tests.benchmarks.first_hour [catalog|chart|quit|all] [--count 5000]

- catalog: a window without any model adds a folder of COUNT generated 320x240 photos; prints
  the time to the first rows in the grid, the first screen of thumbnails, every photo
  catalogued, and the longest GUI-thread stall meanwhile (targets: 2 s, 2 s, 60 s, 100 ms).
- chart: a window with the toy model and the 287-label default vocabulary; prints the time to
  compute and store the label vectors with the longest GUI-thread stall meanwhile, then the
  time from selecting a photo to its score chart with the vectors stored (target 200 ms).
- quit: the real `photosift` entry point in a child process, closed while indexing and while
  label vectors are computed; prints close-to-exit (target 2 s).
Uses QT_QPA_PLATFORM=offscreen unless a platform is set; photos are cached under /tmp.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.toyworld.cache import cached_model_dir

PHOTO_CACHE = Path(tempfile.gettempdir()) / "photosift-bench-first-hour"


def photo_folder(count: int) -> Path:
    """COUNT generated photos, made once and reused by later runs."""
    from tests.toyworld import generate_photos

    folder = PHOTO_CACHE / f"photos-{count}"
    done = folder / ".complete"
    if not done.exists():
        generate_photos(folder, count, size=(320, 240), seed=11)
        done.touch()
    return folder


def _window(db: Path, model_spec: str):
    from photosift.gui.main_window import MainWindow
    from photosift.gui.settings import Settings

    settings = Settings(db_path=str(db), thumbnail_cache_mb=64)
    window = MainWindow(settings, model_spec=model_spec, ask_about_model=False)
    window.show()
    return window


def _wait(app, condition, timeout_s: float = 600) -> float:
    """Process events until `condition()`; returns the time it took."""
    started = time.perf_counter()
    while not condition():
        app.processEvents()
        time.sleep(0.001)
        if time.perf_counter() - started > timeout_s:
            raise TimeoutError("gave up waiting")
    return time.perf_counter() - started


def bench_catalog(count: int) -> None:
    from photosift.gui.app import create_application
    from photosift.gui.model_state import ModelState
    from tests.gui.stall_meter import StallMeter

    folder = photo_folder(count)
    app = create_application()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = tmp  # a cold thumbnail cache
        window = _window(Path(tmp) / "lib.sqlite3", f"local-dir:{Path(tmp) / 'no-model'}")
        _wait(app, lambda: window.models.state is ModelState.UNAVAILABLE)
        thumbnails: list[float] = []
        window.thumbnails.ready.connect(lambda _id: thumbnails.append(time.perf_counter()))
        meter = StallMeter()
        meter.start()
        started = time.perf_counter()
        window.add_folders([folder])
        first_rows = _wait(app, lambda: window.results.rowCount() > 0)
        _wait(app, lambda: len(thumbnails) >= 20)
        first_screen = thumbnails[19] - started
        _wait(app, lambda: window.results.rowCount() == count and not window.indexer.running)
        everything = time.perf_counter() - started
        meter.stop()
        window.close()
    print(
        f"catalog {count} photos (no model): first rows in the grid {first_rows:.2f} s, "
        f"first 20 thumbnails {first_screen:.2f} s, all catalogued {everything:.1f} s, "
        f"longest GUI stall {meter.longest_ms:.0f} ms"
    )


def bench_chart(count: int) -> None:
    from photosift.core.library.indexer import index_library
    from photosift.core.library.store import Store
    from photosift.core.model.loader import load_model
    from photosift.gui.app import create_application
    from tests.gui.stall_meter import StallMeter

    spec = f"local-dir:{cached_model_dir()}"
    folder = photo_folder(count)
    app = create_application()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "lib.sqlite3"
        with Store(db) as store:
            index_library(store, load_model(spec, device="cpu"), [folder])
        window = _window(db, spec)
        meter = StallMeter()
        meter.start()
        started = time.perf_counter()
        _wait(app, lambda: window.tag_panel.label_progress() not in (None, (0, 0)))
        _wait(app, lambda: window.tag_panel.label_progress() is None)
        labels_s = time.perf_counter() - started
        meter.stop()
        total = window.tag_panel.vocabulary.labels()
        print(
            f"label vectors for {len(total)} labels: {labels_s:.1f} s after the window opened, "
            f"longest GUI stall {meter.longest_ms:.0f} ms"
        )
        with Store(db) as store:
            ids = [r[0] for r in store.db.execute("SELECT id FROM photos ORDER BY id LIMIT 11")]
        times = []
        for photo_id in ids:
            shown: list[int] = []
            window.tag_panel.photo_shown.connect(shown.append)
            started = time.perf_counter()
            window.tag_panel.show_photo(photo_id, f"#{photo_id}")
            _wait(
                app, lambda p=photo_id, s=shown: p in s and window.tag_panel.photo_view.chart.bars()
            )
            times.append((time.perf_counter() - started) * 1000)
            window.tag_panel.photo_shown.disconnect()
        print(
            f"select a photo -> score chart (vectors stored): first {times[0]:.0f} ms "
            f"(calibration), then median {statistics.median(times[1:]):.0f} ms, max {max(times[1:]):.0f} ms"
        )
        window.close()


CHILD = r"""
import os, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

when, folder = sys.argv[1], Path(sys.argv[2])
app = QApplication(sys.argv[:1])

def window():
    return next((w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow"), None)

def poll():
    w = window()
    if w is None or w.loaded is None:
        return
    if not getattr(poll, "added", False):
        poll.added = True
        w.indexer.batch_size = 64
        w.add_folders([folder])
    busy = (w.indexer.running and w.index_status.bar.value() > 64) if when == "indexing" else (
        (w.tag_panel.label_progress() or (0, 0))[0] > 0)
    if busy:
        timer.stop()
        print("closing", time.time(), flush=True)
        w.close()

timer = QTimer(interval=5)
timer.timeout.connect(poll)
timer.start()
from photosift.cli import main
sys.exit(main(sys.argv[3:]))
"""


def bench_quit(count: int) -> None:
    spec = f"local-dir:{cached_model_dir()}"
    folder = photo_folder(count)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    for when in ("indexing", "labels"):
        with tempfile.TemporaryDirectory() as tmp:
            env["XDG_CONFIG_HOME"] = env["XDG_DATA_HOME"] = env["XDG_CACHE_HOME"] = tmp
            args = [when, str(folder), "--db", str(Path(tmp) / "lib.sqlite3"), "--model", spec]
            process = subprocess.Popen(
                [sys.executable, "-c", CHILD, *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=env,
            )
            line = process.stdout.readline() if process.stdout else ""
            if not line.startswith("closing"):
                process.kill()
                raise RuntimeError(f"the child never reached the {when} state")
            process.wait(timeout=120)
            exited = time.time()
            print(
                f"quit while {when}: window closed -> process exited in "
                f"{exited - float(line.split()[1]):.2f} s (exit status {process.returncode})"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what", nargs="?", default="all", choices=("catalog", "chart", "quit", "all")
    )
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.what in ("catalog", "all"):
        bench_catalog(args.count)
    if args.what in ("chart", "all"):
        bench_chart(min(args.count, 500))
    if args.what in ("quit", "all"):
        bench_quit(min(args.count, 2000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
