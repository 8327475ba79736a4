"""The search bar's camera and file-type filters, and the notice bar under it: hidden results
with their one-click "Show them", and a query the model cannot read with its way out."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from photosift.core.search.readability import Issue, QueryNotice
from photosift.gui.panels.search_notice import SearchNotice
from photosift.gui.search_controller import SearchDetails
from tests.gui.conftest import WAIT_MS, wait_shown
from tests.gui.test_main_window import index_folder
from tests.samples import CAMERA, camera_exif

pytestmark = pytest.mark.gui


def test_hidden_results_are_counted_and_one_click_shows_them(
    qtbot, make_window, photo_dir, toy_model_spec
):
    folder, labels = photo_dir
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    assert window.search_notice.isHidden()
    window.search("a red circle")
    wait_shown(qtbot, window, lambda request: request.text == "a red circle")
    shown = window.results.rowCount()
    notice = window.search_notice
    qtbot.waitUntil(lambda: not notice.isHidden(), timeout=WAIT_MS)
    assert 0 < shown < len(labels)
    assert (
        notice.hidden_label.text()
        == f"{len(labels) - shown} weaker result(s) hidden by the relevance control."
    )
    assert "weaker" not in window.search_bar.count.text()  # said once, here in the notice
    qtbot.mouseClick(notice.show_button, Qt.MouseButton.LeftButton)
    wait_shown(qtbot, window, lambda request: request.relevance == "off")
    assert window.results.rowCount() == len(labels)
    assert window.search_bar.relevance.currentData() == "off"
    qtbot.waitUntil(lambda: notice.isHidden(), timeout=WAIT_MS)  # nothing is hidden any more
    assert window.settings.relevance == "normal"  # a one-off, not a new default


def test_a_subtracted_term_shows_every_shape_but_its_own(
    qtbot, make_window, photo_dir, toy_model_spec
):
    """'red -circle' in the search bar: the red squares, triangles and stars at normal (one cut
    on the combined scores kept one shape of them), the rest counted in the notice."""
    folder, labels = photo_dir
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    window.search("red -circle")
    wait_shown(qtbot, window, lambda request: request.text == "red -circle")
    kinds = [
        labels[window.results.item(row).path.resolve()] for row in range(window.results.rowCount())
    ]
    wanted = [k for k in labels.values() if k[0] == "red" and k[1] != "circle"]
    assert sum(k in wanted for k in kinds) >= 0.9 * len(wanted)
    assert sum(k not in wanted for k in kinds) <= 0.1 * len(kinds)
    assert {shape for colour, shape in kinds if colour == "red"} >= {"square", "triangle", "star"}
    notice = window.search_notice
    qtbot.waitUntil(lambda: not notice.isHidden(), timeout=WAIT_MS)
    assert notice.hidden_label.text().startswith(f"{len(labels) - len(kinds)} weaker result(s)")


def test_a_chinese_query_on_the_english_model_is_explained(
    qtbot, make_window, photo_dir, toy_model_spec
):
    folder, _labels = photo_dir
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    window.search("红色圆形")
    wait_shown(qtbot, window, lambda request: request.text == "红色圆形")
    notice = window.search_notice
    qtbot.waitUntil(lambda: not notice.query_label.isHidden(), timeout=WAIT_MS)
    assert "English only" in notice.query_label.text()
    # Not downloaded in the test's empty model cache: the notice says how to get it.
    assert not notice.settings_button.isHidden() and notice.switch_button.isHidden()
    window.search("a red circle")
    wait_shown(qtbot, window, lambda request: request.text == "a red circle")
    qtbot.waitUntil(lambda: notice.query_label.isHidden(), timeout=WAIT_MS)


def test_the_switch_loads_the_multilingual_model_in_one_click(qtbot, make_window, monkeypatch):
    window = make_window(None, show=False)  # no model load starts on its own
    loads: list[str] = []
    monkeypatch.setattr(window.models, "load", lambda spec=None, device=None: loads.append(spec))
    notice = window.search_notice
    unreadable = QueryNotice(Issue.FOREIGN_SCRIPT, "This model reads English only.")
    spec = "xlm-roberta-base-ViT-B-32/laion5b_s13b_b90k"
    notice.show_details(SearchDetails(0, (unreadable,), spec, True), "normal")
    assert not notice.switch_button.isHidden() and notice.settings_button.isHidden()
    qtbot.mouseClick(notice.switch_button, Qt.MouseButton.LeftButton)
    assert loads == [spec] and window.settings.model_spec == spec


def test_emoji_are_said_without_a_button(qtbot) -> None:
    notice = SearchNotice()
    qtbot.addWidget(notice)
    emoji = QueryNotice(Issue.EMOJI, "Emoji (🐶) are kept in the query as written.")
    notice.show_details(SearchDetails(0, (emoji,)), "normal")
    assert not notice.isHidden() and "🐶" in notice.query_label.text()
    assert notice.switch_button.isHidden() and notice.settings_button.isHidden()


def test_camera_and_file_type_filters_narrow_browsing_and_search(
    qtbot, make_window, photo_dir, toy_model_spec
):
    folder, labels = photo_dir
    first = min(labels)
    png = folder / "converted.png"
    Image.open(first).save(png)
    with Image.open(sorted(labels)[1]) as photo:
        photo.save(folder / "from_camera.jpg", exif=camera_exif())
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    bar = window.search_bar

    bar.file_type.setCurrentIndex(bar.file_type.findData("PNG"))
    wait_shown(
        qtbot,
        window,
        lambda request: request.file_types == ("png", "apng") and not request.is_search,
    )
    assert [item.path.name for item in window.results.items()] == ["converted.png"]

    bar.file_type.setCurrentIndex(0)
    qtbot.keyClicks(bar.camera, CAMERA[1][:4].lower())  # part of the model name, any case
    wait_shown(
        qtbot,
        window,
        lambda request: request.camera == CAMERA[1][:4].lower() and not request.is_search,
    )
    assert [item.path.name for item in window.results.items()] == ["from_camera.jpg"]

    bar.relevance.setCurrentIndex(bar.relevance.findData("off"))
    window.search("something red")
    wait_shown(
        qtbot,
        window,
        lambda request: request.text == "something red" and request.camera is not None,
    )
    assert [item.path.name for item in window.results.items()] == ["from_camera.jpg"]
