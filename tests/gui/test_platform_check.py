"""Qt's X11 plugin with a missing library: one line and exit 1, never an abort.

The failing case is real: a copy of this Qt's own ``libqxcb.so`` whose dependency
``libxkbcommon-x11.so.0`` is renamed (same length, in the ELF's string table) to a library
no machine has, so the dynamic linker itself reports it missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from photosift.gui import platform_check
from photosift.gui.platform_check import (
    DisplayUnavailableError,
    check_display,
    install_advice,
    missing_libraries,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="Qt's xcb plugin is Linux-only"
)

REAL = b"libxkbcommon-x11.so.0\0"
FAKE = b"libphotosift-nox.so.0\0"  # same length: the ELF's offsets stay valid


@pytest.fixture
def plugin_missing_a_library(tmp_path: Path) -> Path:
    real = platform_check.xcb_plugin_path()
    data = real.read_bytes()
    assert len(REAL) == len(FAKE) and data.count(REAL) >= 1
    # Same place relative to Qt's libraries as the real plugin (its RUNPATH is $ORIGIN/../../lib).
    broken = tmp_path / "plugins" / "platforms" / "libqxcb.so"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(data.replace(REAL, FAKE))
    (tmp_path / "lib").symlink_to(real.parents[2] / "lib")
    return broken


def test_the_dynamic_linker_names_the_missing_library(plugin_missing_a_library):
    assert "libphotosift-nox.so.0" in missing_libraries(plugin_missing_a_library)


def test_check_names_missing_libraries_and_their_packages(plugin_missing_a_library):
    with pytest.raises(
        DisplayUnavailableError, match=r"needs .*libphotosift-nox\.so\.0.* not installed"
    ):
        check_display({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}, plugin_missing_a_library)


def test_no_check_when_qt_does_not_use_x11(plugin_missing_a_library):
    check_display({"QT_QPA_PLATFORM": "offscreen"}, plugin_missing_a_library)
    check_display(
        {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, plugin_missing_a_library
    )


def test_install_advice_per_distribution():
    missing = ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-randr.so.0"]
    assert (
        install_advice(missing, "debian")
        == "install them with: sudo apt install libxcb-icccm4 libxcb-keysyms1 libxcb-randr0"
    )
    assert (
        install_advice(missing, "fedora")
        == "install them with: sudo dnf install xcb-util-wm xcb-util-keysyms libxcb"
    )
    both = install_advice(missing, "")
    assert "apt install libxcb-icccm4" in both and "dnf install xcb-util-wm" in both


def test_the_app_prints_one_line_and_exits_1(plugin_missing_a_library, monkeypatch, capsys):
    from photosift.cli import main

    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(platform_check, "xcb_plugin_path", lambda: plugin_missing_a_library)
    assert main([]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("photosift: error: Qt cannot open a window")
    assert "libphotosift-nox.so.0" in lines[0]


def run_app(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-m", "photosift", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=environ,
    )


def test_without_a_display_the_app_exits_1_with_one_line(tmp_path):
    result = run_app(
        "--db",
        str(tmp_path / "lib.sqlite3"),
        QT_QPA_PLATFORM="xcb",
        DISPLAY=None,
        WAYLAND_DISPLAY=None,
    )
    assert result.returncode == 1, result.stderr
    assert (
        result.stderr.startswith("photosift: error: Qt cannot open a window")
        and result.stderr.count("\n") == 1
    )
