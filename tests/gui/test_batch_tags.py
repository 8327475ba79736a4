"""Tag actions on a multi-selection in the real window: add a tag to every selected photo,
take it off, accept or reject all their suggested tags, from the grid's context menu, run on
the tag panel's edits lane through the service (PhotoLibrary.change_tags, review_suggestions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.service.library import PhotoLibrary
from tests.gui.conftest import WAIT_MS
from tests.gui.test_albums_panel import trigger
from tests.toyworld import generate_photos

pytestmark = pytest.mark.gui


@pytest.fixture
def tagged_library(db_path: Path, tmp_path: Path, toy_model) -> tuple[list[int], str]:
    """Six indexed photos; the first four carry a suggested (auto) tag. Returns the ids in
    path order and the suggested label's name."""
    folder = tmp_path / "photos"
    toys = generate_photos(folder, 6, size=(160, 120), seed=9)
    with Store(db_path) as store:
        assert index_library(store, toy_model, [folder], workers=1).indexed == 6
        ids = [store.photo_id_at(toy.path) for toy in sorted(toys, key=lambda t: t.path)]
        tags = PhotoLibrary(store).tag_book(write_xmp=False)
        label = tags.labels()[0]
        model_id = store.models()[0].id
        tags.replace_auto_tags(ids[:4], [label.id], [(i, label.id, 0.8) for i in ids[:4]], model_id)
    return ids, label.name  # type: ignore[return-value]


def tag_rows(db_path: Path, name: str) -> dict[int, tuple[str, str]]:
    """photo id -> (source, state) of the tag `name`."""
    with Store(db_path) as store:
        rows = store.db.execute(
            "SELECT t.photo_id, t.source, t.state FROM photo_tags t JOIN labels l "
            "ON l.id = t.label_id WHERE l.name = ?",
            [name],
        )
        return {r[0]: (r[1], r[2]) for r in rows}


def test_tag_actions_apply_to_every_selected_photo(
    qtbot, make_window, db_path, tagged_library, toy_model_spec, monkeypatch
) -> None:
    ids, suggested = tagged_library
    window = make_window(toy_model_spec)
    qtbot.waitUntil(lambda: window.results.rowCount() == 6, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(window.tag_panel._label_names), timeout=WAIT_MS)
    panel = window.tag_panel

    def act(text: str, selection: list[int], picked: str | None = None) -> None:
        if picked is not None:
            monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (picked, True))
        with qtbot.waitSignal(panel.tags_changed, timeout=WAIT_MS):
            trigger(window.grid.build_menu(selection[0], selection), text)

    act("Add Tag…", ids[:3], "harbour at dusk")  # a new label, typed
    assert tag_rows(db_path, "harbour at dusk") == {i: ("manual", "assigned") for i in ids[:3]}
    qtbot.waitUntil(lambda: "harbour at dusk" in panel._label_names, timeout=WAIT_MS)

    act("Remove Tag…", ids[:2], "harbour at dusk")
    assert tag_rows(db_path, "harbour at dusk") == {ids[2]: ("manual", "assigned")}

    act("Accept Suggested Tags", ids[:2])
    act("Reject Suggested Tags", [ids[2], ids[4]])  # the 5th photo has no suggestion
    assert tag_rows(db_path, suggested) == {
        ids[0]: ("manual", "assigned"),
        ids[1]: ("manual", "assigned"),
        ids[2]: ("auto", "rejected"),
        ids[3]: ("auto", "assigned"),  # not selected: untouched
    }


def test_the_service_reviews_suggestions_of_many_photos(db_path, tagged_library) -> None:
    from photosift.service.library import TagAction

    ids, suggested = tagged_library
    with PhotoLibrary.open(db_path) as library:
        assert library.review_suggestions(ids, TagAction.REJECT, write_xmp=False) == ids[:4]
        assert library.review_suggestions(ids, TagAction.ACCEPT, write_xmp=False) == []
        with pytest.raises(ValueError):
            library.review_suggestions(ids, TagAction.ADD)
    assert set(tag_rows(db_path, suggested).values()) == {("auto", "rejected")}
