"""The duplicates review in the real window: Tools > Find Duplicates on a real indexed
library, groups with their columns and keeper, marking, the confirmation that lists the files,
and the trash (a temporary freedesktop trash)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from photosift.service.library import PhotoLibrary
from tests.gui.conftest import WAIT_MS
from tests.planted_duplicates import plant, use_temporary_trash


def test_review_marks_confirms_and_trashes_only_the_marked(
    qtbot, make_window, db_path: Path, tmp_path: Path, toy_model, monkeypatch
) -> None:
    world = plant(tmp_path / "photos", originals=2, distinct=6)
    with PhotoLibrary.open(db_path) as library:
        library.index(toy_model, [world.folder], workers=1)
    trash = use_temporary_trash(monkeypatch, tmp_path / "xdg-data")
    window = make_window()

    dialog = window.organizer.show_duplicates()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 2, timeout=WAIT_MS)
    group = dialog.tree.topLevelItem(0)
    assert group.childCount() == 7
    keeper = group.child(0)
    assert keeper.text(5).startswith("Keep") and keeper.text(1) == "320 × 240"
    assert all(group.child(i).text(5) == "" for i in range(1, 7))
    assert Path(keeper.text(4)).parent == world.folder

    dialog.mark_suggested()
    remove, keep = dialog.marked()
    assert len(remove) == 12 and len(keep) == 2 and dialog.trash_button.isEnabled()
    keeper.setCheckState(0, Qt.CheckState.Checked)  # would leave the group empty: undone
    assert keeper.checkState(0) == Qt.CheckState.Unchecked

    listed: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda box: listed.append(box.detailedText()) or QMessageBox.StandardButton.Cancel,
    )
    dialog.confirm_and_trash()
    assert len(listed[0].splitlines()) == 12 and not trash.exists()

    keepers = sorted(dialog.tree.topLevelItem(i).child(0).text(0) for i in range(2))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Yes)
    dialog.confirm_and_trash()
    qtbot.waitUntil(lambda: trash.exists() and len(list(trash.iterdir())) == 12, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: dialog.tree.topLevelItemCount() == 0 and dialog.find_button.isEnabled(),
        timeout=WAIT_MS,
    )
    assert sorted(p.name for p in world.folder.rglob("group*/*.jpg")) == keepers
    assert len(list((world.folder / "distinct").iterdir())) == 6
    assert "Moved 12 files" in dialog.status.text()
