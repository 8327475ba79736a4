"""The auto-tag panel: tag photos in the background, see why a photo got its tags, correct them.

Interface (for the main window)::

    panel = TagPanel(db_path, model=None, parent=window, write_xmp=settings.write_xmp_sidecars)
    panel.set_model(loaded_model)                  # when the model has loaded (ClipModel | None)
    panel.show_photo(photo_id)                     # current photo of the grid, or None
    panel.set_selection(photo_ids)                 # the grid's selected photo ids
    panel.set_current_folder(path)                 # the library folder being browsed, or None
    panel.refresh()                                # after indexing changed the library
    panel.tag_filter_requested.connect(...)        # str: label name -> filter the grid by tag
    panel.tags_changed.connect(...)                # list[int]: photos whose tags changed
    panel.write_xmp_changed.connect(...)           # bool: store in Settings.write_xmp_sidecars
    panel.shutdown()                               # from the window's closeEvent

Also: ``tag_selected()``, ``tag_folder()``, ``tag_library()``, ``cancel_tagging()``,
``is_tagging()``, ``set_write_xmp(bool)``, ``set_db_path(path)``, ``status_text()``; and the
signals ``photo_shown(int)`` (tags and scores of that photo are on screen),
``vocabulary_loaded()`` and ``tagging_finished(object)`` (core TagSummary).

Why it looks like this:
- Two lanes (gui/workers.py): "tagging" runs the long `Tagger.run`, "tag-edits" does everything
  interactive in order (label edits, accept/reject, then re-reading the photo), so a correction
  is never stuck behind a library-wide run, and a re-read always sees the edit before it.
- The scores come from `Tagger.label_scores`, which needs the library's calibration and the
  labels' text embeddings: both are cached on the edits lane and rebuilt when the vocabulary
  changes or `refresh()` is called. The text embeddings (LabelEmbedder) are shared by the lanes.
- The "Write XMP sidecars" box is off by default and only reflects the user setting; the panel
  passes it explicitly to every core call, so a library setting written by the CLI never makes
  the GUI write beside the user's photos.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from photosift.core.errors import PhotoSiftError
from photosift.core.vocabulary import DEFAULT_THRESHOLD, Label, LabelEmbedder
from photosift.gui.widgets.score_chart import ScoreBar, ScoreChart
from photosift.gui.widgets.tag_list import PhotoTagList, TagChip
from photosift.gui.widgets.vocabulary_editor import LabelEdit, VocabularyEditor
from photosift.gui.workers import Job, JobContext, Lane

if TYPE_CHECKING:
    from photosift.core.models import ClipModel
    from photosift.core.store import Store
    from photosift.core.tag_store import PhotoTag, TagStore
    from photosift.core.tagging import LabelScore, Tagger, TagSummary


# -- work done on the lanes (no widgets here) ------------------------------------------------
@dataclass(frozen=True)
class PhotoTagInfo:
    photo_id: int
    name: str
    tags: list[PhotoTag]
    scores: list[LabelScore] = field(default_factory=list)
    note: str = ""  # why there are no scores (no model yet, photo not embedded, ...)


def _store(ctx: JobContext, db_path: Path) -> Store:
    """The lane's own connection (sqlite3 objects stay on the thread that made them)."""
    from photosift.core.store import Store

    store = ctx.state.get("store")
    if store is None or store.path != db_path:
        if store is not None:
            store.close()
        ctx.state.pop("tagger", None)
        store = ctx.state["store"] = Store(db_path)
    return store


def _tag_store(ctx: JobContext, db_path: Path, write_xmp: bool) -> TagStore:
    from photosift.core.tag_store import TagStore

    return TagStore(_store(ctx, db_path), write_xmp=write_xmp)


def _scoring_tagger(ctx: JobContext, db_path: Path, model: ClipModel, embedder: LabelEmbedder,
                    generation: int) -> Tagger:
    """A Tagger kept between photos: its calibration is the expensive part of a score."""
    from photosift.core.tagging import Tagger

    store = _store(ctx, db_path)
    key = (id(model), generation)
    if ctx.state.get("tagger_key") != key or "tagger" not in ctx.state:
        ctx.state["tagger"] = Tagger(store, model, embedder=embedder, write_xmp=False)
        ctx.state["tagger_key"] = key
    return ctx.state["tagger"]


