"""`photosift --screenshot FILE [--db FILE] [--model SPEC]`: the main window as a PNG.

For documentation, bug reports and checking the layout on a machine without a display
(QT_QPA_PLATFORM=offscreen). The window is grabbed only once everything it would show has
arrived: the library, the model (or the news that there is none), indexing of pending photos,
the search result and the thumbnails on screen. Each wait ends on the signal that changes the
answer, never on a fixed sleep; a generous limit only guards against waiting forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

from photosift.gui.model_state import ModelState
from photosift.gui.settings import Settings

log = logging.getLogger(__name__)

DEMO_QUERY = "a red circle"
LIMIT_MS = 10 * 60 * 1000


def wait_for(
    condition: Callable[[], bool], signals: list[SignalInstance], limit_ms: int = LIMIT_MS
) -> bool:
    """Run the event loop until `condition()` holds, re-checking whenever a signal fires."""
    if condition():
        return True
    loop = QEventLoop()

    def check(*_args: object) -> None:
        if condition():
            loop.quit()

    for signal in signals:
        signal.connect(check)
    guard = QTimer(singleShot=True, interval=limit_ms)
    guard.timeout.connect(loop.quit)
    guard.start()
    loop.exec()
    for signal in signals:
        signal.disconnect(check)
    return condition()


def render_screenshot(
    settings: Settings,
    target: Path,
    *,
    model_spec: str | None,
    query: str | None,
    add_folders: Sequence[Path] = (),
) -> int:
    from photosift.gui.main_window import MainWindow

    window = MainWindow(settings, model_spec=model_spec, ask_about_model=False)
    window.resize(1280, 800)
    window.show()
    try:
        demo = DEMO_QUERY if model_spec and not add_folders else None  # added folders: show them
        ok = settle(window, query or demo, add_folders)
        image = window.grab()
        if not image.save(str(target), "PNG"):
            print(f"photosift: error: cannot write {target}")
            return 1
        print(
            f"{target} ({image.width()}x{image.height()}){'' if ok else ' (some parts had not loaded)'}"
        )
        return 0
    finally:
        window.close()
        QApplication.processEvents()


def settle(window, query: str | None, add_folders: Sequence[Path] = ()) -> bool:
    """Add `add_folders`, then wait until the window shows its final state for `query`
    (None = browsing): every added folder listed, the model's outcome known, indexing done."""
    state = {"roots": False, "shown": None}
    window.library.roots_changed.connect(lambda _stats: state.update(roots=True))
    window.grid_control.shown.connect(lambda request: state.update(shown=request))
    if add_folders:
        window.add_folders(list(add_folders))
    wanted = {str(folder) for folder in add_folders}

    def library_ready() -> bool:
        listed = {stat.root.path for stat in window.library_panel.stats()}
        return bool(
            state["roots"]
            and wanted <= listed
            and window.models.state is not ModelState.LOADING
            and not window.indexer.running
        )

    if not wait_for(
        library_ready,
        [window.library.roots_changed, window.models.state_changed, window.indexer.idle],
    ):
        return False
    if query and window.loaded is not None:
        window.search(query)
    request = window.search_bar.request()
    if not wait_for(lambda: state["shown"] == request, [window.grid_control.shown]):
        return False
    return wait_for_thumbnails(window)


def wait_for_thumbnails(window) -> bool:
    """Paint (which requests the visible thumbnails) until a paint asks for nothing new."""
    for _ in range(20):
        window.grab()
        if window.thumbnails.pending_count() == 0:
            return True
        if not wait_for(lambda: window.thumbnails.pending_count() == 0, [window.thumbnails.ready]):
            return False
    return False
