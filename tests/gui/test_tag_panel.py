"""The auto-tag panel on a real toy-world library: tagging, the score chart, corrections, vocabulary."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton

from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.tagging.tag_book import SEEDED_KEY, TagBook
from photosift.core.tagging.vocabulary import LabelEmbedder
from photosift.gui.panels.tag_panel import TagPanel
from tests.toyworld import COLORS, SHAPES, LabelledPhoto, generate_photos

pytestmark = pytest.mark.gui

WAIT_MS = 60_000


@dataclass
class ToyLibrary:
    db: Path
    folder: Path
    photos: dict[int, LabelledPhoto]  # by photo id


def build_library(base: Path, model, count: int, seed: int) -> ToyLibrary:  # type: ignore[no-untyped-def]
    """Toy photos indexed by the core, with a vocabulary of the toy world's colours and shapes."""
    folder = base / "photos"
    labelled = generate_photos(folder, count, size=(160, 120), seed=seed)
    db = base / "library.sqlite3"
    with Store(db) as store:
        assert index_library(store, model, [folder], workers=1).indexed == count
        store.set_setting(SEEDED_KEY, True)  # no default vocabulary: the toy model knows 10 words
        tags = TagBook(store, write_xmp=False)
        for name in COLORS:
            tags.add_label(name, group="colours")
        for name in SHAPES:
            tags.add_label(name, group="shapes")
        photos = {store.photo_id_at(p.path): p for p in labelled}
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return ToyLibrary(db, folder, photos)


@pytest.fixture(scope="module")
def shared_library(tmp_path_factory: pytest.TempPathFactory, toy_model) -> ToyLibrary:  # type: ignore[no-untyped-def]
    return build_library(tmp_path_factory.mktemp("tag-panel"), toy_model, 48, seed=5)


@pytest.fixture
def library(shared_library: ToyLibrary, tmp_path: Path) -> ToyLibrary:
    """The shared photos with a private copy of the database, so tests cannot see each other's tags."""
    db = tmp_path / "library.sqlite3"
    shutil.copy2(shared_library.db, db)
    return ToyLibrary(db, shared_library.folder, shared_library.photos)


@pytest.fixture
def panel(qtbot, library: ToyLibrary, toy_model):  # type: ignore[no-untyped-def]
    panel = TagPanel(library.db, toy_model)
    qtbot.addWidget(panel)
    qtbot.waitUntil(
        lambda: len(panel.vocabulary.labels()) == len(COLORS) + len(SHAPES), timeout=WAIT_MS
    )
    yield panel
    panel.shutdown()


def well_understood_photo(library: ToyLibrary, model) -> int:  # type: ignore[no-untyped-def]
    """A photo whose colour and shape the model's raw similarities get right (the toy model is
    a weak shape reader), found without the code under test."""
    with Store(library.db) as store:
        labels = TagBook(store, write_xmp=False).labels()
        model_id = store.model_by_spec(model.spec).id
        ids, vectors = store.vectors_for(model_id, sorted(library.photos))
    similarity = vectors @ LabelEmbedder(model).embed(labels).T
    names = [label.name for label in labels]
    for row, photo_id in enumerate(ids.tolist()):
        best = dict(zip(names, similarity[row], strict=True))
        truth = library.photos[photo_id]
        if max(COLORS, key=best.get) == truth.color and max(SHAPES, key=best.get) == truth.shape:
            return photo_id
    raise AssertionError("the toy model gets no photo right")


def tag_everything(qtbot, panel: TagPanel, button) -> object:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.tagging_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_tagging(), timeout=WAIT_MS)
    return finished.args[0]


def show(qtbot, panel: TagPanel, photo_id: int) -> None:
    with qtbot.waitSignal(
        panel.photo_shown, timeout=WAIT_MS, check_params_cb=lambda shown: shown == photo_id
    ):
        panel.show_photo(photo_id)


def tag_states(db: Path, photo_id: int) -> dict[str, tuple[str, str]]:
    with Store(db) as store:
        return {
            t.label: (t.source, t.state)
            for t in TagBook(store, write_xmp=False).tags_for_photo(photo_id)
        }


