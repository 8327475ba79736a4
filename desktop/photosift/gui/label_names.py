"""Label names shown in the interface language (core/tagging/display_names.py holds the data).

Widgets show `shown(name)` but keep emitting and storing `name`: only the text changes.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale

from photosift.core.tagging.display_names import label_display_name


def shown(name: str) -> str:
    """The label's display name for the current locale (Settings' language, else the system's)."""
    return label_display_name(name, QLocale().name())
