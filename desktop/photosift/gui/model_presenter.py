"""The model's state as the window shows it: loading, ready, missing, or not the library's.

Owns the `ModelLoader` and turns its outcomes into one `state_changed(state, detail)` signal
(plus `model_changed(LoadedModel | None)` for the parts that use the model), the status-bar
label, and the first-run dialog offering a local model folder or another download attempt.
The states are `ModelState`; MISMATCH means the library's vectors come from another model:
search needs a re-index; browsing and the old vectors stay.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from photosift.gui.model_dialog import ModelChoice, ModelUnavailableDialog
from photosift.gui.model_loader import ModelLoader
from photosift.gui.model_state import ModelState
from photosift.gui.settings import Settings
from photosift.service.library import LoadedModel


class ModelPresenter(QObject):
    state_changed = Signal(object, str)  # ModelState, detail for the user
    model_changed = Signal(object)  # LoadedModel | None

    def __init__(self, settings: Settings, model_spec: str | None, db_path: Path, window: QWidget) -> None:
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

    def load(self, spec: str | None = None, device: str | None = None) -> None:
        """(Re)load: `spec` None keeps the current choice (setting, else the library's model)."""
        if spec is not None:
            self.spec = spec
        self.loader.load(self.spec, device or self.settings.device, self.db_path)

    def library_indexed(self) -> None:
        """A finished indexing run gave the library vectors from the loaded model."""
        if self.loaded is not None and not self.loaded.matches_library:
            loaded = self.loaded
            specs = (*loaded.choice.library_specs, loaded.spec)
            self.loaded = LoadedModel(loaded.model, replace(loaded.choice, library_specs=specs))
            self._set_state(ModelState.READY)

    def ask_for_model(self) -> None:
        dialog = ModelUnavailableDialog(self.detail, self.window)
        dialog.finished.connect(lambda _result: self._on_dialog_done(dialog))
        dialog.open()

    def shutdown(self) -> None:
        self.loader.shutdown()

    def _on_loading(self, _spec: str) -> None:
        self.label.setText(self.tr("Loading model…"))
        self._set_state(ModelState.LOADING)

    def _on_ready(self, loaded: LoadedModel) -> None:
        self.loaded = loaded
        self.label.setText(self.tr("Model: {spec}").format(spec=short_spec(loaded.spec)))
        self.label.setToolTip(loaded.spec)
        self.model_changed.emit(loaded)
        if loaded.matches_library:
            self._set_state(ModelState.READY)
        else:
            detail = self.tr(
                "The photos were indexed with {old}. Searching with {new} needs them indexed again; "
                "the old index stays usable until then."
            ).format(old=", ".join(loaded.choice.library_specs), new=loaded.spec)
            self._set_state(ModelState.MISMATCH, detail)

    def _on_unavailable(self, message: str) -> None:
        self.loaded = None
        self.label.setText(self.tr("No search model"))
        self.label.setToolTip(message)
        self.model_changed.emit(None)
        self._set_state(ModelState.UNAVAILABLE, message)
        if self.ask_when_missing:
            self.ask_for_model()

    def _on_dialog_done(self, dialog: ModelUnavailableDialog) -> None:
        if dialog.choice is ModelChoice.FOLDER and dialog.folder is not None:
            self.spec = self.settings.model_spec = f"local-dir:{dialog.folder}"
            self.settings.save()
        if dialog.choice is not ModelChoice.LATER:
            self.load()

    def _set_state(self, state: ModelState, detail: str = "") -> None:
        self.state, self.detail = state, detail
        self.state_changed.emit(state, detail)


def short_spec(spec: str) -> str:
    """A status-bar sized name: a local folder's name, else the spec."""
    if spec.startswith("local-dir:"):
        return Path(spec.removeprefix("local-dir:")).name
    return spec