def test_tagging_a_folder_shows_tags_and_the_score_chart(qtbot, panel, library, toy_model):  # type: ignore[no-untyped-def]
    photo_id = well_understood_photo(library, toy_model)
    truth = library.photos[photo_id]
    changed: list[list[int]] = []
    panel.tags_changed.connect(changed.append)
    panel.set_current_folder(library.folder)
    summary = tag_everything(qtbot, panel, panel.run_box.folder_button)
    assert summary.photos == len(library.photos) and not summary.cancelled
    assert sorted(changed[0]) == sorted(library.photos)
    assert panel.run_box.folder_button.isEnabled()

    show(qtbot, panel, photo_id)
    bars = panel.photo_view.chart.bars()
    assert {bar.label for bar in bars[:2]} == {truth.color, truth.shape}
    assert [bar.score for bar in bars] == sorted((bar.score for bar in bars), reverse=True)
    highlighted = {bar.label for bar in bars if bar.assigned}
    assigned = {chip.label for chip in panel.photo_view.tag_list.tags() if chip.state == "assigned"}
    in_db = {
        name for name, (_, state) in tag_states(library.db, photo_id).items() if state == "assigned"
    }
    assert highlighted and highlighted == assigned == in_db & {bar.label for bar in bars}


def test_a_rejected_tag_stays_rejected_after_tagging_again(qtbot, panel, library, toy_model):  # type: ignore[no-untyped-def]
    photo_id = well_understood_photo(library, toy_model)
    colour = library.photos[photo_id].color
    tag_everything(qtbot, panel, panel.run_box.library_button)
    show(qtbot, panel, photo_id)
    changed: list[list[int]] = []
    panel.tags_changed.connect(changed.append)
    with qtbot.waitSignal(panel.photo_shown, timeout=WAIT_MS):
        reject = panel.photo_view.tag_list.action_button(colour, "reject")
        qtbot.mouseClick(reject, Qt.MouseButton.LeftButton)
    assert changed == [[photo_id]]
    assert tag_states(library.db, photo_id)[colour] == ("auto", "rejected")

    tag_everything(qtbot, panel, panel.run_box.library_button)
    show(qtbot, panel, photo_id)
    assert tag_states(library.db, photo_id)[colour] == ("auto", "rejected")
    chips = {chip.label: chip for chip in panel.photo_view.tag_list.tags()}
    assert chips[colour].state == "rejected"
    assert panel.photo_view.tag_list.action_button(colour, "accept") is not None
    bar = next(bar for bar in panel.photo_view.chart.bars() if bar.label == colour)
    assert bar.rejected and not bar.assigned


