"""The settings dialog: which model, which device, where the library lives, cache size.

Interface (for the main window)::

    dialog = SettingsDialog(settings, parent=window, active_model_spec=model.spec)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        new = dialog.result_settings()      # a changed copy; the dialog never saves
        if dialog.model_changed(): offer a background re-index with new.model_spec

- ``SettingsDialog(settings: Settings, parent=None, *, active_model_spec: str | None = None)``;
  ``active_model_spec`` is the model in use now (what ``model_spec=None`` resolves to).
- ``result_settings() -> Settings``, ``model_changed() -> bool`` (the effective spec differs).
- signal ``settings_accepted(object, bool)``: (new Settings, model changed), on OK.
- signal ``text_gate_requested()``: "Quick Text Check…" was clicked; the window opens the
  calibration dialog (panels/text_gate_dialog.py), which needs its library and model.
- ``select_catalog_model(spec)``, ``set_custom_spec(text)``, ``use_local_model_folder(path) ->
  bool`` are what the controls do; ``error_text()`` is the message shown under them.

Why the dialog does not save or load a model itself: the main window owns the settings file and
the model lane, and it must keep the old index searchable while a new one is built, so it alone
decides what happens after OK. The dialog never imports torch (the catalog needs only paths).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from photosift.core.errors import PhotoSiftError
from photosift.core.model.catalog import CATALOG, DEFAULT_MODEL_SPEC, CatalogEntry
from photosift.core.model.fetch import is_entry_cached
from photosift.core.model.spec import parse_spec
from photosift.core.paths import default_db_path
from photosift.gui.dialog_places import home_folder
from photosift.gui.settings import DEVICES, LANGUAGES, Settings

LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}  # each in its own language

LOCAL_CONFIG_FILE = "open_clip_config.json"


class SettingsDialog(QDialog):
    settings_accepted = Signal(object, bool)
    # The "RAW+JPEG as one photo" switch changed: a library setting, not a user one, so it
    # goes to the library (and is not part of the Settings object).
    raw_pairs_toggled = Signal(bool)
    # The user wants to calibrate (or forget) the quick text check of the text pass.
    text_gate_requested = Signal()

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        active_model_spec: str | None = None,
        join_raw_pairs: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self._original = settings.copy()
        self._join_raw_pairs = join_raw_pairs
        self._active_spec = active_model_spec or settings.model_spec or DEFAULT_MODEL_SPEC
        self._build()
        self._load(settings)

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_model_box())
        layout.addWidget(self._build_library_box())
        self._error = QLabel()
        self._error.setWordWrap(True)
        self._error.setStyleSheet("color: #c0392b;")
        self._error.hide()
        layout.addWidget(self._error)
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        layout.addWidget(self._buttons)

    def _build_model_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Model"))
        self.catalog_radio = QRadioButton(self.tr("Recommended:"))
        self.custom_radio = QRadioButton(self.tr("Custom spec:"))
        group = QButtonGroup(box)
        group.addButton(self.catalog_radio)
        group.addButton(self.custom_radio)
        self.catalog_combo = QComboBox()
        for entry in CATALOG:
            self.catalog_combo.addItem(self._entry_title(entry), entry.spec)
        self.catalog_combo.currentIndexChanged.connect(self._show_entry_details)
        self.catalog_combo.activated.connect(lambda _: self.catalog_radio.setChecked(True))
        self._entry_details = QLabel()
        self._entry_details.setWordWrap(True)
        self.custom_edit = QLineEdit()
        self.custom_edit.setPlaceholderText(
            self.tr("ARCH/PRETRAINED, hf-hub:ORG/REPO or local-dir:FOLDER")
        )
        self.custom_edit.textEdited.connect(lambda _: self.custom_radio.setChecked(True))
        self.local_button = QPushButton(self.tr("Choose Local Model Folder…"))
        self.local_button.clicked.connect(self._browse_local_folder)
        self.device_combo = QComboBox()
        names = {
            "auto": self.tr("Automatic (best available)"),
            "cpu": self.tr("CPU"),
            "cuda": self.tr("NVIDIA GPU (CUDA)"),
            "mps": self.tr("Apple GPU (MPS)"),
        }
        for device in DEVICES:
            self.device_combo.addItem(names[device], device)

        grid = QFormLayout(box)
        grid.addRow(self.catalog_radio, self.catalog_combo)
        grid.addRow("", self._entry_details)
        custom_row = QHBoxLayout()
        custom_row.addWidget(self.custom_edit, 1)
        custom_row.addWidget(self.local_button)
        grid.addRow(self.custom_radio, custom_row)
        grid.addRow(self.tr("Device:"), self.device_combo)
        return box

    def _build_library_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Library"))
        self.db_edit = QLineEdit()
        self.db_edit.setPlaceholderText(str(default_db_path()))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_db)
        db_row = QHBoxLayout()
        db_row.addWidget(self.db_edit, 1)
        db_row.addWidget(browse)
        self.cache_spin = QSpinBox()
        self.cache_spin.setRange(0, 100_000)
        self.cache_spin.setSingleStep(128)
        self.cache_spin.setSuffix(self.tr(" MB"))
        form = QFormLayout(box)
        form.addRow(self.tr("Database file:"), db_row)
        form.addRow(self.tr("Thumbnail cache:"), self.cache_spin)
        self.read_text_check = QCheckBox(self.tr("Read the text in photos while indexing"))
        self.read_text_check.setToolTip(
            self.tr(
                "Finds receipts, signs and screenshots by their words (text:WORD searches "
                "the words only). Turning it off re-indexes nothing."
            )
        )
        self.text_gate_button = QPushButton(self.tr("Quick Text Check…"))
        self.text_gate_button.setToolTip(
            self.tr(
                "Calibrate the quick text check on the photos read so far: where the model "
                "can tell photos with text by their vectors, indexing reads text faster."
            )
        )
        self.text_gate_button.clicked.connect(self.text_gate_requested.emit)
        text_row = QHBoxLayout()
        text_row.addWidget(self.read_text_check, 1)
        text_row.addWidget(self.text_gate_button)
        form.addRow("", text_row)
        self.raw_pairs_check = QCheckBox(self.tr("Show RAW+JPEG and RAW+HEIF pairs as one photo"))
        self.raw_pairs_check.setToolTip(
            self.tr(
                "A RAW file and a JPEG or HEIF shot together (same folder and name) appear "
                "once, as the JPEG or HEIF; the photo's info names its RAW file. Applies to "
                "this library."
            )
        )
        form.addRow("", self.raw_pairs_check)
        self.language_combo = QComboBox()
        self.language_combo.addItem(self.tr("System language"), None)
        for language in LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES[language], language)
        self.language_combo.setToolTip(self.tr("Takes effect when PhotoSift starts again."))
        form.addRow(self.tr("Language:"), self.language_combo)
        return box

    def _entry_title(self, entry: CatalogEntry) -> str:
        default = self.tr(" (default)") if entry.spec == DEFAULT_MODEL_SPEC else ""
        return f"{entry.title}{default} — {entry.spec}"

    def _show_entry_details(self) -> None:
        entry = CATALOG[self.catalog_combo.currentIndex()]
        state = (
            self.tr("downloaded")
            if is_entry_cached(entry)
            else self.tr("%1 MB download on first use").replace("%1", str(entry.download_mb))
        )
        self._entry_details.setText(
            self.tr("Good for %1. %2 million parameters, ImageNet zero-shot %3%; %4.")
            .replace("%1", entry.good_for)
            .replace("%2", str(entry.params_m))
            .replace("%3", f"{entry.imagenet_top1:.1f}")
            .replace("%4", state)
        )

    def _load(self, settings: Settings) -> None:
        spec = settings.model_spec or self._active_spec
        index = self.catalog_combo.findData(spec)
        if index >= 0:
            self.catalog_combo.setCurrentIndex(index)
            self.catalog_radio.setChecked(True)
        else:
            self.custom_edit.setText(spec)
            self.custom_radio.setChecked(True)
        self._show_entry_details()
        self.device_combo.setCurrentIndex(max(self.device_combo.findData(settings.device), 0))
        self.db_edit.setText(settings.db_path or "")
        self.cache_spin.setValue(settings.thumbnail_cache_mb)
        self.read_text_check.setChecked(settings.read_text)
        self.raw_pairs_check.setChecked(self._join_raw_pairs)
        self.language_combo.setCurrentIndex(max(self.language_combo.findData(settings.language), 0))

    # -- what the controls do --------------------------------------------------------------
    def select_catalog_model(self, spec: str) -> None:
        index = self.catalog_combo.findData(spec)
        if index < 0:
            raise ValueError(f"{spec} is not in the catalog")
        self.catalog_combo.setCurrentIndex(index)
        self.catalog_radio.setChecked(True)
        self._clear_error()

    def set_custom_spec(self, text: str) -> None:
        self.custom_edit.setText(text)
        self.custom_radio.setChecked(True)
        self._clear_error()

    def use_local_model_folder(self, folder: str | Path) -> bool:
        """Take `folder` as a local-dir model if it is one; otherwise say why and keep the old."""
        folder = Path(folder)
        if not (folder / LOCAL_CONFIG_FILE).is_file():
            self._show_error(self._not_a_model_folder(folder))
            return False
        self.set_custom_spec(f"local-dir:{folder.resolve()}")
        return True

    def _not_a_model_folder(self, folder: Path) -> str:
        return (
            self.tr(
                "The folder %1 has no %2, so it is not an open_clip model folder. Choose "
                "the folder that holds %2 and open_clip_model.safetensors."
            )
            .replace("%1", str(folder))
            .replace("%2", LOCAL_CONFIG_FILE)
        )

    def _browse_local_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose Local Model Folder"), home_folder()
        )
        if folder:
            self.use_local_model_folder(folder)

    def _browse_db(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Library Database"),
            self.db_edit.text() or str(default_db_path()),
            self.tr("PhotoSift library (*.sqlite3);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.db_edit.setText(path)

    def error_text(self) -> str:
        return self._error.text()

    def _show_error(self, text: str) -> None:
        self._error.setText(text)
        self._error.show()

    def _clear_error(self) -> None:
        self._error.clear()
        self._error.hide()

    # -- result ----------------------------------------------------------------------------
    def _chosen_spec(self) -> str:
        """The canonical spec of the chosen model; raises PhotoSiftError for a malformed one."""
        if self.catalog_radio.isChecked():
            return self.catalog_combo.currentData()
        text = self.custom_edit.text().strip()
        if not text:
            raise PhotoSiftError(self.tr("Type a model spec, or choose a recommended model."))
        spec = parse_spec(text, check=False)
        if spec.kind == "local-dir" and not (Path(spec.name) / LOCAL_CONFIG_FILE).is_file():
            raise PhotoSiftError(self._not_a_model_folder(Path(spec.name)))
        return str(spec)

    def result_settings(self) -> Settings:
        new = self._original.copy()
        spec = self._chosen_spec()
        new.model_spec = (
            None if spec == self._active_spec and not self._original.model_spec else spec
        )
        new.device = self.device_combo.currentData()
        new.db_path = self.db_edit.text().strip() or None
        new.thumbnail_cache_mb = self.cache_spin.value()
        new.read_text = self.read_text_check.isChecked()
        new.language = self.language_combo.currentData()
        return new

    def model_changed(self) -> bool:
        return self._chosen_spec() != self._active_spec

    def accept(self) -> None:
        try:
            new = self.result_settings()
            changed = self.model_changed()
        except PhotoSiftError as exc:
            self._show_error(str(exc))
            return
        self.settings_accepted.emit(new, changed)
        if self.raw_pairs_check.isChecked() != self._join_raw_pairs:
            self.raw_pairs_toggled.emit(self.raw_pairs_check.isChecked())
        super().accept()
