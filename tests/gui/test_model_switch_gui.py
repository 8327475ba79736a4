"""Switching the window to another model: the indexing lane re-embeds in the background
(cancellable, resumed at the next run) while the old model's vectors keep answering searches,
and searches move to the new model when its vectors are complete (issue 14 §2). Two real models:
the toy one (knows colours) and a different tiny random CLIP."""

from __future__ import annotations

import pytest

from photosift.core.cancel import CancelToken
from photosift.gui.model_presenter import short_spec
from photosift.gui.model_state import ModelState
from photosift.service.library import PhotoLibrary
from tests.gui.conftest import WAIT_MS, wait_indexing_done, wait_model_ready, wait_shown

pytestmark = pytest.mark.gui


def test_switching_model_keeps_searching_with_the_old_vectors_until_the_new_are_complete(
    qtbot, make_window, photo_dir, toy_model, toy_model_spec, second_model_spec, db_path
):
    from photosift.core.model.loader import load_model

    folder, labels = photo_dir
    total = len(labels)
    with PhotoLibrary.open(db_path) as library:
        library.index(toy_model, [folder], workers=1)
        token = CancelToken()  # an earlier switch, stopped after its first batch
        library.index(
            load_model(second_model_spec, device="cpu"), batch_size=4, workers=1,
            on_batch=lambda _ids: token.cancel(), cancel=token,
        )  # fmt: skip

    window = make_window()  # no model chosen: the window resumes the switch under way
    window.indexer.batch_size = 4
    hold = window.indexer.started.connect(window.indexer.pause)  # keep the run at 4 photos
    wait_model_ready(qtbot, window)
    loaded = window.loaded
    assert loaded.spec == second_model_spec and loaded.switching
    assert loaded.search_model.spec == toy_model_spec
    assert window.models.state is ModelState.READY
    assert window.searcher._model is loaded.search_model
    preparing = (
        f"Searching with {short_spec(toy_model_spec)} while {short_spec(second_model_spec)} "
        f"is being prepared: 4/{total}"
    )
    qtbot.waitUntil(lambda: window.analysis_label.text() == preparing, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.indexer.paused, timeout=WAIT_MS)

    # The old (toy) vectors answer: every photo is searchable, and it finds red things.
    window.search("a red circle")
    wait_shown(qtbot, window, lambda request: request.text == "a red circle")
    assert window.results.rowCount() > 0
    top = window.results.item(0).path.resolve()
    assert labels[top][0] == "red"
    assert window.statusBar().currentMessage() == preparing

    # Cancelling keeps the switch as it was; the next run resumes it and completes it.
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window._stop_indexing()
        window.indexer.resume()
    assert window.loaded.switching
    window.indexer.started.disconnect(hold)
    with qtbot.waitSignal(window.models.switched, timeout=WAIT_MS):
        window.rescan()
    wait_indexing_done(qtbot, window)
    assert not window.loaded.switching and window.loaded.spec == second_model_spec
    assert window.searcher._model is window.loaded.model
    assert "Searches now use" in window.statusBar().currentMessage()
    qtbot.waitUntil(
        lambda: window.analysis_label.text() == f"All {total} photos ready for search",
        timeout=WAIT_MS,
    )
    with PhotoLibrary.open(db_path) as library:
        assert library.model_switch() is None
        assert library.analysis_counts(second_model_spec).ready == total

    window.search_bar.set_relevance("off")  # random weights: nothing stands out
    window.search("a blue square")  # now answered from the new model's vectors
    wait_shown(qtbot, window, lambda request: request.text == "a blue square")
    assert window.results.rowCount() == total and window.results.item(0).score is not None


def test_choosing_another_model_in_settings_reembeds_in_the_background(
    qtbot, make_window, photo_dir, toy_model, toy_model_spec, second_model_spec, db_path
):
    folder, labels = photo_dir
    with PhotoLibrary.open(db_path) as library:
        library.index(toy_model, [folder], workers=1)
    window = make_window(toy_model_spec)
    wait_model_ready(qtbot, window)
    wait_indexing_done(qtbot, window)
    assert not window.loaded.switching
    old_model = window.loaded.model

    seen: list[tuple[str, object]] = []  # (loaded, searching with), for each model loaded
    window.models.model_changed.connect(
        lambda loaded: seen.append((loaded.spec, loaded.search_model))
    )
    with qtbot.waitSignal(window.models.switched, timeout=WAIT_MS):
        window.switch_model(second_model_spec)  # as the Settings dialog does
    # The old model, the very one already loaded (not a second copy), served meanwhile.
    assert seen == [(second_model_spec, old_model)]
    wait_indexing_done(qtbot, window)
    assert window.settings.model_spec == second_model_spec
    assert window.searcher._model is window.loaded.model
    assert window.loaded.spec == second_model_spec and not window.loaded.switching
    assert window.models.loader.loaded is window.loaded  # the old model is let go
    with PhotoLibrary.open(db_path) as library:
        assert library.analysis_counts(second_model_spec).ready == len(labels)
        assert library.analysis_counts(toy_model_spec).ready == len(labels)  # kept
