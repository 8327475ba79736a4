"""The whole app, driven like a person would: add a folder, wait, type, look at the grid."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence

from photosift.core.library.store import Store
from photosift.gui.menus import MainAction
from photosift.gui.model_dialog import ModelUnavailableDialog
from photosift.gui.model_state import ModelState
from photosift.gui.results_model import Mode
from tests.gui.conftest import WAIT_MS, wait_indexing_done, wait_model_ready, wait_shown
from tests.gui.stall_meter import StallMeter

pytestmark = pytest.mark.gui


def shown_labels(window, labels: dict, count: int) -> list[tuple[str, str]]:
    return [
        labels[window.results.item(row).path.resolve()]
        for row in range(min(count, window.results.rowCount()))
    ]


def index_folder(qtbot, window, folder: Path) -> None:
    wait_model_ready(qtbot, window)
    wait_indexing_done(qtbot, window)
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.add_folders([folder])


def ready_window_in_small_batches(qtbot, make_window, model_spec: str):
    """A window with its model loaded and nothing indexing, committing every 4 photos, so a
    test can act (close, pause, rescan) while a folder is still being indexed."""
    window = make_window(model_spec)
    wait_model_ready(qtbot, window)
    wait_indexing_done(qtbot, window)
    window.indexer.batch_size = window.indexer.catalog_batch_size = 4
    return window


def test_add_folder_index_and_search_finds_red_circles(
    qtbot, make_window, photo_dir, toy_model_spec
):
    folder, labels = photo_dir
    window = make_window(toy_model_spec)
    # Settled: the model (ready in well under a second from its ONNX build) starts a rescan of
    # the empty library, shown as "Indexing…" while it runs.
    wait_model_ready(qtbot, window)
    wait_indexing_done(qtbot, window)
    wait_shown(qtbot, window, lambda request: not request.is_search)
    qtbot.waitUntil(lambda: window.grid.message_title() == "No photos yet", timeout=WAIT_MS)

    index_folder(qtbot, window, folder)
    wait_shown(qtbot, window, lambda request: not request.is_search)
    qtbot.waitUntil(lambda: window.results.rowCount() == len(labels), timeout=WAIT_MS)
    assert window.results.mode is Mode.BROWSE

    qtbot.keyClicks(window.search_bar.query, "a red circle")
    wait_shown(qtbot, window, lambda request: request.text == "a red circle")
    assert window.results.mode is Mode.SEARCH
    top = shown_labels(window, labels, 4)
    assert top and top[0] == (
        "red",
        "circle",
    )  # the toy model knows colours for sure, shapes mostly
    assert [colour for colour, _shape in top] == ["red"] * len(top)
    scores = [item.score for item in window.results.items()]
    assert scores == sorted(scores, reverse=True) and None not in scores


def test_photos_appear_while_indexing_and_the_gui_thread_stays_responsive(
    qtbot, make_window, photo_dir, toy_model_spec
):
    folder, labels = photo_dir
    window = make_window(toy_model_spec)
    wait_model_ready(qtbot, window)
    wait_indexing_done(qtbot, window)
    window.indexer.batch_size = window.indexer.catalog_batch_size = 8
    counts_seen: list[int] = []
    window.indexer.photos_added.connect(
        lambda _items: counts_seen.append(window.results.rowCount())
    )

    gaps = StallMeter()
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.add_folders([folder])
        gaps.start()
    gaps.stop()
    print(
        f"\nGUI thread: longest stall while indexing {len(labels)} photos: {gaps.longest_ms:.0f} ms"
    )
    assert gaps.ticks > 0
    assert gaps.longest_ms < 2000
    assert len(counts_seen) >= 2  # more than one batch reached the grid before the end
    qtbot.waitUntil(lambda: window.results.rowCount() == len(labels), timeout=WAIT_MS)


def test_cancel_mid_index_then_the_next_start_completes_the_library(
    qtbot, make_window, photo_dir, toy_model_spec, db_path
):
    folder, labels = photo_dir
    window = ready_window_in_small_batches(qtbot, make_window, toy_model_spec)
    summaries = []
    window.indexer.finished.connect(summaries.append)
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        with qtbot.waitSignal(window.indexer.photos_added, timeout=WAIT_MS):
            window.add_folders([folder])
        window.index_status.cancel_button.click()
    assert summaries and summaries[-1].cancelled
    with Store(db_path) as store:
        partial = store.photo_count()
    assert 0 < partial < len(labels)
    window.close()

    again = make_window(toy_model_spec)  # the next start resumes by itself
    wait_model_ready(qtbot, again)
    qtbot.waitUntil(lambda: again.indexer.last_summary is not None, timeout=WAIT_MS)
    wait_indexing_done(qtbot, again)
    assert not again.indexer.last_summary.cancelled
    with Store(db_path) as store:
        assert store.photo_count() == len(labels)
        assert [s.pending for s in store.root_stats()] == [0]


def test_closing_the_window_during_indexing_stops_cleanly(
    qtbot, make_window, photo_dir, toy_model_spec, db_path
):
    folder, labels = photo_dir
    window = ready_window_in_small_batches(qtbot, make_window, toy_model_spec)
    with qtbot.waitSignal(window.indexer.photos_added, timeout=WAIT_MS):
        window.add_folders([folder])
    window.close()  # waits for the batch in hand, then every lane stops
    with Store(db_path) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        photos = store.photo_count()
        orphans = store.conn.execute(
            "SELECT COUNT(*) FROM embeddings WHERE photo_id NOT IN (SELECT id FROM photos)"
        ).fetchone()[0]
    assert 0 < photos <= len(labels) and orphans == 0  # whole batches, catalogued first


def test_a_folder_added_without_a_model_is_browsable_at_once(
    qtbot, make_window, photo_dir, tmp_path
):
    """No model at all: the photos are catalogued, shown, counted and filterable by folder."""
    folder, labels = photo_dir
    window = make_window(f"local-dir:{tmp_path / 'no-model-here'}")
    qtbot.waitUntil(lambda: window.models.state is ModelState.UNAVAILABLE, timeout=WAIT_MS)
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.add_folders([folder])
    qtbot.waitUntil(lambda: window.results.rowCount() == len(labels), timeout=WAIT_MS)
    assert {item.path.resolve() for item in window.results.items()} == set(labels)
    assert all(item.width and item.height for item in window.results.items())
    qtbot.waitUntil(
        lambda: window.analysis_label.text() == f"0 of {len(labels)} photos ready for search",
        timeout=WAIT_MS,
    )
    assert window.library_panel.summary.text().startswith("1 folder ·")
    assert window.library_panel.tree.topLevelItem(1).text(1) == str(len(labels))
    window.library_panel.tree.setCurrentItem(window.library_panel.tree.topLevelItem(1))
    wait_shown(qtbot, window, lambda request: request.root_id is not None)
    assert window.results.rowCount() == len(labels)


def test_no_file_is_written_beside_the_photos_with_xmp_off(
    qtbot, make_window, photo_dir, toy_model_spec
):
    folder, labels = photo_dir
    before = sorted(p.name for p in folder.iterdir())
    window = make_window(toy_model_spec)
    assert window.settings.write_xmp_sidecars is False
    index_folder(qtbot, window, folder)
    window.search("a blue square")
    wait_shown(qtbot, window, lambda request: request.text == "a blue square")
    window.close()
    assert sorted(p.name for p in folder.iterdir()) == before


def test_more_like_this_and_photo_actions(qtbot, make_window, photo_dir, toy_model_spec):
    folder, labels = photo_dir
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    window.search("a green triangle")
    wait_shown(qtbot, window, lambda request: request.text == "a green triangle")
    photo = window.results.item(0)
    menu = window.grid.build_menu(photo.id, [photo.id])
    texts = [action.text() for action in menu.actions() if action.text()]
    assert texts[:5] == [
        "More Like This",
        "Open",
        "Open With Default App",
        "Reveal in File Manager",
        "Copy Path",
    ]
    assert "Add to Album" in texts[5:]  # the organizer's actions on the selection follow

    assert window.copy_paths([photo.id]) == str(photo.path)  # (offscreen Qt has no clipboard)
    menu.actions()[0].trigger()
    wait_shown(qtbot, window, lambda request: request.similar_to == photo.id)
    assert window.search_bar.query.text() == ""
    assert window.search_bar.chip.text() == f"Similar to {photo.path.name}"
    similar = shown_labels(window, labels, 3)
    assert similar and {colour for colour, _shape in similar} == {labels[photo.path.resolve()][0]}
    assert photo.id not in window.results.ids()
    assert window.search_bar.count.text().startswith(f"{window.results.rowCount()} photo")

    window.search_bar.chip.close_button.click()  # back to browsing the whole library
    wait_shown(qtbot, window, lambda request: not request.is_search)
    assert window.search_bar.chip.text() == "" and window.results.rowCount() == len(labels)
    assert window.search_bar.count.text() == f"{len(labels)} photos"


def test_weaker_matches_hidden_are_said_once_and_one_click_shows_them(
    qtbot, make_window, photo_dir, toy_model_spec
):
    """The search bar counts the photos shown; how many weaker matches the cut-off hid is said
    once, in the notice bar, next to its "Show them" (it used to be in both)."""
    folder, labels = photo_dir
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    window.search_bar.set_relevance("strict")
    window.search("a red circle")
    wait_shown(
        qtbot,
        window,
        lambda request: request.text == "a red circle" and request.relevance == "strict",
    )
    shown = window.results.rowCount()
    assert shown < len(labels)  # a red circle is 2 of the 48 toy photos: strict hides most
    hidden = len(labels) - shown
    notice = window.search_notice
    qtbot.waitUntil(lambda: not notice.isHidden(), timeout=WAIT_MS)
    assert window.search_bar.count.text() == ("1 photo" if shown == 1 else f"{shown} photos")
    assert notice.hidden_label.text().startswith(f"{hidden} weaker result")
    assert not notice.show_button.isHidden()
    qtbot.mouseClick(notice.show_button, Qt.MouseButton.LeftButton)
    wait_shown(qtbot, window, lambda request: request.relevance == "off")
    assert window.results.rowCount() == len(labels)
    assert window.search_bar.count.text() == f"{len(labels)} photos"


def test_dropping_a_folder_adds_it_and_an_image_searches_by_it(
    qtbot, make_window, photo_dir, toy_model_spec, tmp_path
):
    from tests.toyworld import generate_photos

    folder, labels = photo_dir
    outside = generate_photos(tmp_path / "elsewhere", 24, seed=99)
    window = make_window(toy_model_spec)
    wait_model_ready(qtbot, window)
    wait_indexing_done(qtbot, window)
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        drop(window, folder)
    qtbot.waitUntil(lambda: window.library_panel.tree.topLevelItemCount() == 2, timeout=WAIT_MS)

    example = next(p.path for p in outside if (p.color, p.shape) == ("yellow", "star"))
    window.search_bar.relevance.setCurrentIndex(window.search_bar.relevance.findData("loose"))
    drop(window, example)
    wait_shown(qtbot, window, lambda request: request.is_search)
    assert window.search_bar.query.text() == f'"{example}"'
    assert [colour for colour, _shape in shown_labels(window, labels, 2)] == ["yellow", "yellow"]


def drop(window, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def test_skipped_files_are_listed_with_their_reason(qtbot, make_window, photo_dir, toy_model_spec):
    folder, labels = photo_dir
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    qtbot.waitUntil(lambda: window.library_panel.skipped_count() == 1, timeout=WAIT_MS)
    assert "1 skipped" in window.library_panel.summary.text()
    with qtbot.waitSignal(window.library.skipped_loaded, timeout=WAIT_MS):
        window.library_panel.summary.linkActivated.emit("skipped")
    from photosift.gui.panels.skipped_dialog import SkippedFilesDialog

    qtbot.waitUntil(lambda: window.findChild(SkippedFilesDialog) is not None, timeout=WAIT_MS)
    dialog = window.findChild(SkippedFilesDialog)
    assert dialog.model.rowCount() == 1
    assert dialog.model.item(0, 0).text().endswith("broken.jpg")
    assert dialog.model.item(0, 1).text()  # the core's human reason
    dialog.close()


def test_without_a_model_the_app_explains_and_still_browses(
    qtbot, make_window, photo_dir, tmp_path
):
    missing = tmp_path / "no-model-here"
    window = make_window(f"local-dir:{missing}", ask_about_model=True)
    qtbot.waitUntil(lambda: window.findChild(ModelUnavailableDialog) is not None, timeout=WAIT_MS)
    dialog = window.findChild(ModelUnavailableDialog)
    assert dialog.isVisible()
    assert window.search_bar.query.isReadOnly()
    assert "model" in window.search_bar.query.placeholderText().lower()
    dialog.reject()
    window.search_bar.query.setText("anything")
    window.search_bar.run_now()
    assert window.grid.message_title() == "Search is not available"


def test_a_library_indexed_with_another_model_offers_to_reindex(
    qtbot, make_window, photo_dir, toy_model, toy_model_spec, db_path
):
    from photosift.core.library.indexer import index_library

    folder, labels = photo_dir
    with Store(db_path) as store:
        index_library(store, toy_model, [folder])
        with store.transaction():  # as if another model had built this library
            store.conn.execute("UPDATE models SET spec = 'ViT-B-32/another'")
    window = make_window(toy_model_spec)
    wait_model_ready(qtbot, window)
    assert not window.loaded.matches_library
    wait_shown(qtbot, window, lambda request: not request.is_search)
    assert window.results.rowCount() == len(labels)  # browsing needs no model

    window.search("a red circle")
    qtbot.waitUntil(
        lambda: window.grid.message_title() == "This library was indexed with another model",
        timeout=WAIT_MS,
    )
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.grid.overlay.button.click()
    wait_shown(qtbot, window, lambda request: request.text == "a red circle")
    assert window.loaded.matches_library
    assert window.results.rowCount() > 0 and window.results.item(0).score is not None


def test_folder_filter_narrows_browsing_and_search(
    qtbot, make_window, photo_dir, toy_model_spec, tmp_path
):
    from tests.toyworld import generate_photos

    folder, labels = photo_dir
    second = tmp_path / "second"
    generate_photos(second, 8, seed=3)
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.add_folders([second])
    qtbot.waitUntil(lambda: window.library_panel.tree.topLevelItemCount() == 3, timeout=WAIT_MS)

    window.library_panel.tree.setCurrentItem(window.library_panel.tree.topLevelItem(2))
    root_id = window.library_panel.current_root_id()
    assert window.search_bar.request().root_id == root_id
    wait_shown(qtbot, window, lambda request: request.root_id == root_id and not request.is_search)
    assert {item.path.parent for item in window.results.items()} == {second.resolve()}
    assert window.results.rowCount() == 8

    window.search_bar.relevance.setCurrentIndex(window.search_bar.relevance.findData("off"))
    window.search("something red")
    wait_shown(
        qtbot,
        window,
        lambda request: request.text == "something red" and request.root_id == root_id,
    )
    assert 0 < window.results.rowCount() <= 8
    assert {item.path.parent for item in window.results.items()} == {second.resolve()}


def test_double_click_target_opens_the_viewer_on_that_photo(
    qtbot, make_window, photo_dir, toy_model_spec
):
    from photosift.gui.panels.viewer import PhotoViewer

    folder, labels = photo_dir
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    qtbot.waitUntil(lambda: window.results.rowCount() == len(labels), timeout=WAIT_MS)
    photo_id = window.results.item(3).id
    window.grid.open_requested.emit(photo_id)
    viewer = window.findChild(PhotoViewer)
    assert viewer is not None and viewer.isVisible()
    qtbot.waitUntil(lambda: viewer.current_photo_id() == photo_id, timeout=WAIT_MS)
    viewer.close()


def test_pause_holds_indexing_and_resume_finishes_it(
    qtbot, make_window, photo_dir, toy_model_spec, db_path
):
    folder, labels = photo_dir
    window = ready_window_in_small_batches(qtbot, make_window, toy_model_spec)
    with qtbot.waitSignal(window.indexer.photos_added, timeout=WAIT_MS):
        window.add_folders([folder])
    window.index_status.pause_button.click()
    assert window.indexer.paused
    assert window.index_status.pause_button.text() == "Resume"
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.index_status.pause_button.click()
    assert not window.indexer.last_summary.cancelled
    with Store(db_path) as store:
        assert store.photo_count() == len(labels)


def test_thumbnail_size_follows_ctrl_plus_minus_and_the_slider(
    qtbot, make_window, photo_dir, tmp_path
):
    folder, labels = photo_dir
    window = make_window(f"local-dir:{tmp_path / 'no-model-here'}")
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.add_folders([folder])
    qtbot.waitUntil(lambda: window.results.rowCount() == len(labels), timeout=WAIT_MS)
    cell = window.grid.delegate.cell_size(window.grid.list.fontMetrics())
    assert window.settings.thumbnail_size == 160

    window.menu_actions[MainAction.ZOOM_IN].trigger()
    assert window.settings.thumbnail_size == 200 and window.thumbnails.size == 200
    assert window.grid.delegate.cell_size(window.grid.list.fontMetrics()).width() > cell.width()
    qtbot.waitUntil(lambda: window.results.thumbnail(0) is not None, timeout=WAIT_MS)
    assert max(window.results.thumbnail(0).width(), window.results.thumbnail(0).height()) == 200

    window.menu_actions[MainAction.ZOOM_OUT].trigger()
    window.menu_actions[MainAction.ZOOM_OUT].trigger()
    assert window.settings.thumbnail_size == 128
    window.zoom_slider.setValue(window.zoom_slider.maximum())
    assert window.settings.thumbnail_size == 400
    assert (
        window.menu_actions[MainAction.ZOOM_IN]
        .shortcut()
        .matches(QKeySequence(QKeySequence.StandardKey.ZoomIn))
    )
