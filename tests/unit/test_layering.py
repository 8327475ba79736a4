"""The core must stay usable without Qt: the CLI and headless tools depend on it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import photosift.core

BLOCKER = """
import importlib, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6') or name.startswith('photosift.gui'):
            raise ImportError('core imported ' + name)
sys.meta_path.insert(0, Block())
for name in sys.argv[1:]:
    importlib.import_module(name)
print('ok', len(sys.argv) - 1)
"""


def core_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(photosift.core.__path__, prefix="photosift.core.")
    ]


def test_core_imports_without_qt() -> None:
    modules = core_modules()
    assert "photosift.core.library.store" in modules
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER, *modules], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok {len(modules)}"


def test_blocker_really_blocks_qt() -> None:
    """Guards the guard: the same blocker must reject a Qt import."""
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER, "PySide6.QtCore"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "core imported PySide6" in result.stderr
