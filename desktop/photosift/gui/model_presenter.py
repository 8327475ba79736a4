"""The model's state as the window shows it: loading, ready, missing, or not the library's.

Owns the `ModelLoader` and turns its outcomes into one `state_changed(state, detail)` signal
(plus `model_changed(LoadedModel | None)` for the parts that use the model), the status-bar
label, and the first-run dialog offering a local model folder or another download attempt.
The states are `ModelState`; MISMATCH means the library's vectors come from another model:
search needs a re-index; browsing and the old vectors stay. A model the library is switching to
(`LoadedModel.switching`: the library's own model was loaded beside it) is READY: searches use
the old model's vectors while the indexing lane re-embeds, and `switched(LoadedModel)` says
when a complete run made the new model the one searches use.

A first-run download, and the copy of a model folder the user chose, show a progress dialog
(bytes, speed, time left) whose Cancel stops the worker; a cancelled download is resumed by the
next load. A chosen folder is copied into the model cache (asking first when it is large), so
the library does not break when the original is moved.
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog, QWidget

from photosift.gui.model_dialog import ModelChoice, ModelUnavailableDialog
from photosift.gui.model_loader import ModelLoader
from photosift.gui.model_state import ModelState
from photosift.gui.settings import Settings
from photosift.service.library import LoadedModel

if TYPE_CHECKING:
    from photosift.core.model.transfer import TransferProgress


class CopyChoice(Enum):
    """The answer to "copy this model folder into PhotoSift?"."""

    COPY = "copy"
    IN_PLACE = "in-place"
    CANCEL = "cancel"


class ModelPresenter(QObject):
    state_changed = Signal(object, str)  # ModelState, detail for the user
    model_changed = Signal(object)  # LoadedModel | None
    switched = Signal(object)  # LoadedModel: the switch is complete, searches use its model now

    def __init__(
        self, settings: Settings, model_spec: str | None, db_path: Path, window: QWidget
    ) -> None:
        super().__init__(window)
        self.settings, self.spec, self.db_path, self.window = settings, model_spec, db_path, window
        self.ask_when_missing = True
        self.loaded: LoadedModel | None = None
        self.state, self.detail = ModelState.LOADING, ""
        self.label = QLabel(window)
        self.loader = ModelLoader(self)
        self.loader.loading.connect(self._on_loading)
        self.loader.ready.connect(self._on_ready)
        self.loader.unavailable.connect(self._on_unavailable)
        self.loader.failed.connect(self._on_unavailable)
        self.loader.cancelled.connect(lambda message: self._on_unavailable(message, ask=False))
        self.loader.transfer.connect(self._on_transfer)
        self.progress_dialog: QProgressDialog | None = None
        self._importing = False
        self._remember_loaded = False  # a chosen folder: save the spec that actually loaded

    def load(
        self, spec: str | None = None, device: str | None = None, *, import_folder: bool = False
    ) -> None:
        """(Re)load: `spec` None keeps the current choice (setting, else the library's model)."""
        if spec is not None:
            self.spec = spec
        self._importing = import_folder
        self.loader.load(
            self.spec, device or self.settings.device, self.db_path, import_folder=import_folder
        )

    def use_folder(self, folder: Path) -> None:
        """Load the model in `folder`, copied into the model cache unless the user says not to."""
        from photosift.core.model.folder_import import LARGE_FOLDER_BYTES, folder_size, is_imported

        choice = CopyChoice.IN_PLACE if is_imported(folder) else CopyChoice.COPY
        size = folder_size(folder)
        if choice is CopyChoice.COPY and size >= LARGE_FOLDER_BYTES:
            choice = self.confirm_copy(folder, size)
        if choice is CopyChoice.CANCEL:
            return
        self._remember_loaded = True
        self.load(f"local-dir:{folder}", import_folder=choice is CopyChoice.COPY)

    def confirm_copy(self, folder: Path, size: int) -> CopyChoice:
        """Ask before copying a large folder; the copy is what keeps the library working."""
        from photosift.core.model.folder_import import imported_models_dir
        from photosift.core.model.transfer import format_bytes

        box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("Copy the model folder?"), "", parent=self.window
        )
        box.setText(
            self.tr(
                "PhotoSift can copy this model ({size}) into its own folder, {target}, so that your "
                "library keeps working if you move or delete {folder}."
            ).format(size=format_bytes(size), target=imported_models_dir(), folder=folder)
        )
        copy = box.addButton(self.tr("Copy"), QMessageBox.ButtonRole.AcceptRole)
        in_place = box.addButton(self.tr("Use Where It Is"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(copy)
        box.exec()
        clicked = box.clickedButton()
        return (
            CopyChoice.COPY
            if clicked is copy
            else CopyChoice.IN_PLACE
            if clicked is in_place
            else CopyChoice.CANCEL
        )

    def library_indexed(self, spec: str | None = None) -> None:
        """A complete indexing run with the model `spec` (None: the loaded one) gave every
        photo a vector of it: a switch to the loaded model is done."""
        loaded = self.loaded
        if loaded is None or (spec is not None and spec != loaded.spec):
            return
        if loaded.matches_library and not loaded.switching:
            return
        specs = tuple(dict.fromkeys((*loaded.choice.library_specs, loaded.spec)))
        self.loaded = LoadedModel(loaded.model, replace(loaded.choice, library_specs=specs))
        self.loader.loaded = self.loaded  # nothing keeps the old model in memory any more
        if loaded.switching:  # the old model is let go: searches use the new one from now on
            self.switched.emit(self.loaded)
        self._set_state(ModelState.READY)

    def ask_for_model(self) -> None:
        dialog = ModelUnavailableDialog(self.detail, self.window)
        dialog.finished.connect(lambda _result: self._on_dialog_done(dialog))
        dialog.open()

    def shutdown(self) -> None:
        self._close_progress()
        self.loader.shutdown()

    def _on_transfer(self, progress: TransferProgress) -> None:
        if self.progress_dialog is None:
            dialog = QProgressDialog(self.window)
            dialog.setWindowTitle(
                self.tr("Copying the model")
                if self._importing
                else self.tr("Downloading the model")
            )
            dialog.setRange(0, 1000)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setMinimumDuration(0)
            dialog.canceled.connect(self.loader.cancel)
            self.progress_dialog = dialog
        if self._importing:
            heading = self.tr("Copying the model folder into PhotoSift…")
        else:
            heading = self.tr("Downloading the search model {spec} (only the first time)…").format(
                spec=self.spec or ""
            )
        self.progress_dialog.setLabelText(f"{heading}\n{progress.describe()}")
        self.progress_dialog.setValue(round(progress.fraction * 1000))
        self.progress_dialog.show()

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.loader.cancel)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _on_loading(self, _spec: str) -> None:
        self.label.setText(self.tr("Loading model…"))
        self._set_state(ModelState.LOADING)

    def _on_ready(self, loaded: LoadedModel) -> None:
        self._close_progress()
        if self._remember_loaded:
            self._remember_loaded = False
            self.spec = self.settings.model_spec = loaded.spec
            self.settings.save()
        self.loaded = loaded
        self.label.setText(self.tr("Model: {spec}").format(spec=short_spec(loaded.spec)))
        self.label.setToolTip(loaded.spec)
        self.model_changed.emit(loaded)
        if loaded.matches_library or loaded.switching:
            self._set_state(ModelState.READY)
        else:
            detail = self.tr(
                "The photos were indexed with {old}. Searching with {new} needs them indexed again; "
                "the old index stays usable until then."
            ).format(old=", ".join(loaded.choice.library_specs), new=loaded.spec)
            self._set_state(ModelState.MISMATCH, detail)

    def _on_unavailable(self, message: str, ask: bool = True) -> None:
        """No model: say why; offer the ways out, unless the user just cancelled a download."""
        self._close_progress()
        self._remember_loaded = False
        self.loaded = None
        self.label.setText(self.tr("No search model"))
        self.label.setToolTip(message)
        self.model_changed.emit(None)
        self._set_state(ModelState.UNAVAILABLE, message)
        if ask and self.ask_when_missing:
            self.ask_for_model()

    def _on_dialog_done(self, dialog: ModelUnavailableDialog) -> None:
        if dialog.choice is ModelChoice.FOLDER and dialog.folder is not None:
            self.use_folder(dialog.folder)
        elif dialog.choice is ModelChoice.RETRY:
            self.load()

    def _set_state(self, state: ModelState, detail: str = "") -> None:
        self.state, self.detail = state, detail
        self.state_changed.emit(state, detail)


def short_spec(spec: str) -> str:
    """A status-bar sized name: a local folder's name, else the spec."""
    if spec.startswith("local-dir:"):
        return Path(spec.removeprefix("local-dir:")).name
    return spec
