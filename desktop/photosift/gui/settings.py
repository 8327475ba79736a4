"""The user's choices in one place, and the window's remembered shape apart from them.

Why two stores:
- `Settings` are choices a person makes on purpose (which model, where the library lives). They
  are a JSON file in `paths.config_dir()` that a person can read, back up or delete. Loading
  merges the file over the defaults, so a file from an older version (missing keys) or one
  edited by hand (unknown keys, wrong types) still yields complete, valid settings.
- `UiState` is what the window remembers by itself (geometry, splitter positions, last folder
  used in a dialog). It goes through QSettings, in an INI file beside settings.json, so tests
  that isolate the config folder isolate it too, and wiping it never loses a real choice.

Use::

    settings = Settings.load()          # defaults merged with config_dir()/settings.json
    settings.device = "cpu"
    settings.save()
    settings.resolved_db_path()         # db_path, else paths.default_db_path()
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from photosift.core import paths

log = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "cuda", "mps")
LANGUAGES = ("en", "zh_CN")  # interface languages shipped (resources/translations/)
RELEVANCE_LEVELS = ("strict", "normal", "loose", "off")


@dataclass
class Settings:
    """Every user setting with its default. `None` means "let PhotoSift decide"."""

    model_spec: str | None = None
    """open_clip spec; None = the model the library was indexed with, else the default model."""
    device: str = "auto"
    db_path: str | None = None
    """Library database file; None = paths.default_db_path()."""
    thumbnail_cache_mb: int = 512
    """Disk space for cached thumbnails under paths.cache_dir()/thumbnails."""
    thumbnail_size: int = 160
    """Longest side of a grid thumbnail, in pixels."""
    write_xmp_sidecars: bool = False
    """Write tags into .xmp files beside the photos (off: PhotoSift never writes there)."""
    relevance: str = "normal"
    """Search cut-off: strict, normal, loose or off."""
    language: str | None = None
    """Interface language (one of LANGUAGES); None = the system's. Applies on the next start."""
    read_text: bool = False
    """Read the words in photos while indexing (OCR, slow on a CPU), so searches find them."""

    @staticmethod
    def file_path() -> Path:
        return paths.config_dir() / "settings.json"

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Defaults, overridden by every valid value in the file; never raises for a bad file."""
        path = path or cls.file_path()
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            stored = {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable settings file %s: %s", path, exc)
            stored = {}
        settings = cls()
        if isinstance(stored, dict):
            for field in fields(cls):
                if field.name in stored and _valid(field.name, stored[field.name]):
                    setattr(settings, field.name, stored[field.name])
        return settings

    def save(self, path: Path | None = None) -> None:
        """Write atomically: a crash mid-save leaves the previous file intact."""
        path = path or self.file_path()
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def copy(self) -> Settings:
        return dataclasses.replace(self)

    def resolved_db_path(self) -> Path:
        return Path(self.db_path).expanduser() if self.db_path else paths.default_db_path()


_TYPES: dict[str, tuple[type, ...]] = {
    "model_spec": (str, type(None)),
    "device": (str,),
    "db_path": (str, type(None)),
    "thumbnail_cache_mb": (int,),
    "thumbnail_size": (int,),
    "write_xmp_sidecars": (bool,),
    "relevance": (str,),
    "read_text": (bool,),
    "language": (str, type(None)),
}


def _valid(name: str, value: object) -> bool:
    if isinstance(value, bool) and bool not in _TYPES[name]:
        return False
    if not isinstance(value, _TYPES[name]):
        return False
    if name == "device":
        return value in DEVICES
    if name == "relevance":
        return value in RELEVANCE_LEVELS
    if name == "language":
        return value is None or value in LANGUAGES
    if name == "thumbnail_cache_mb":
        return 0 <= value <= 100_000  # type: ignore[operator]
    if name == "thumbnail_size":
        return 64 <= value <= 512  # type: ignore[operator]
    if name in ("model_spec", "db_path"):
        return value is None or (isinstance(value, str) and bool(value.strip()))
    return True


class UiState:
    """Window geometry, splitter sizes and similar things the user never sets explicitly."""

    def __init__(self) -> None:
        path = paths.config_dir() / "ui-state.ini"
        self._qsettings = QSettings(str(path), QSettings.Format.IniFormat)

    def bytes(self, key: str) -> QByteArray | None:
        value = self._qsettings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._qsettings.setValue(key, value)

    def text(self, key: str, default: str = "") -> str:
        value = self._qsettings.value(key, default)
        return value if isinstance(value, str) else default

    def set_text(self, key: str, value: str) -> None:
        self._qsettings.setValue(key, value)

    def sync(self) -> None:
        self._qsettings.sync()