def _photo_info(ctx: JobContext, db_path: Path, photo_id: int, model: ClipModel | None,
                embedder: LabelEmbedder | None, generation: int) -> PhotoTagInfo:
    store = _store(ctx, db_path)
    record = store.photo(photo_id)
    name = record.abspath.name if record is not None else ""
    tags = _tag_store(ctx, db_path, False).tags_for_photo(photo_id)
    if model is None or embedder is None:
        return PhotoTagInfo(photo_id, name, tags, note="no-model")
    try:
        scores = _scoring_tagger(ctx, db_path, model, embedder, generation).label_scores(photo_id)
    except PhotoSiftError as exc:
        return PhotoTagInfo(photo_id, name, tags, note=str(exc))
    return PhotoTagInfo(photo_id, name, tags, scores, "" if scores else "not-embedded")


def _load_vocabulary(ctx: JobContext, db_path: Path) -> list[Label]:
    tags = _tag_store(ctx, db_path, False)
    tags.ensure_vocabulary()
    return tags.labels()


def _save_label(ctx: JobContext, db_path: Path, old_name: str | None, edit: LabelEdit,
                write_xmp: bool) -> list[int]:
    """Add or change a label; returns the photos whose tags now read differently."""
    tags = _tag_store(ctx, db_path, write_xmp)
    prompts = edit.prompts or None
    if old_name is None:
        tags.add_label(edit.name, group=edit.group, prompts=prompts, threshold=edit.threshold)
        return []
    if edit.name != old_name:
        tags.rename_label(old_name, edit.name)
    tags.update_label(edit.name, group=edit.group, prompts=prompts, threshold=edit.threshold,
                      clear_threshold=edit.threshold is None)
    return tags.photos_with_tag(edit.name) if edit.name != old_name else []


def _remove_label(ctx: JobContext, db_path: Path, name: str, write_xmp: bool) -> list[int]:
    tags = _tag_store(ctx, db_path, write_xmp)
    photos = tags.photos_with_tag(name)
    tags.remove_label(name)
    return photos


def _change_tag(ctx: JobContext, db_path: Path, action: str, photo_ids: list[int], name: str,
                write_xmp: bool) -> list[int]:
    tags = _tag_store(ctx, db_path, write_xmp)
    if action == "add":
        tags.add_manual(photo_ids, name)
    else:
        getattr(tags, action)(photo_ids, name)  # accept | reject | remove
    return photo_ids


def _run_tagging(ctx: JobContext, db_path: Path, model: ClipModel, embedder: LabelEmbedder,
                 write_xmp: bool, photo_ids: list[int] | None,
                 folder: Path | None) -> tuple[TagSummary, list[int]]:
    from photosift.core.tagging import Tagger

    tagger = Tagger(_store(ctx, db_path), model, embedder=embedder, write_xmp=write_xmp)
    ids = tagger.photo_ids(photo_ids, folder).tolist()
    summary = tagger.run(photo_ids, folder=folder, progress=ctx.progress, cancel=ctx.cancel)
    return summary, ids


