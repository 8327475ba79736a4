"""An album's own order: photos moved as a block (earlier, later, to the start or the end),
stored in the library (core album_records.moved / Store.move_in_album / the service)."""

from __future__ import annotations

from pathlib import Path

import pytest

from photosift.core.errors import QueryError
from photosift.core.library.album_records import AlbumMove, moved
from photosift.core.library.scan_records import PhotoWrite
from photosift.service.library import PhotoLibrary


@pytest.mark.parametrize(
    ("chosen", "move", "expected"),
    [
        ([3], AlbumMove.EARLIER, [1, 3, 2, 4, 5]),
        ([1], AlbumMove.EARLIER, [1, 2, 3, 4, 5]),  # already first: stays
        ([5], AlbumMove.LATER, [1, 2, 3, 4, 5]),
        ([2, 4], AlbumMove.LATER, [1, 3, 2, 4, 5]),  # a block: past one neighbour
        ([2, 4], AlbumMove.EARLIER, [2, 4, 1, 3, 5]),
        ([4, 2], AlbumMove.START, [2, 4, 1, 3, 5]),  # the block keeps the album's order
        ([1, 3], AlbumMove.END, [2, 4, 5, 1, 3]),
        ([9], AlbumMove.START, [1, 2, 3, 4, 5]),  # not in the album: nothing moves
    ],
)
def test_moved(chosen: list[int], move: AlbumMove, expected: list[int]) -> None:
    assert moved([1, 2, 3, 4, 5], chosen, move) == expected


def test_moves_are_stored_and_a_saved_search_has_no_order_to_move(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    with PhotoLibrary.open(tmp_path / "lib.sqlite3") as library:
        root = library.store.add_root(folder)
        ids = library.store.commit_batch(
            None,
            [
                PhotoWrite(root.id, f"{n}.jpg", 1, 1, f"fp{n}", "jpg", 1, 1, None, None, None)
                for n in range(4)
            ],
            [],
        )
        album = library.create_album("Trip")
        library.store.add_to_album(album.id, ids)
        assert library.move_in_album("trip", [ids[2]], AlbumMove.START) == [
            ids[2], ids[0], ids[1], ids[3],
        ]  # fmt: skip
        library.move_in_album("Trip", [ids[0]], AlbumMove.LATER)
        assert library.store.album_photo_ids(album.id) == [ids[2], ids[1], ids[0], ids[3]]
        assert [r.id for r in library.album_photos("Trip")] == [ids[2], ids[1], ids[0], ids[3]]
        library.save_search("Reds", "a red circle")
        with pytest.raises(QueryError, match="saved search"):
            library.move_in_album("Reds", [ids[0]], AlbumMove.START)
