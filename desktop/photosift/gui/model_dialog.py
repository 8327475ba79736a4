"""What the user sees when the search model cannot be loaded (typically: first run, offline).

The core's ModelUnavailableError already says what happened and where weights are expected;
this dialog adds the two ways out that need a click — pick a model folder already on disk
(open_clip's local-dir format), or try the download again — and makes clear the library can
still be browsed meanwhile.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from photosift.gui.dialog_places import home_folder

LOCAL_DIR_FILES = ("open_clip_config.json",)


class ModelChoice(Enum):
    LATER = "later"
    RETRY = "retry"
    FOLDER = "folder"


def is_model_folder(folder: Path) -> bool:
    """open_clip's local-dir format: a config beside safetensors (or .bin) weights."""
    has_config = all((folder / name).is_file() for name in LOCAL_DIR_FILES)
    has_weights = any(folder.glob("open_clip_model.safetensors")) or any(folder.glob("*.bin"))
    return has_config and has_weights


class ModelUnavailableDialog(QDialog):
    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Search model not available"))
        self.choice = ModelChoice.LATER
        self.folder: Path | None = None

        icon = QLabel(self)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40)
        )
        heading = QLabel(self.tr("<b>PhotoSift cannot load its search model.</b>"), self)
        detail = QLabel(message, self)
        detail.setWordWrap(True)
        advice = QLabel(
            self.tr(
                "You can keep browsing your photos. To search, choose a folder that holds an "
                "open_clip model (open_clip_config.json and open_clip_model.safetensors), or "
                "connect to the internet and retry the download."
            ),
            self,
        )
        advice.setWordWrap(True)

        buttons = QDialogButtonBox(self)
        choose = buttons.addButton(
            self.tr("Choose Model Folder…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        retry = buttons.addButton(self.tr("Retry Download"), QDialogButtonBox.ButtonRole.AcceptRole)
        later: QPushButton = buttons.addButton(
            self.tr("Browse Without Search"), QDialogButtonBox.ButtonRole.RejectRole
        )
        later.setDefault(True)
        choose.clicked.connect(self._choose_folder)
        retry.clicked.connect(self._retry)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(icon)
        layout.addWidget(heading)
        layout.addWidget(detail)
        layout.addWidget(advice)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def _retry(self) -> None:
        self.choice = ModelChoice.RETRY
        self.accept()

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Choose an open_clip model folder"), home_folder()
        )
        if not chosen:
            return
        folder = Path(chosen)
        if not is_model_folder(folder):
            QMessageBox.warning(
                self,
                self.tr("Not a model folder"),
                self.tr(
                    "{folder} does not hold an open_clip model. Choose the folder that contains "
                    "open_clip_config.json and open_clip_model.safetensors."
                ).format(folder=folder),
            )
            return
        self.choice = ModelChoice.FOLDER
        self.folder = folder
        self.accept()
