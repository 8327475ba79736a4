"""Label names as people read them in their interface language.

A label's `name` is its identity (stored tags, XMP keywords, `--tag` filters) and, through the
prompts, what an English CLIP model reads; neither may change with the interface language. So
translations are display names only, kept beside the default vocabulary as
data/label_names_<language>.json; a label without one (e.g. one the user added) shows its name.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=8)
def _names(language: str) -> tuple[dict[str, str], dict[str, str]]:
    path = _DATA / f"label_names_{language}.json"
    if not language.replace("_", "").isalnum() or not path.is_file():
        return {}, {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data.get("names", {})), dict(data.get("groups", {}))


def label_display_name(name: str, language: str) -> str:
    """`name` in `language` (e.g. "zh_CN"), or `name` itself when there is no translation."""
    return _names(language)[0].get(name, name)


def group_display_name(group: str, language: str) -> str:
    return _names(language)[1].get(group, group)
