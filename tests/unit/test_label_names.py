"""Chinese display names for the label vocabulary (the names and prompts stay English)."""

from __future__ import annotations

import re

from photosift.core.tagging.display_names import group_display_name, label_display_name
from photosift.core.tagging.vocabulary import default_labels

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_default_label_and_group_has_a_chinese_name() -> None:
    specs = default_labels()
    names = {spec.name: label_display_name(spec.name, "zh_CN") for spec in specs}
    missing = [name for name, shown in names.items() if not HAN.search(shown)]
    assert not missing, f"labels without a zh_CN display name: {missing}"
    assert len(set(names.values())) == len(names)  # no two labels look the same
    groups = {spec.group for spec in specs if spec.group}
    assert all(HAN.search(group_display_name(g, "zh_CN")) for g in groups)


def test_names_without_a_translation_show_themselves() -> None:
    assert label_display_name("dog", "zh_CN") == "狗"
    assert label_display_name("my own label", "zh_CN") == "my own label"
    assert label_display_name("dog", "en_US") == "dog"
    assert label_display_name("dog", "../etc") == "dog"