def test_manual_tag_and_clicking_a_tag_filters(qtbot, panel, library):  # type: ignore[no-untyped-def]
    photo_id = next(iter(library.photos))
    show(qtbot, panel, photo_id)
    with qtbot.waitSignal(panel.photo_shown, timeout=WAIT_MS):
        qtbot.keyClicks(panel.photo_view.add_edit, "favourite")
        qtbot.mouseClick(panel.photo_view.add_button, Qt.MouseButton.LeftButton)
    assert tag_states(library.db, photo_id)["favourite"] == ("manual", "assigned")
    chip = next(chip for chip in panel.photo_view.tag_list.tags() if chip.label == "favourite")
    assert (chip.source, chip.state) == ("manual", "assigned")
    qtbot.waitUntil(
        lambda: "favourite" in {label.name for label in panel.vocabulary.labels()}, timeout=WAIT_MS
    )

    name_button = panel.photo_view.tag_list.findChild(QPushButton, "filter:favourite")
    with qtbot.waitSignal(panel.tag_filter_requested, timeout=5_000) as wanted:
        qtbot.mouseClick(name_button, Qt.MouseButton.LeftButton)
    assert wanted.args == ["favourite"]

    chart = panel.photo_view.chart
    qtbot.waitUntil(lambda: len(chart.bars()) > 0, timeout=WAIT_MS)  # "favourite" got its vector
    with qtbot.waitSignal(panel.tag_filter_requested, timeout=5_000) as wanted:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(chart.width() // 2, 12))
    top = chart.bars()[0].label
    assert wanted.args == [top]


def test_selected_photos_get_typed_tags_and_can_be_tagged_alone(qtbot, panel, library):  # type: ignore[no-untyped-def]
    chosen = sorted(library.photos)[:3]
    panel.set_selection(chosen)
    show(qtbot, panel, chosen[0])
    assert panel.run_box.selected_button.text() == "Selected (3)"
    summary = tag_everything(qtbot, panel, panel.run_box.selected_button)
    assert summary.photos == 3
    with qtbot.waitSignal(panel.tags_changed, timeout=WAIT_MS) as changed:
        panel.photo_view.add_edit.setText("holiday")
        panel.photo_view.submit_typed_tag()
    assert sorted(changed.args[0]) == chosen
    with Store(library.db) as store:
        assert TagBook(store, write_xmp=False).photos_with_tag("holiday") == chosen


def test_vocabulary_add_rename_remove_persists(qtbot, panel, library, monkeypatch):  # type: ignore[no-untyped-def]
    editor = panel.vocabulary
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    dialog = editor.current_dialog()
    dialog.name_edit.setText("sunset")
    dialog.default_check.setChecked(False)
    dialog.threshold_spin.setValue(4.5)
    dialog.prompts_edit.setPlainText("a photo of a sunset\na sky at dusk")
    with qtbot.waitSignal(panel.vocabulary_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
    with Store(library.db) as store:
        sunset = TagBook(store, write_xmp=False).label("sunset")
    assert (sunset.threshold, sunset.prompts) == (4.5, ("a photo of a sunset", "a sky at dusk"))

    assert editor.select_label("sunset")
    qtbot.mouseClick(editor.edit_button, Qt.MouseButton.LeftButton)
    dialog = editor.current_dialog()
    assert dialog.name_edit.text() == "sunset" and dialog.threshold_spin.value() == 4.5
    dialog.name_edit.setText("dusk")
    with qtbot.waitSignal(panel.vocabulary_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
    with Store(library.db) as store:
        tags = TagBook(store, write_xmp=False)
        assert tags.label("sunset") is None
        assert tags.label("dusk").threshold == 4.5
    assert "dusk" in {label.name for label in editor.labels()}

    assert editor.select_label("dusk")
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(panel.vocabulary_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    with Store(library.db) as store:
        assert TagBook(store, write_xmp=False).label("dusk") is None
    assert "dusk" not in {label.name for label in editor.labels()}


def test_a_taken_label_name_is_refused_with_a_message(qtbot, panel):  # type: ignore[no-untyped-def]
    qtbot.mouseClick(panel.vocabulary.add_button, Qt.MouseButton.LeftButton)
    dialog = panel.vocabulary.current_dialog()
    dialog.name_edit.setText("Red")
    with qtbot.waitSignal(panel.vocabulary_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
    assert "already a label named" in panel.status_text()
    assert len(panel.vocabulary.labels()) == len(COLORS) + len(SHAPES)


def test_sidecars_appear_only_with_the_box_ticked(qtbot, tmp_path, toy_model):  # type: ignore[no-untyped-def]
    library = build_library(tmp_path, toy_model, 24, seed=9)
    panel = TagPanel(library.db, toy_model)
    qtbot.addWidget(panel)
    try:
        assert not panel.run_box.xmp_check.isChecked()
        tag_everything(qtbot, panel, panel.run_box.library_button)
        assert not list(library.folder.rglob("*.xmp"))

        with qtbot.waitSignal(panel.write_xmp_changed, timeout=5_000) as toggled:
            box = panel.run_box.xmp_check
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        assert toggled.args == [True]
        summary = tag_everything(qtbot, panel, panel.run_box.library_button)
        sidecars = list(library.folder.rglob("*.xmp"))
        assert summary.sidecars_written == len(sidecars) > 0
        assert all(Path(str(s)[: -len(".xmp")]).is_file() for s in sidecars)
    finally:
        panel.shutdown()


def test_without_a_model_tags_show_and_tagging_waits(qtbot, library, toy_model):  # type: ignore[no-untyped-def]
    photo_id = next(iter(library.photos))
    with Store(library.db) as store:
        TagBook(store, write_xmp=False).add_manual([photo_id], "kept")
    panel = TagPanel(library.db, None)
    qtbot.addWidget(panel)
    try:
        show(qtbot, panel, photo_id)
        assert not panel.run_box.library_button.isEnabled()
        assert [chip.label for chip in panel.photo_view.tag_list.tags()] == ["kept"]
        assert panel.photo_view.chart.bars() == []
        panel.set_model(toy_model)
        assert panel.run_box.library_button.isEnabled()
        qtbot.waitUntil(lambda: len(panel.photo_view.chart.bars()) == 8, timeout=WAIT_MS)
        assert np.isfinite([bar.score for bar in panel.photo_view.chart.bars()]).all()
    finally:
        panel.shutdown()


class SlowTextModel:
    """The real toy model on a "busy CPU": every text batch takes a while; prompts are counted."""

    def __init__(self, model, delay_s: float) -> None:  # type: ignore[no-untyped-def]
        self._model, self.delay_s = model, delay_s
        self.prompts: list[str] = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._model, name)

    def encode_texts(self, texts):  # type: ignore[no-untyped-def]
        import time

        time.sleep(self.delay_s)
        self.prompts += list(texts)
        return self._model.encode_texts(texts)


def test_label_vectors_are_prepared_once_and_the_photo_is_always_named(qtbot, library, toy_model):  # type: ignore[no-untyped-def]
    photo_id = next(iter(library.photos))
    slow = SlowTextModel(toy_model, delay_s=0.3)
    panel = TagPanel(library.db, slow)
    qtbot.addWidget(panel)
    try:
        panel.show_photo(photo_id, "chosen.jpg")
        assert panel.photo_view.title.text() == "chosen.jpg"  # at once, before any work
        qtbot.waitUntil(
            lambda: "Preparing the labels for this model" in panel.photo_view.chart.placeholder(),
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(lambda: len(panel.photo_view.chart.bars()) == 8, timeout=WAIT_MS)
        assert panel.label_progress() is None and slow.prompts
    finally:
        panel.shutdown()

    again = SlowTextModel(toy_model, delay_s=0.3)  # the next start: everything is stored
    second = TagPanel(library.db, again)
    qtbot.addWidget(second)
    try:
        show(qtbot, second, photo_id)
        qtbot.waitUntil(lambda: len(second.photo_view.chart.bars()) == 8, timeout=WAIT_MS)
        assert again.prompts == []
    finally:
        second.shutdown()


def test_closing_while_label_vectors_compute_keeps_whole_chunks_and_resumes(
    qtbot, library, toy_model
):  # type: ignore[no-untyped-def]
    with Store(library.db) as store:
        tags = TagBook(store, write_xmp=False)
        for name in ("lamp", "tree", "boat", "cloud", "chair", "bread", "glove", "kite"):
            tags.add_label(name)
        total = len(tags.labels())
    slow = SlowTextModel(toy_model, delay_s=0.4)
    panel = TagPanel(library.db, slow)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: (panel.label_progress() or (0, 0))[0] > 0, timeout=WAIT_MS)
    panel.shutdown()  # the chunk in hand finishes, the rest waits for the next start
    with Store(library.db) as store:
        kept = store.db.execute("SELECT COUNT(*) FROM label_vectors").fetchone()[0]
    assert 0 < kept < total

    again = SlowTextModel(toy_model, delay_s=0.0)
    second = TagPanel(library.db, again)
    qtbot.addWidget(second)
    try:
        qtbot.waitUntil(lambda: second.label_progress() is None, timeout=WAIT_MS)
        with Store(library.db) as store:
            assert store.db.execute("SELECT COUNT(*) FROM label_vectors").fetchone()[0] == total
        assert 0 < len(again.prompts) < 6 * total  # only the labels the first run had not stored
    finally:
        second.shutdown()


def test_an_error_is_not_replaced_at_once_by_label_progress(qtbot, panel):  # type: ignore[no-untyped-def]
    """The label-vector job shares the status line: its next progress report must not wipe
    a refusal the user has not had time to read (this raced in CI)."""
    from types import SimpleNamespace

    from photosift.core.library.tag_records import LabelError

    panel._show_error(LabelError("There is already a label named “red”."))
    panel._on_label_progress(SimpleNamespace(done=8, total=10))
    panel._on_label_vectors_done(SimpleNamespace(cancelled=False, computed=0))
    assert "already a label named" in panel.status_text()
    panel._notice_until = 0.0  # once the notice has been up long enough, progress shows again
    panel._on_label_progress(SimpleNamespace(done=9, total=10))
    assert "9 of 10" in panel.status_text()
