"""The zh_CN interface: every tr() string has a finished translation that keeps its
placeholders, the compiled .qm says the same as the .ts, and a window started in zh_CN is in
Chinese. After changing tr() strings, run packaging/update_translations.sh."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTranslator

from photosift.gui.app import install_translations
from photosift.gui.settings import Settings
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.gui

TS = REPO_ROOT / "resources" / "translations" / "photosift_zh_CN.ts"
QM = TS.with_suffix(".qm")
PLACEHOLDER = re.compile(r"\{\w*\}|%\d")


def messages(ts: Path) -> dict[tuple[str, str], tuple[str, bool]]:
    """(context, source) -> (translation, finished) for every message of a .ts file."""
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            finished = translation.get("type") not in ("unfinished", "vanished", "obsolete")
            # A plural ("%n ...") message holds its text in <numerusform>; Chinese has one form.
            plural = translation.findtext("numerusform") if message.get("numerus") else None
            text = plural if plural is not None else (translation.text or "")
            found[(name, message.findtext("source") or "")] = (text, finished)
    return found


def lupdate() -> str:
    found = shutil.which("pyside6-lupdate") or str(Path(sys.executable).parent / "pyside6-lupdate")
    if not Path(found).exists():
        pytest.skip("pyside6-lupdate (PySide6-Essentials) is not installed")
    return found


def test_every_tr_string_has_a_zh_CN_translation(tmp_path: Path) -> None:
    sources = sorted(str(p) for p in (REPO_ROOT / "desktop" / "photosift" / "gui").rglob("*.py"))
    current = tmp_path / "current.ts"
    subprocess.run(
        [lupdate(), "-locations", "none", *sources, "-ts", str(current)],
        check=True, capture_output=True,
    )  # fmt: skip
    wanted = set(messages(current))
    translated = {key for key, (text, finished) in messages(TS).items() if finished and text}
    missing = sorted(wanted - translated)
    assert len(wanted) > 200
    assert not missing, (
        f"{len(missing)} tr() strings have no zh_CN translation; run "
        f"packaging/update_translations.sh and translate them: {missing[:10]}"
    )


def test_translations_keep_placeholders_and_shortcuts() -> None:
    for (context, source), (text, _) in messages(TS).items():
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), (
            context,
            source,
        )
        if re.search(r"&\w", source):
            assert re.search(r"&\w", text), (context, source, text)  # menu mnemonics survive


def test_the_compiled_qm_says_what_the_ts_says(qapp) -> None:  # type: ignore[no-untyped-def]
    translator = QTranslator()
    assert translator.load(str(QM))
    for (context, source), (text, _) in messages(TS).items():
        assert translator.translate(context, source, None, 1) == text, (context, source)


def test_a_window_started_in_zh_CN_speaks_chinese(qapp, make_window) -> None:  # type: ignore[no-untyped-def]
    before = QLocale()
    installed = install_translations(qapp, "zh_CN")
    try:
        assert installed, "the zh_CN .qm was not found"
        window = make_window(show=False)
        menus = [action.text() for action in window.menuBar().actions()]
        assert menus[0] == "文件(&F)" and "帮助(&H)" in menus  # menus.py's free tr() calls too

        # Every menu and every item in it, the Tools menu (organizer_menu.py) included: a
        # string whose lupdate context differs from its run-time one stays English.
        def texts(menu) -> list[str]:  # type: ignore[no-untyped-def]
            found = []
            for action in menu.actions():
                if action.isSeparator():
                    continue
                found.append(action.text())
                if action.menu() is not None:
                    found += texts(action.menu())
            return found

        english = [
            text
            for text in texts(window.menuBar())
            if text.replace("&", "").isascii() and any(c.isalpha() for c in text)
        ]
        assert english == [], f"menu items left in English: {english}"
        assert window.search_bar.query.placeholderText() == "正在加载搜索模型…"
        assert QLocale().name() == "zh_CN"  # dates and numbers follow the language too
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
        QLocale.setDefault(before)


def test_language_setting_accepts_only_shipped_languages(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"language": "zh_CN"}', encoding="utf-8")
    assert Settings.load(path).language == "zh_CN"
    path.write_text('{"language": "xx_YY"}', encoding="utf-8")
    assert Settings.load(path).language is None


def test_tags_show_chinese_names_but_keep_their_identity(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    from photosift.gui.widgets.tag_list import PhotoTagList, TagChip

    before = QLocale()
    QLocale.setDefault(QLocale("zh_CN"))
    try:
        tags = PhotoTagList()
        qtbot.addWidget(tags)
        tags.set_tags([TagChip("dog", "auto", "assigned", 0.4)])
        button = tags.findChild(QPushButton, "filter:dog")
        assert button is not None and button.text() == "狗"
        with qtbot.waitSignal(tags.filter_requested) as asked:
            button.click()
        assert asked.args == ["dog"]  # filters and stored tags use the label's own name
    finally:
        QLocale.setDefault(before)
