"""The grid's item model on its own: no window, no view, only the model and its signals."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QImage

from photosift.gui.results_model import (
    ItemRole,
    Mode,
    PhotoIdRole,
    PhotoItem,
    ResultsModel,
    ScoreRole,
    SortKey,
    ThumbnailRole,
)

pytestmark = pytest.mark.gui


def item(photo_id: int, name: str, *, day: int = 1, score: float | None = None) -> PhotoItem:
    return PhotoItem(
        id=photo_id, path=Path("/photos") / name, mtime_ns=0, taken_at=day * 86400.0, score=score
    )


class FakeThumbnails(QObject):
    """Stands in for the loader's interface (thumbnail(), ready) so the model runs headless."""

    ready = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.images: dict[int, QImage] = {}
        self.asked: list[int] = []

    def thumbnail(self, photo_id: int, path: Path, mtime_ns: int) -> QImage | None:
        self.asked.append(photo_id)
        return self.images.get(photo_id)


def test_search_mode_ranks_by_score_and_exposes_it(qtmodeltester):
    model = ResultsModel()
    model.set_items(
        [item(1, "a.jpg", score=0.2), item(2, "b.jpg", score=0.9), item(3, "c.jpg", score=0.5)],
        Mode.SEARCH,
    )
    qtmodeltester.check(model)
    assert model.ids() == [2, 3, 1]
    assert model.sort_key is SortKey.SCORE
    first = model.index(0)
    assert first.data(PhotoIdRole) == 2
    assert first.data(ScoreRole) == pytest.approx(0.9)
    assert first.data(Qt.ItemDataRole.DisplayRole) == "b.jpg"
    assert first.data(ItemRole).path == Path("/photos/b.jpg")


def test_browse_mode_is_newest_first_and_sorts_by_name(qtmodeltester):
    model = ResultsModel()
    model.set_items(
        [item(1, "b.jpg", day=1), item(2, "c.jpg", day=3), item(3, "A.jpg", day=2)], Mode.BROWSE
    )
    qtmodeltester.check(model)
    assert model.ids() == [2, 3, 1]
    model.sort_by(SortKey.NAME)
    assert [model.item(r).name for r in range(3)] == ["A.jpg", "b.jpg", "c.jpg"]
    assert model.row_of(2) == 2


def test_sorting_keeps_the_selection_on_the_same_photos():
    model = ResultsModel()
    model.set_items(
        [item(i, f"{name}.jpg", day=i) for i, name in enumerate("dcba", start=1)], Mode.BROWSE
    )
    selection = QItemSelectionModel(model)
    selection.select(model.index(model.row_of(3)), QItemSelectionModel.SelectionFlag.Select)
    model.sort_by(SortKey.NAME)
    selected = [model.item(index.row()).id for index in selection.selectedIndexes()]
    assert selected == [3]


def test_added_photos_land_in_order_and_known_ids_update_in_place(qtbot):
    model = ResultsModel()
    model.set_items([item(1, "a.jpg", day=1), item(2, "b.jpg", day=5)], Mode.BROWSE)
    with qtbot.waitSignal(model.rowsInserted, timeout=1000):
        model.add_items([item(3, "c.jpg", day=3), item(1, "a2.jpg", day=1)])
    assert model.ids() == [2, 3, 1]
    assert model.item_by_id(1).name == "a2.jpg"
    assert model.rowCount() == 3


def test_a_batch_goes_in_as_one_block_per_gap():
    """Each insert signal makes the grid lay out again: a catalog batch that lands in two gaps
    must cost two signals, not one per photo, and keep the order."""
    model = ResultsModel()
    model.set_items([item(1, "a.jpg", day=10), item(2, "b.jpg", day=20)], Mode.BROWSE)
    blocks: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: blocks.append((first, last)))
    model.add_items(
        [item(i, f"{i}.jpg", day=day) for i, day in [(3, 30), (4, 15), (5, 31), (6, 16), (7, 32)]]
    )
    assert model.ids() == [7, 5, 3, 2, 6, 4, 1]
    assert len(blocks) == 2 and sum(last - first + 1 for first, last in blocks) == 5


def test_match_strength_runs_from_the_weakest_to_the_best_result_shown():
    model = ResultsModel()
    model.set_items(
        [item(1, "a.jpg", score=-0.02), item(2, "b.jpg", score=0.30), item(3, "c.jpg", score=0.14)],
        Mode.SEARCH,
    )
    assert [model.match_strength(model.item(row).score) for row in range(3)] == pytest.approx(
        [1.0, 0.5, 0.0]
    )
    assert (
        model.index(1).data(Qt.ItemDataRole.ToolTipRole).endswith("50 % as close as the best match")
    )
    model.add_items([item(4, "d.jpg", score=0.62)])  # a better match arrives: the scale follows
    assert model.match_strength(0.30) == pytest.approx(0.5)


def test_removing_ids_drops_their_rows():
    model = ResultsModel()
    model.set_items([item(i, f"{i}.jpg", day=i) for i in range(1, 6)], Mode.BROWSE)
    model.remove_ids([2, 4, 99])
    assert model.ids() == [5, 3, 1]
    assert model.row_of(1) == 2
    assert model.row_of(2) is None


def test_thumbnail_arrival_repaints_the_photo_wherever_it_moved(qtbot):
    thumbnails = FakeThumbnails()
    model = ResultsModel(thumbnails)
    model.set_items([item(1, "a.jpg", day=1), item(2, "b.jpg", day=2)], Mode.BROWSE)
    assert model.index(0).data(ThumbnailRole) is None
    assert thumbnails.asked == [2]
    model.sort_by(SortKey.NAME)  # photo 2 moves from row 0 to row 1 while its image is made
    image = QImage(8, 8, QImage.Format.Format_RGB888)
    image.fill(Qt.GlobalColor.red)
    thumbnails.images[2] = image
    with qtbot.waitSignal(model.dataChanged, timeout=1000) as changed:
        thumbnails.ready.emit(2)
    assert changed.args[0].row() == 1
    assert model.index(1).data(ThumbnailRole) == image


def test_large_result_sets_are_cheap_to_index():
    model = ResultsModel()
    model.set_items(
        [item(i, f"{i:06}.jpg", day=i % 365, score=i / 100_000) for i in range(100_000)],
        Mode.SEARCH,
    )
    assert model.rowCount() == 100_000
    assert model.row_of(99_999) == 0
    model.add_items([item(200_000, "new.jpg", score=0.5)])
    assert model.item(model.row_of(200_000)).name == "new.jpg"
