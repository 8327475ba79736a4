"""Can Qt open a window here? Asked before the QApplication exists, so the answer is one line.

Why: when Qt's X11 platform plugin (``libqxcb.so``) cannot load a shared library, Qt prints a
hint about ``libxcb-cursor0`` (often already installed) and aborts the process (SIGABRT, exit
134). On a minimal Debian the libraries actually missing were ``libxcb-icccm4`` and
``libxcb-keysyms1``. So, on Linux, when Qt would use X11, PhotoSift asks the dynamic linker
(``ldd``) which of the plugin's libraries are missing and names them with the packages that
provide them, and exits with status 1 instead. Without a display at all it says so too.

Only QtCore is imported (to find the plugins folder in a pip install and a frozen bundle
alike): QtCore does not need any X11 library.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from photosift.core.errors import PhotoSiftError

__all__ = ["DisplayUnavailableError", "check_display", "missing_libraries", "xcb_plugin_path"]

#: library file -> (Debian/Ubuntu package, Fedora package). Qt's xcb plugin and what it links.
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libSM.so.6": ("libsm6", "libSM"),
    "libICE.so.6": ("libice6", "libICE"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
}
_XCB_CORE = re.compile(r"libxcb-(\w+)\.so\.(\d+)")  # libxcb-randr.so.0 -> libxcb-randr0 / libxcb
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
_CANNOT_OPEN = re.compile(r"(\S+\.so[.\d]*): cannot open shared object file")


class DisplayUnavailableError(PhotoSiftError):
    """Qt could not open a window on this machine; the message says what to install or set."""


def xcb_plugin_path() -> Path:
    """Where this Qt keeps its X11 platform plugin (pip install or frozen bundle)."""
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    return plugins / "platforms" / "libqxcb.so"


def missing_libraries(plugin: Path) -> list[str]:
    """Shared libraries `plugin` needs and the dynamic linker cannot find, in ldd's order.

    Falls back to loading the plugin with ctypes where ``ldd`` is not installed; the loader then
    names only the first missing library, which is still better than an abort.
    """
    if shutil.which("ldd"):
        result = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=30)
        return list(dict.fromkeys(_NOT_FOUND.findall(result.stdout)))
    import ctypes

    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        found = _CANNOT_OPEN.search(str(exc))
        return [found.group(1)] if found else []
    return []


def _distro_family() -> str:
    """ "debian", "fedora" or "" from /etc/os-release: which package names to print."""
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    ids = " ".join(re.findall(r"^(?:ID|ID_LIKE)=\"?([^\"\n]*)", text, re.MULTILINE)).split()
    if any(i in ("debian", "ubuntu") for i in ids):
        return "debian"
    if any(i in ("fedora", "rhel", "centos") for i in ids):
        return "fedora"
    return ""


def _packages(libraries: list[str]) -> tuple[list[str], list[str]]:
    """(Debian packages, Fedora packages) that provide `libraries`, without duplicates."""
    debian: dict[str, None] = {}
    fedora: dict[str, None] = {}
    for lib in libraries:
        if lib in PACKAGES:
            deb, fed = PACKAGES[lib]
        elif match := _XCB_CORE.fullmatch(lib):
            deb, fed = f"libxcb-{match.group(1)}{match.group(2)}", "libxcb"
        else:
            continue
        debian[deb] = None
        fedora[fed] = None
    return list(debian), list(fedora)


def install_advice(libraries: list[str], family: str | None = None) -> str:
    """The install command(s) for `libraries`, for this distribution (both when unknown)."""
    debian, fedora = _packages(libraries)
    family = _distro_family() if family is None else family
    apt = f"sudo apt install {' '.join(debian)}" if debian else ""
    dnf = f"sudo dnf install {' '.join(fedora)}" if fedora else ""
    if family == "debian" and apt:
        return f"install them with: {apt}"
    if family == "fedora" and dnf:
        return f"install them with: {dnf}"
    choices = [
        c for c in (f"{apt} (Debian/Ubuntu)" if apt else "", f"{dnf} (Fedora)" if dnf else "") if c
    ]
    return (
        f"install them with: {' or '.join(choices)}"
        if choices
        else "install them with your package manager"
    )


def _uses_xcb(environ: dict[str, str]) -> bool:
    """Whether Qt will try its X11 plugin: asked for, or the default outside a Wayland session."""
    platform = environ.get("QT_QPA_PLATFORM", "").strip()
    if platform:
        return platform.split(";")[0].split(":")[0] == "xcb"
    return not (environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland")


def check_display(environ: dict[str, str] | None = None, plugin: Path | None = None) -> None:
    """Raise DisplayUnavailableError when Qt's X11 plugin would abort the process; else nothing.

    Only on Linux and only when Qt would use X11; `plugin` defaults to this Qt's libqxcb.so.
    """
    if not sys.platform.startswith("linux"):
        return
    env = dict(os.environ) if environ is None else environ
    if not _uses_xcb(env):
        return
    plugin = xcb_plugin_path() if plugin is None else plugin
    if plugin.is_file():
        missing = missing_libraries(plugin)
        if missing:
            raise DisplayUnavailableError(
                f"Qt cannot open a window: its X11 plugin needs {', '.join(missing)}, which "
                f"{'is' if len(missing) == 1 else 'are'} not installed; {install_advice(missing)}"
            )
    if not env.get("DISPLAY"):
        raise DisplayUnavailableError(
            "Qt cannot open a window: no X11 display (DISPLAY is not set). Start PhotoSift from a "
            "desktop session, or set QT_QPA_PLATFORM=offscreen for --screenshot."
        )
