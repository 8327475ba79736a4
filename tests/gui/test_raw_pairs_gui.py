"""RAW+JPEG pairs in the real window: one grid entry (the JPEG), the viewer names the RAW file,
the Settings switch shows both files at once, and a JPEG indexed after its RAW replaces it."""

from __future__ import annotations

from pathlib import Path

import pytest

from photosift.core.library.indexer import index_library
from photosift.core.library.raw_pairs import PairRole
from photosift.core.library.store import Store
from photosift.gui.panels.settings_dialog import SettingsDialog
from photosift.gui.panels.viewer import PhotoViewer
from photosift.gui.results_model import PhotoItem
from tests.gui.conftest import WAIT_MS, wait_model_ready
from tests.toyworld import generate_photos
from tests.unit.test_raw_pairs import add_raw_twins

pytestmark = pytest.mark.gui


@pytest.fixture
def paired_library(db_path: Path, tmp_path: Path, toy_model) -> tuple[list[Path], list[int]]:
    """Six indexed toy JPEGs, two of them with a RAW twin; returns the JPEGs and RAW ids."""
    folder = tmp_path / "photos"
    generate_photos(folder, 6, size=(160, 120), seed=5)
    with Store(db_path) as store:
        assert index_library(store, toy_model, [folder], workers=1).indexed == 6
    jpegs = sorted(folder.glob("*.jpg"))[:2]
    return jpegs, add_raw_twins(db_path, jpegs)


def grid_names(window) -> set[str]:  # type: ignore[no-untyped-def]
    return {item.path.name for item in window.results.items()}


def test_a_pair_is_one_photo_and_the_setting_shows_both(
    qtbot, make_window, paired_library, toy_model_spec
) -> None:
    jpegs, raw_ids = paired_library
    window = make_window(toy_model_spec)
    wait_model_ready(qtbot, window)
    qtbot.waitUntil(lambda: window.results.rowCount() == 6, timeout=WAIT_MS)
    assert not any(name.endswith(".CR2") for name in grid_names(window))
    jpeg_item = next(i for i in window.results.items() if i.path == jpegs[0])
    assert jpeg_item.pair_role is PairRole.SHOWN and jpeg_item.pair_id in raw_ids

    viewer = PhotoViewer(window.db_path, [jpeg_item.id], jpeg_item.id)
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: viewer.facts()["type"] != "", timeout=WAIT_MS)
    assert viewer.facts()["type"] == f"RAW+JPEG ({jpegs[0].with_suffix('.CR2').name})"
    viewer.close()

    assert window.library.joins_raw_pairs
    window.show_settings()
    dialog = window.findChild(SettingsDialog)
    assert dialog.raw_pairs_check.isChecked()
    dialog.raw_pairs_check.setChecked(False)
    dialog.accept()
    qtbot.waitUntil(lambda: window.results.rowCount() == 8, timeout=WAIT_MS)
    assert {j.with_suffix(".CR2").name for j in jpegs} <= grid_names(window)
    assert not window.library.joins_raw_pairs


def test_a_jpeg_indexed_after_its_raw_takes_its_place(
    qtbot, make_window, paired_library, toy_model_spec
) -> None:
    """Indexing batches may bring the RAW first (alone, so shown) and its JPEG later."""
    jpegs, raw_ids = paired_library
    window = make_window(toy_model_spec)
    qtbot.waitUntil(lambda: window.results.rowCount() == 6, timeout=WAIT_MS)
    raw_path = jpegs[0].with_suffix(".CR2")
    raw = PhotoItem(raw_ids[0], raw_path, 1, file_type="cr2")
    window.grid_control.add_indexed([raw])
    assert raw_path.name in grid_names(window) and window.results.rowCount() == 7
    jpeg = next(i for i in window.results.items() if i.path == jpegs[0])
    window.grid_control.add_indexed([jpeg])  # its batch: the JPEG, standing for the pair
    assert raw_path.name not in grid_names(window) and window.results.rowCount() == 6
    hidden = PhotoItem(raw_ids[1], jpegs[1].with_suffix(".CR2"), 1, file_type="cr2",
                       pair_id=jpeg.id, pair_role=PairRole.HIDDEN)  # fmt: skip
    window.grid_control.add_indexed([hidden])
    assert window.results.rowCount() == 6


def test_export_brings_the_raw_of_each_pair(
    qtbot, make_window, paired_library, toy_model_spec, tmp_path
) -> None:
    """Export to Folder… of the grid's photos: the two pairs' RAW files come along."""
    jpegs, _raw_ids = paired_library
    window = make_window(toy_model_spec)
    wait_model_ready(qtbot, window)  # its own status message comes before the export's
    qtbot.waitUntil(lambda: window.results.rowCount() == 6, timeout=WAIT_MS)
    target = tmp_path / "export"
    with qtbot.waitSignal(window.organizer.albums.exported, timeout=WAIT_MS) as done:
        window.organizer.export(window.results.ids(), target)
    assert done.args[0].raws == 2 and len(done.args[0].written) == 8
    message = window.statusBar().currentMessage()
    assert "Exported 8 files" in message and "2 of them" in message, message
    assert {j.with_suffix(".CR2").name for j in jpegs} <= {p.name for p in target.iterdir()}
    assert len(list(target.iterdir())) == 8
