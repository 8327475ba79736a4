"""Label names are validated before they can reach a sidecar; sidecars are written only
inside the folders the user added (issue 16, High 3 and Medium "symlinks escape")."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from photosift.core.library.scan_records import PhotoWrite
from photosift.core.library.store import Store
from photosift.core.library.tag_records import MAX_LABEL_LENGTH, LabelError
from photosift.core.tagging.tag_book import TagBook


@pytest.fixture
def tags(tmp_path: Path) -> TagBook:
    with Store(tmp_path / "lib.sqlite3") as store:
        yield TagBook(store, write_xmp=True)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bell\x07ctrl", "U+0007"),
        ("zero\u200bwidth", "U+200B"),
        ("nul\x00", "U+0000"),
        ("x" * (MAX_LABEL_LENGTH + 1), f"at most {MAX_LABEL_LENGTH}"),
        ("   ", "needs a name"),
    ],
)
def test_bad_label_names_are_refused(tags: TagBook, name: str, message: str) -> None:
    with pytest.raises(LabelError, match=re.escape(message)):
        tags.add_label(name)
    assert tags.labels() == []


def test_label_names_are_trimmed_and_groups_checked_too(tags: TagBook) -> None:
    label = tags.add_label("  sunny \t day  ", group=" trips ")
    assert (label.name, label.group) == ("sunny day", "trips")
    with pytest.raises(LabelError, match="U\\+001B"):
        tags.add_label("dog", group="esc\x1b")
    with pytest.raises(LabelError, match="U\\+0007"):
        tags.rename_label("sunny day", "sunny\x07")


def test_sidecars_are_never_written_outside_the_library_folders(
    tmp_path: Path, tags: TagBook
) -> None:
    lib, outside = tmp_path / "lib", tmp_path / "outside"
    lib.mkdir()
    outside.mkdir()
    (outside / "far.jpg").write_bytes(b"jpeg")
    (lib / "near.jpg").write_bytes(b"jpeg")
    (lib / "link").symlink_to(outside, target_is_directory=True)
    store = tags.store
    root = store.add_root(lib)
    model = store.register_model("m", 4, {})
    writes = [
        PhotoWrite(root.id, rel, 4, 1, rel, "jpg", 1, 1, None, None, np.ones(4, np.float32))
        for rel in ("near.jpg", "link/far.jpg")
    ]
    ids = store.commit_batch(model.id, writes, [])
    tags.add_manual(ids, "dog")  # writes sidecars as it goes
    written, errors = tags.sync_sidecars(ids)
    assert written == 1 and len(errors) == 1 and "outside the folders you added" in errors[0]
    assert (lib / "near.jpg.xmp").is_file()
    assert not (outside / "far.jpg.xmp").exists()
