"""Fixtures for driving the real main window offscreen.

Each test gets its own library file, settings and window state (the autouse `isolated_dirs`
fixture points the config folder, which holds both settings.json and the QSettings INI file,
at a fresh temporary folder). Windows are closed through their real closeEvent, which stops
every worker lane, so no thread outlives its test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from photosift.gui.settings import Settings

WAIT_MS = 120_000  # generous: the CI machine is slow; tests wait on signals, never on time


@pytest.fixture
def photo_dir(tmp_path: Path):
    """48 toy-world photos (every shape x colour twice) and their labels."""
    from tests.toyworld import generate_photos

    folder = tmp_path / "photos"
    labelled = generate_photos(folder, 48, seed=7)
    return folder, {p.path.resolve(): (p.color, p.shape) for p in labelled}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite3"


@pytest.fixture
def make_window(qtbot, db_path: Path) -> Iterator[Callable[..., object]]:
    """Build (and show) a MainWindow on `db_path`; every window built is closed afterwards."""
    from photosift.gui.main_window import MainWindow

    windows = []

    def make(model_spec: str | None = None, *, ask_about_model: bool = False, show: bool = True):
        settings = Settings(db_path=str(db_path), thumbnail_cache_mb=16)
        window = MainWindow(settings, model_spec=model_spec, ask_about_model=ask_about_model)
        qtbot.addWidget(window)
        windows.append(window)
        if show:
            window.show()
        return window

    yield make
    for window in windows:
        window.close()


def wait_model_ready(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.loaded is not None, timeout=WAIT_MS)


def wait_indexing_done(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.indexer.running, timeout=WAIT_MS)


def wait_shown(qtbot, window, predicate: Callable[[object], bool]) -> None:
    """Wait until the grid shows the answer to a request matching `predicate`."""
    qtbot.waitUntil(
        lambda: window.grid_control.settled and predicate(window.grid_control.request),
        timeout=WAIT_MS,
    )


@pytest.fixture(autouse=True)
def unblocking_warnings(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A modal QMessageBox.warning/critical would wait forever offscreen, hanging the run; in
    tests they are recorded (and printed) instead. A test that checks a dialog patches its own."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def record(_parent: object, title: str, text: str, *_args: object, **_kwargs: object) -> object:
        shown.append(f"{title}: {text}")
        print(f"[dialog] {title}: {text}")
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "critical", record)
    yield shown