# -- the panel -------------------------------------------------------------------------------
class TagPanel(QWidget):
    tag_filter_requested = Signal(str)
    tags_changed = Signal(list)
    write_xmp_changed = Signal(bool)
    photo_shown = Signal(int)
    vocabulary_loaded = Signal()
    tagging_finished = Signal(object)

    def __init__(self, db_path: str | Path, model: ClipModel | None = None,
                 parent: QWidget | None = None, *, write_xmp: bool = False) -> None:
        super().__init__(parent)
        self._db_path = Path(db_path)
        self._model: ClipModel | None = None
        self._embedder: LabelEmbedder | None = None
        self._generation = 0
        self._photo_id: int | None = None
        self._selection: list[int] = []
        self._folder: Path | None = None
        self._photo_job: Job | None = None
        self._run_job: Job | None = None
        self._edits = Lane("tag-edits", parent=self)
        self._runs = Lane("tagging", parent=self)
        self._build(write_xmp)
        self.set_model(model)
        self._submit_edit(lambda ctx, db=self._db_path: _load_vocabulary(ctx, db), self._on_vocabulary)

    # -- layout ----------------------------------------------------------------------------
    def _build(self, write_xmp: bool) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_run_box(write_xmp))
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_photo_tab(), self.tr("This Photo"))
        self.vocabulary = VocabularyEditor(self, default_threshold=DEFAULT_THRESHOLD)
        self.vocabulary.add_requested.connect(lambda edit: self._save_label(None, edit))
        self.vocabulary.edit_requested.connect(self._save_label)
        self.vocabulary.remove_requested.connect(self._remove_label)
        self.tabs.addTab(self.vocabulary, self.tr("Vocabulary"))
        layout.addWidget(self.tabs, 1)

    def _build_run_box(self, write_xmp: bool) -> QGroupBox:
        box = QGroupBox(self.tr("Auto-tag"), self)
        self.tag_selected_button = QPushButton(self.tr("Selected"))
        self.tag_folder_button = QPushButton(self.tr("This Folder"))
        self.tag_library_button = QPushButton(self.tr("Whole Library"))
        self.tag_selected_button.clicked.connect(self.tag_selected)
        self.tag_folder_button.clicked.connect(self.tag_folder)
        self.tag_library_button.clicked.connect(self.tag_library)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_tagging)
        self.xmp_check = QCheckBox(self.tr("Write XMP sidecars"))
        self.xmp_check.setToolTip(self.tr(
            "Also write the tags into a .xmp file beside each photo, for Lightroom, digiKam and "
            "darktable. The photos themselves are never changed."))
        self.xmp_check.setChecked(write_xmp)
        self.xmp_check.toggled.connect(self.write_xmp_changed)
        self.model_hint = QLabel(self.tr("Auto-tagging starts working once the model has loaded."))
        self.model_hint.setWordWrap(True)
        self.model_hint.setEnabled(False)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.tag_selected_button, self.tag_folder_button, self.tag_library_button):
            buttons.addWidget(button)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        column = QVBoxLayout(box)
        column.addLayout(buttons)
        column.addLayout(running)
        column.addWidget(self.xmp_check)
        column.addWidget(self.model_hint)
        column.addWidget(self.status_label)
        self._show_running(False)
        return box

    def _build_photo_tab(self) -> QWidget:
        page = QWidget()
        self.photo_title = QLabel()
        self.photo_title.setWordWrap(True)
        self.chart = ScoreChart(page)
        self.chart.label_clicked.connect(self.tag_filter_requested)
        self.tag_list = PhotoTagList(page)
        self.tag_list.filter_requested.connect(self.tag_filter_requested)
        self.tag_list.accept_requested.connect(lambda name: self._change_tag("accept", name))
        self.tag_list.reject_requested.connect(lambda name: self._change_tag("reject", name))
        self.tag_list.remove_requested.connect(lambda name: self._change_tag("remove", name))
        self.add_edit = QLineEdit()
        self.add_edit.setPlaceholderText(self.tr("Add a tag…"))
        self._label_names = QStringListModel(self)
        completer = QCompleter(self._label_names, self.add_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.add_edit.setCompleter(completer)
        self.add_edit.returnPressed.connect(self.add_manual_tag)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.clicked.connect(self.add_manual_tag)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_edit, 1)
        add_row.addWidget(self.add_button)
        column = QVBoxLayout(page)
        column.addWidget(self.photo_title)
        column.addWidget(QLabel(self.tr("How well each label fits:")))
        column.addWidget(self.chart)
        column.addWidget(QLabel(self.tr("Tags:")))
        column.addWidget(self.tag_list)
        column.addLayout(add_row)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        self._show_no_photo()
        return scroll

    # -- inputs from the main window -------------------------------------------------------
    def set_model(self, model: ClipModel | None) -> None:
        self._model = model
        self._embedder = LabelEmbedder(model) if model is not None else None
        self._generation += 1
        self._update_buttons()
        self._reload_photo()

    def set_db_path(self, db_path: str | Path) -> None:
        self._db_path = Path(db_path)
        self.refresh()
        self._submit_edit(lambda ctx, db=self._db_path: _load_vocabulary(ctx, db), self._on_vocabulary)

    def show_photo(self, photo_id: int | None) -> None:
        self._photo_id = photo_id
        self._update_buttons()
        self._reload_photo()

    def set_selection(self, photo_ids: Sequence[int]) -> None:
        self._selection = [int(i) for i in photo_ids]
        self._update_buttons()

    def set_current_folder(self, folder: str | Path | None) -> None:
        self._folder = Path(folder) if folder else None
        self._update_buttons()

    def set_write_xmp(self, enabled: bool) -> None:
        self.xmp_check.setChecked(enabled)

    def refresh(self) -> None:
        """Forget cached calibration (the library changed) and re-read the shown photo."""
        self._generation += 1
        self._reload_photo()

    def status_text(self) -> str:
        return self.status_label.text()

    def shutdown(self) -> None:
        """Stop both lanes; a running tagging batch finishes so the database stays consistent."""
        self._runs.shutdown()
        self._edits.shutdown()

    # -- tagging runs ----------------------------------------------------------------------
    def tag_selected(self) -> None:
        if self._selection:
            self._start_run(list(self._selection), None)

    def tag_folder(self) -> None:
        if self._folder is not None:
            self._start_run(None, self._folder)

    def tag_library(self) -> None:
        self._start_run(None, None)

    def is_tagging(self) -> bool:
        return self._run_job is not None

    def cancel_tagging(self) -> None:
        if self._run_job is not None:
            self._run_job.cancel()
            self.cancel_button.setEnabled(False)

    def _start_run(self, photo_ids: list[int] | None, folder: Path | None) -> None:
        if self._model is None or self._embedder is None or self._run_job is not None:
            return
        args = (self._db_path, self._model, self._embedder, self.xmp_check.isChecked(), photo_ids, folder)
        job = Job(lambda ctx: _run_tagging(ctx, *args), "tagging")
        job.progress.connect(self._on_run_progress)
        job.succeeded.connect(self._on_run_done)
        job.failed.connect(self._show_error)
        job.finished.connect(self._on_run_finished)
        self._run_job = job
        self.progress.setRange(0, 0)
        self.status_label.setText(self.tr("Tagging…"))
        self._show_running(True)
        self._update_buttons()
        self._runs.submit(job)

    def _on_run_progress(self, progress: Any) -> None:
        self.progress.setRange(0, max(progress.total, 1))
        self.progress.setValue(progress.done)

    def _on_run_done(self, result: tuple[TagSummary, list[int]]) -> None:
        summary, ids = result
        text = (self.tr("Stopped after %1 photos; %2 tags assigned.") if summary.cancelled
                else self.tr("Tagged %1 photos; %2 tags assigned."))
        text = text.replace("%1", str(summary.photos)).replace("%2", str(summary.assigned))
        if summary.sidecar_errors:
            text += " " + self.tr("Some sidecars could not be written: %1").replace(
                "%1", summary.sidecar_errors[0])
        self.status_label.setText(text)
        self.tags_changed.emit(ids)
        self.tagging_finished.emit(summary)
        self._reload_photo()

    def _on_run_finished(self) -> None:
        self._run_job = None
        self._show_running(False)
        self._update_buttons()

    def _show_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)

    def _update_buttons(self) -> None:
        ready = self._model is not None and self._run_job is None
        count = len(self._selection)
        self.tag_selected_button.setText(self.tr("Selected (%1)").replace("%1", str(count)))
        self.tag_selected_button.setEnabled(ready and count > 0)
        self.tag_folder_button.setEnabled(ready and self._folder is not None)
        self.tag_folder_button.setToolTip(str(self._folder) if self._folder else "")
        self.tag_library_button.setEnabled(ready)
        self.model_hint.setVisible(self._model is None)
        can_add = self._photo_id is not None
        self.add_edit.setEnabled(can_add)
        self.add_button.setEnabled(can_add)

    # -- the shown photo -------------------------------------------------------------------
    def _reload_photo(self) -> None:
        if self._photo_job is not None:
            self._photo_job.cancel()  # not started yet: it never runs
        if self._photo_id is None:
            self._show_no_photo()
            return
        args = (self._db_path, self._photo_id, self._model, self._embedder, self._generation)
        self._photo_job = self._submit_edit(lambda ctx: _photo_info(ctx, *args), self._on_photo_info)

    def _show_no_photo(self) -> None:
        self.photo_title.setText(self.tr("No photo selected."))
        self.chart.clear()
        self.chart.set_placeholder(self.tr("Select a photo to see how well each label fits it."))
        self.tag_list.set_tags([])

    def _on_photo_info(self, info: PhotoTagInfo) -> None:
        if info.photo_id != self._photo_id:
            return
        self.photo_title.setText(info.name)
        self.chart.set_scores([
            ScoreBar(s.label, s.score, s.threshold, assigned=s.state == "assigned",
                     rejected=s.state == "rejected") for s in info.scores])
        notes = {"no-model": self.tr("Scores appear once the model has loaded."),
                 "not-embedded": self.tr("This photo has not been indexed with the current model yet.")}
        self.chart.set_placeholder(notes.get(info.note, info.note))
        self.tag_list.set_tags([TagChip(t.label, t.source, t.state, t.score) for t in info.tags])
        self.photo_shown.emit(info.photo_id)

    def add_manual_tag(self) -> None:
        name = " ".join(self.add_edit.text().split())
        if name and self._photo_id is not None:
            self.add_edit.clear()
            self._change_tag("add", name)

    def _tag_targets(self) -> list[int]:
        """Tags typed in apply to the whole selection when the shown photo is part of it."""
        if self._photo_id in self._selection:
            return list(self._selection)
        return [self._photo_id] if self._photo_id is not None else []

    def _change_tag(self, action: str, name: str) -> None:
        ids = self._tag_targets() if action == "add" else [self._photo_id]
        if not ids or ids == [None]:
            return
        args = (self._db_path, action, ids, name, self.xmp_check.isChecked())
        self._submit_edit(lambda ctx: _change_tag(ctx, *args), self._on_tags_edited)
        if action == "add" and name.lower() not in {n.lower() for n in self._label_names.stringList()}:
            self._reload_vocabulary()
        self._reload_photo()

    def _on_tags_edited(self, photo_ids: list[int]) -> None:
        self.tags_changed.emit(photo_ids)

    # -- vocabulary ------------------------------------------------------------------------
    def _save_label(self, old_name: str | None, edit: LabelEdit) -> None:
        args = (self._db_path, old_name, edit, self.xmp_check.isChecked())
        self._submit_edit(lambda ctx: _save_label(ctx, *args), self._on_labels_edited)
        self._reload_vocabulary()

    def _remove_label(self, name: str) -> None:
        args = (self._db_path, name, self.xmp_check.isChecked())
        self._submit_edit(lambda ctx: _remove_label(ctx, *args), self._on_labels_edited)
        self._reload_vocabulary()

    def _on_labels_edited(self, photo_ids: list[int]) -> None:
        self.status_label.clear()
        if photo_ids:
            self.tags_changed.emit(photo_ids)

    def _reload_vocabulary(self) -> None:
        self._generation += 1
        self._submit_edit(lambda ctx, db=self._db_path: _load_vocabulary(ctx, db), self._on_vocabulary)
        self._reload_photo()

    def _on_vocabulary(self, labels: list[Label]) -> None:
        self.vocabulary.set_labels(labels)
        self._label_names.setStringList([label.name for label in labels])
        self.vocabulary_loaded.emit()

    # -- plumbing --------------------------------------------------------------------------
    def _submit_edit(self, function: Any, on_success: Any) -> Job:
        job = Job(function, "tag-edit")
        job.succeeded.connect(on_success)
        job.failed.connect(self._show_error)
        return self._edits.submit(job)

    def _show_error(self, exc: Exception) -> None:
        self.status_label.setText(str(exc) if isinstance(exc, PhotoSiftError)
                                  else self.tr("Something went wrong: %1").replace("%1", repr(exc)))
