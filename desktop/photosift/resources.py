"""Find PhotoSift's own files (icons, desktop entry, translations) however the app was started.

The files live in the repository's top-level resources/ folder, which reaches the user by one
of three routes, and each route leaves it somewhere else:

- frozen PyInstaller bundle: packaging/photosift.spec copies it to ``<sys._MEIPASS>/resources``;
- installed wheel (``pip install .``): pyproject maps it into the package as
  ``photosift/_resources``;
- checkout or editable install: ``REPO/resources`` beside ``desktop/``.

Callers name a file relative to resources/ and never care which route was taken. No Qt here:
headless code (CLI, packaging tests) resolves resources too.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

from photosift import APP_ID
from photosift.core.errors import PhotoSiftError

ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
"""Square PNG renders of the app icon shipped under resources/icons/hicolor/."""

_PACKAGE_DIR = Path(__file__).resolve().parent


class ResourceNotFoundError(PhotoSiftError, FileNotFoundError):
    """A file PhotoSift ships with is missing: the installation is incomplete."""


def resource_roots() -> list[Path]:
    """The folders searched, best first, for the way this process was started.

    A frozen bundle searches only its own copy, so a build that forgot a file fails in the
    smoke test instead of silently reading the checkout it was built from.
    """
    if getattr(sys, "frozen", False):
        bundle = getattr(sys, "_MEIPASS", None) or Path(sys.executable).resolve().parent
        return [Path(bundle) / "resources"]
    roots = [_PACKAGE_DIR / "_resources"]
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "pyproject.toml").is_file():
        roots.append(checkout / "resources")
    return roots


def resource_path(relative: str) -> Path:
    """The absolute path of ``resources/<relative>`` (a file or a folder).

    ``relative`` uses forward slashes on every OS, e.g. ``"icons/photosift.svg"``.
    Raises ResourceNotFoundError naming the file and every place it was looked for.
    """
    parts = PurePosixPath(relative)
    if not relative or parts.is_absolute() or ".." in parts.parts:
        raise ValueError(f"resource names are relative to resources/, got {relative!r}")
    roots = resource_roots()
    for root in roots:
        candidate = root.joinpath(*parts.parts)
        if candidate.exists():
            return candidate
    looked = ", ".join(str(root.joinpath(*parts.parts)) for root in roots)
    raise ResourceNotFoundError(
        f"PhotoSift's file {relative!r} is missing (looked in: {looked}). "
        "The installation is incomplete; reinstall PhotoSift."
    )


def app_icon_files() -> list[Path]:
    """Every PNG render of the app icon, smallest first, for building a multi-size icon."""
    return [resource_path(f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png") for size in ICON_SIZES]
