"""Scanner: the walk (what counts as a photo file) and the diff against the store."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from photosift.core.imaging.decode import IMAGE_EXTENSIONS
from photosift.core.imaging.fingerprint import CHUNK, fingerprint_file
from photosift.core.library.scan_records import PhotoWrite, SkipWrite
from photosift.core.library.scanner import plan_changes, walk_root
from photosift.core.library.store import Store
from photosift.core.paths import encode_relpath


def write(path: Path, data: bytes = b"x" * 10) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def relpaths(root: Path, **options: object) -> list[str]:
    return [f.relpath for f in walk_root(root, IMAGE_EXTENSIONS, **options).files]  # type: ignore[arg-type]


def test_walk_matches_extensions_case_insensitively_and_ignores_others(tmp_path: Path) -> None:
    for name in (
        "a.jpg",
        "b.JPEG",
        "sub/c.Png",
        "sub/deeper/d.webp",
        "notes.txt",
        "noext",
        "e.jpg.bak",
    ):
        write(tmp_path / name)
    assert relpaths(tmp_path) == ["a.jpg", "b.JPEG", "sub/c.Png", "sub/deeper/d.webp"]


def test_walk_skips_hidden_unless_asked(tmp_path: Path) -> None:
    write(tmp_path / ".thumbnails" / "t.jpg")
    write(tmp_path / "._resource.jpg")
    write(tmp_path / "visible.jpg")
    assert relpaths(tmp_path) == ["visible.jpg"]
    assert relpaths(tmp_path, include_hidden=True) == [
        "._resource.jpg",
        ".thumbnails/t.jpg",
        "visible.jpg",
    ]


def test_walk_follows_symlinks_without_looping(tmp_path: Path) -> None:
    write(tmp_path / "real" / "a.jpg")
    os.symlink(tmp_path / "real", tmp_path / "real" / "loop")
    os.symlink(tmp_path, tmp_path / "real" / "up")
    os.symlink(tmp_path / "missing.jpg", tmp_path / "dangling.jpg")
    found = relpaths(tmp_path)
    assert found == ["real/a.jpg"]


def test_walk_reports_symlinked_folder_once(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "x.jpg")
    library = tmp_path / "library"
    library.mkdir()
    os.symlink(outside, library / "linked")
    assert relpaths(library) == ["linked/x.jpg"]


def test_walk_never_follows_links_into_system_folders_or_an_ancestor(tmp_path: Path) -> None:
    library = tmp_path / "home" / "me" / "Pictures"
    write(library / "mine.jpg")
    nas = tmp_path / "mnt" / "nas"
    write(nas / "shared.jpg")
    os.symlink("/", library / "everything")
    os.symlink("/usr/share", library / "system")
    os.symlink(tmp_path / "home", library / "home-again")  # an ancestor of the library
    os.symlink(nas, library / "nas")  # a share elsewhere: followed
    listing = walk_root(library, IMAGE_EXTENSIONS)
    assert [f.relpath for f in listing.files] == ["mine.jpg", "nas/shared.jpg"]
    assert sorted(listing.refused_links) == ["everything", "home-again", "system"]


def test_walk_handles_non_utf8_names(tmp_path: Path) -> None:
    name = os.fsdecode(b"f\xe9te.jpg")
    write(tmp_path / name)
    (found,) = walk_root(tmp_path, IMAGE_EXTENSIONS).files
    assert found.relpath == name and found.size == 10
    assert encode_relpath(found.relpath) == "f%E9te.jpg"


def test_missing_root_is_unavailable(tmp_path: Path) -> None:
    listing = walk_root(tmp_path / "unplugged", IMAGE_EXTENSIONS)
    assert not listing.available and listing.files == []
    write(tmp_path / "file.jpg")
    assert not walk_root(tmp_path / "file.jpg", IMAGE_EXTENSIONS).available


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_subfolder_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "locked" / "a.jpg")
    (tmp_path / "locked").chmod(0)
    try:
        listing = walk_root(tmp_path, IMAGE_EXTENSIONS)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert listing.unreadable == ["locked"]


def test_fingerprint_covers_size_head_and_tail(tmp_path: Path) -> None:
    body = bytearray(np.random.default_rng(0).integers(0, 256, 3 * CHUNK, dtype=np.uint8).tobytes())
    base = fingerprint_file(write(tmp_path / "a.jpg", bytes(body)))
    assert fingerprint_file(write(tmp_path / "copy.jpg", bytes(body))) == base
    for offset in (0, len(body) - 1):
        changed = bytearray(body)
        changed[offset] ^= 1
        assert fingerprint_file(write(tmp_path / "b.jpg", bytes(changed))) != base
    assert fingerprint_file(write(tmp_path / "c.jpg", bytes(body) + b"\0")) != base
    middle = bytearray(body)
    middle[len(body) // 2] ^= 1  # the documented blind spot: same size, same head and tail
    assert fingerprint_file(write(tmp_path / "d.jpg", bytes(middle))) == base
    small = fingerprint_file(write(tmp_path / "s.jpg", b"abc"))
    assert small != fingerprint_file(write(tmp_path / "t.jpg", b"abd"))


def _store_with(tmp_path: Path, files: dict[str, bytes]) -> tuple[Store, int, int, Path]:
    folder = tmp_path / "lib"
    for name, data in files.items():
        write(folder / name, data)
    store = Store(tmp_path / "db.sqlite3")
    root = store.add_root(folder)
    model = store.register_model("m", 4, {})
    return store, root.id, model.id, folder


def _record(store: Store, root_id: int, model_id: int, folder: Path, name: str) -> int:
    info = (folder / name).stat()
    (pid,) = store.commit_batch(model_id, [PhotoWrite(
        root_id=root_id, relpath=name, size=info.st_size, mtime_ns=info.st_mtime_ns,
        fingerprint=fingerprint_file(folder / name), file_type="jpg", width=1, height=1,
        taken_at=None, camera=None, vector=np.ones(4, np.float32),
    )], [])  # fmt: skip
    return pid


def test_plan_classifies_unchanged_changed_new_moved_removed(tmp_path: Path) -> None:
    files = {n: n.encode() * 50 for n in ("same.jpg", "edit.jpg", "gone.jpg", "moveme.jpg")}
    store, root_id, model_id, folder = _store_with(tmp_path, files)
    ids = {n: _record(store, root_id, model_id, folder, n) for n in files}
    write(folder / "edit.jpg", b"edited!")
    (folder / "gone.jpg").unlink()
    os.renames(folder / "moveme.jpg", folder / "sub" / "moved.jpg")
    write(folder / "new.jpg", b"fresh")
    listing = walk_root(folder, IMAGE_EXTENSIONS)
    plan = plan_changes(store, model_id, [(store.roots()[0], listing)])
    assert plan.unchanged == 1
    assert [(m.photo_id, m.relpath) for m in plan.moves] == [(ids["moveme.jpg"], "sub/moved.jpg")]
    assert plan.removed_photo_ids == [ids["gone.jpg"]]
    work = {w.found.relpath: w for w in plan.work}
    assert sorted(work) == ["edit.jpg", "new.jpg"]
    assert work["edit.jpg"].photo_id == ids["edit.jpg"] and not work["edit.jpg"].keep_other_vectors
    assert work["new.jpg"].photo_id is None


def test_plan_retries_changed_skips_only(tmp_path: Path) -> None:
    store, root_id, model_id, folder = _store_with(
        tmp_path, {"bad.jpg": b"junk", "bad2.jpg": b"junk", "locked.jpg": b"x", "old.jpg": b"x"}
    )
    skips = []
    for name, reason in (
        ("bad.jpg", "corrupt"),
        ("bad2.jpg", "corrupt"),
        ("locked.jpg", "permission_denied"),
        ("old.jpg", "corrupt"),
    ):
        info = (folder / name).stat()
        skips.append(SkipWrite(root_id, name, info.st_size, info.st_mtime_ns, reason, None))
    store.commit_batch(model_id, [], skips)
    write(folder / "bad2.jpg", b"now longer")
    (folder / "old.jpg").unlink()
    plan = plan_changes(store, model_id, [(store.roots()[0], walk_root(folder, IMAGE_EXTENSIONS))])
    assert plan.skipped_unchanged == 1
    assert sorted(w.found.relpath for w in plan.work) == ["bad2.jpg", "locked.jpg"]
    assert len(plan.removed_skip_ids) == 1


def test_plan_treats_missing_or_emptied_root_as_offline(tmp_path: Path) -> None:
    store, root_id, model_id, folder = _store_with(tmp_path, {"a.jpg": b"a"})
    _record(store, root_id, model_id, folder, "a.jpg")
    (folder / "a.jpg").unlink()  # the mount point is still there, but empty
    plan = plan_changes(store, model_id, [(store.roots()[0], walk_root(folder, IMAGE_EXTENSIONS))])
    assert [r.id for r in plan.offline_roots] == [root_id] and plan.removed_photo_ids == []
    folder.rmdir()
    plan = plan_changes(store, model_id, [(store.roots()[0], walk_root(folder, IMAGE_EXTENSIONS))])
    assert [r.id for r in plan.offline_roots] == [root_id] and plan.removed_photo_ids == []


def test_plan_needs_vector_for_other_model_without_redecoding_others(tmp_path: Path) -> None:
    store, root_id, model_id, folder = _store_with(tmp_path, {"a.jpg": b"a"})
    pid = _record(store, root_id, model_id, folder, "a.jpg")
    other = store.register_model("other", 4, {})
    plan = plan_changes(store, other.id, [(store.roots()[0], walk_root(folder, IMAGE_EXTENSIONS))])
    (work,) = plan.work
    assert work.photo_id == pid and work.keep_other_vectors and work.fingerprint is not None


def test_plan_keeps_photos_under_unreadable_folders(tmp_path: Path) -> None:
    store, root_id, model_id, folder = _store_with(tmp_path, {"locked/a.jpg": b"a", "b.jpg": b"b"})
    locked = _record(store, root_id, model_id, folder, "locked/a.jpg")
    gone = _record(store, root_id, model_id, folder, "b.jpg")
    (folder / "b.jpg").unlink()
    listing = walk_root(folder, IMAGE_EXTENSIONS)
    listing.files = [f for f in listing.files if not f.relpath.startswith("locked/")]
    listing.unreadable = ["locked"]  # what a folder we may not list looks like
    del listing.folders["locked"]
    plan = plan_changes(store, model_id, [(store.roots()[0], listing)])
    assert plan.removed_photo_ids == [gone] and plan.offline_photo_ids == [locked]
