"""The window must appear before torch is imported, and torch is never imported on the GUI thread.

`import torch, open_clip` costs seconds; the window is meant to be up in under one. Run in a
fresh interpreter, since this test process has long imported torch for other tests.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

SCRIPT = r"""
import sys, threading
HEAVY = ("torch", "open_clip")
on_gui_thread = []

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HEAVY and threading.current_thread() is threading.main_thread():
            on_gui_thread.append(name)
        return None

sys.meta_path.insert(0, Watch())
from photosift.gui.app import create_application
app = create_application()
from photosift.gui.main_window import MainWindow
from photosift.gui.settings import Settings
print("heavy after importing the window:", [m for m in (*HEAVY, "numpy") if m in sys.modules])

window = MainWindow(Settings(db_path=sys.argv[1]), model_spec=sys.argv[2], ask_about_model=False)
window.show()
print("after show:", [m for m in HEAVY if m in sys.modules])
window.models.state_changed.connect(lambda state, detail: state.value != "loading" and app.quit())
app.exec()
print("model loaded:", window.loaded is not None, [m for m in HEAVY if m in sys.modules])
print("imported on the GUI thread:", on_gui_thread)
window.close()
"""


def test_window_shows_without_torch_and_torch_loads_off_the_gui_thread(tmp_path, toy_model_spec):
    """First use of a model on a CPU: torch loads it (off the GUI thread) to build its engine."""
    env = {**os.environ, "PHOTOSIFT_ENGINE_DIR": str(tmp_path / "no-engines-yet")}
    lines = run_window(tmp_path, toy_model_spec, env)
    assert "model loaded: True ['torch', 'open_clip']" in lines


def test_window_loads_a_built_model_without_torch(tmp_path, toy_model, toy_model_spec):
    """Once the model's ONNX engine exists (the toy_model fixture built it), torch never loads."""
    lines = run_window(tmp_path, toy_model_spec, dict(os.environ))
    assert "model loaded: True []" in lines


def run_window(tmp_path, toy_model_spec, env):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "library.sqlite3"), toy_model_spec],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "heavy after importing the window: []" in lines  # numpy alone costs ~120 ms
    assert "after show: []" in lines
    assert "imported on the GUI thread: []" in lines
    return lines
