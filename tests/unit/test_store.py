"""Store: photo rows, vectors and skips written per batch, read back fast and intact."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from photosift.core.library.scan_records import PhotoMove, PhotoWrite, SkipWrite
from photosift.core.library.store import PAGE_SIZE, SCHEMA_VERSION, Store
from photosift.core.paths import encode_relpath

DIM = 8


def unit_rows(count: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def photo(root_id: int, relpath: str, vector: np.ndarray, **extra: object) -> PhotoWrite:
    fields = dict(
        root_id=root_id, relpath=encode_relpath(relpath), size=100, mtime_ns=5,
        fingerprint=f"fp-{encode_relpath(relpath)}", file_type="jpg", width=40, height=30, taken_at=None,
        camera=None, vector=vector,
    )  # fmt: skip
    fields.update(extra)
    return PhotoWrite(**fields)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "lib.sqlite3")
    yield s
    s.close()


@pytest.fixture
def root(store: Store, tmp_path: Path):
    folder = tmp_path / "photos"
    folder.mkdir()
    return store.add_root(folder)


def test_new_database_uses_large_pages_and_keeps_shared_tables(store: Store) -> None:
    assert store.db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    assert {"labels", "photo_tags", "settings", "embeddings"} <= set(store.db.table_names())


def test_load_vectors_returns_sorted_ids_and_exact_float32_rows(store: Store, root) -> None:
    model = store.register_model("m", DIM, {"size": 8})
    vectors = unit_rows(5)
    ids = store.commit_batch(
        model.id, [photo(root.id, f"{i}.jpg", vectors[i]) for i in range(5)], []
    )
    # rewrite the first photo: its vector row gets a newer rowid, so storage order != id order
    store.commit_batch(model.id, [photo(root.id, "0.jpg", vectors[0], photo_id=ids[0])], [])
    loaded_ids, matrix = store.load_vectors(model.id)
    assert loaded_ids.dtype == np.int64 and loaded_ids.tolist() == sorted(ids)
    assert matrix.dtype == np.float32 and matrix.flags["C_CONTIGUOUS"] and matrix.flags["WRITEABLE"]
    np.testing.assert_allclose(matrix, vectors, atol=1e-7)
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-6)
    sub_ids, sub = store.vectors_for(model.id, [ids[3], ids[1]])
    assert sub_ids.tolist() == [ids[1], ids[3]]
    np.testing.assert_array_equal(sub, matrix[[1, 3]])


def test_vectors_are_stored_normalised_little_endian(store: Store, root) -> None:
    model = store.register_model("m", DIM, {})
    (pid,) = store.commit_batch(model.id, [photo(root.id, "a.jpg", np.full(DIM, 3.0))], [])
    blob = store.db.execute("SELECT vector FROM embeddings WHERE photo_id = ?", [pid]).fetchone()[0]
    np.testing.assert_allclose(
        np.frombuffer(blob, "<f4"), np.full(DIM, 1 / np.sqrt(DIM)), rtol=1e-6
    )


def test_empty_library_gives_empty_matrix_of_model_dimension(store: Store) -> None:
    model = store.register_model("m", DIM, {})
    ids, matrix = store.load_vectors(model.id)
    assert ids.shape == (0,) and matrix.shape == (0, DIM)


def test_batch_is_atomic(store: Store, root) -> None:
    model = store.register_model("m", DIM, {})
    bad_skip = SkipWrite(root.id + 99, "x.jpg", 1, 1, "corrupt", "broken")  # unknown root: FK error
    with pytest.raises(sqlite3.IntegrityError):
        store.commit_batch(model.id, [photo(root.id, "a.jpg", unit_rows(1)[0])], [bad_skip])
    assert store.photo_count() == 0
    assert store.load_vectors(model.id)[0].size == 0


def test_photo_records_decode_odd_names(store: Store, root) -> None:
    model = store.register_model("m", DIM, {})
    odd = os.fsdecode(b"caf\xe9 100%/\xff.jpg")  # Latin-1 bytes: not UTF-8
    ids = store.commit_batch(
        model.id, [photo(root.id, odd, unit_rows(1)[0], taken_at=12.5, camera="Canon X")], []
    )
    record = store.photo(ids[0])
    assert record is not None
    assert record.relpath == odd
    assert record.abspath == Path(root.path, os.fsdecode(b"caf\xe9 100%"), os.fsdecode(b"\xff.jpg"))
    assert (record.width, record.height, record.taken_at, record.camera) == (
        40,
        30,
        12.5,
        "Canon X",
    )
    assert store.photo_id_at(record.abspath) == ids[0]
    assert store.photos([ids[0] + 50, ids[0]]) == [record]
    assert store.photo(ids[0] + 50) is None


def test_skip_replaces_photo_and_success_replaces_skip(store: Store, root) -> None:
    model = store.register_model("m", DIM, {})
    store.commit_batch(model.id, [photo(root.id, "a.jpg", unit_rows(1)[0])], [])
    store.commit_batch(model.id, [], [SkipWrite(root.id, "a.jpg", 3, 4, "corrupt", "truncated")])
    assert store.photo_count() == 0
    (skip,) = store.skipped_files()
    assert (skip.path, skip.reason, skip.detail) == (
        Path(root.path, "a.jpg"),
        "corrupt",
        "truncated",
    )
    store.commit_batch(model.id, [photo(root.id, "a.jpg", unit_rows(1)[0])], [])
    assert store.skipped_files() == [] and store.photo_count() == 1


def test_move_keeps_id_vector_and_tags(store: Store, root) -> None:
    model = store.register_model("m", DIM, {})
    (pid,) = store.commit_batch(model.id, [photo(root.id, "a.jpg", unit_rows(1)[0])], [])
    with store.transaction() as conn:
        conn.execute("INSERT INTO labels (name, created_at) VALUES ('cat', 0)")
        conn.execute(
            "INSERT INTO photo_tags (photo_id, label_id, source, state, updated_at) "
            "VALUES (?, 1, 'manual', 'assigned', 0)",
            [pid],
        )
    before = store.load_vectors(model.id)[1]
    store.apply_scan([PhotoMove(pid, root.id, "sub/b.jpg", 77)], [], [])
    record = store.photo(pid)
    assert record is not None and record.relpath == "sub/b.jpg" and record.mtime_ns == 77
    np.testing.assert_array_equal(store.load_vectors(model.id)[1], before)
    assert (
        store.db.execute("SELECT COUNT(*) FROM photo_tags WHERE photo_id = ?", [pid]).fetchone()[0]
        == 1
    )
    store.apply_scan([], [pid], [])  # a removal is soft: hidden, tags kept for the grace period
    removed = store.photo(pid)
    assert removed is not None and removed.removed_at is not None and store.photo_count() == 0
    assert store.db.execute("SELECT COUNT(*) FROM photo_tags").fetchone()[0] == 1
    assert store.purge_removed(older_than=removed.removed_at - 1) == []
    assert store.purge_removed() == [pid]
    assert store.photo(pid) is None
    assert store.db.execute("SELECT COUNT(*) FROM photo_tags").fetchone()[0] == 0


def test_root_stats_and_offline(store: Store, root, tmp_path: Path) -> None:
    a = store.register_model("a", DIM, {})
    b = store.register_model("b", DIM, {})
    ids = store.commit_batch(
        a.id, [photo(root.id, f"{i}.jpg", unit_rows(1)[0]) for i in range(3)], []
    )
    store.commit_batch(
        b.id,
        [photo(root.id, "0.jpg", unit_rows(1)[0], photo_id=ids[0], keep_other_vectors=True)],
        [],
    )
    store.commit_batch(a.id, [], [SkipWrite(root.id, "bad.png", 1, 1, "not_image", None)])
    (stats,) = store.root_stats(b.id)
    assert (stats.indexed, stats.skipped, stats.offline, stats.pending) == (1, 1, 0, 2)
    store.set_setting("active_model", "a")
    store.set_root_online(root.id, False)
    (stats,) = store.root_stats()
    assert (stats.indexed, stats.offline, stats.pending) == (3, 3, 0)
    assert not stats.root.online
    assert store.offline_photo_ids().tolist() == sorted(ids)
    assert store.library_model_specs() == ["a", "b"]


def test_remove_model_vectors_forgets_the_model(store: Store, root) -> None:
    model = store.register_model("m", DIM, {})
    store.commit_batch(
        model.id, [photo(root.id, f"{i}.jpg", unit_rows(1)[0]) for i in range(4)], []
    )
    assert store.remove_model_vectors("m") == 4
    assert store.model_by_spec("m") is None and store.library_model_specs() == []
    assert store.photo_count() == 4  # photos and their tags stay
    assert store.register_model("m", DIM * 2, {}).dim == DIM * 2


def test_concurrent_first_open_migrates_once(tmp_path: Path) -> None:
    """Several threads opening a brand-new library at once (GUI workers at first start)."""
    import threading

    path = tmp_path / "fresh.sqlite3"
    errors: list[BaseException] = []

    def open_and_close() -> None:
        try:
            Store(path).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_and_close) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE


def test_a_schema_1_library_is_upgraded_keeping_its_photos_and_a_backup(tmp_path: Path) -> None:
    import sqlite3

    import sqlite_utils

    from photosift.core.library.store import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    MIGRATIONS[1](sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO roots (path, added_at) VALUES ('/photos', 0)")
    conn.execute(
        "INSERT INTO photos (root_id, relpath, size, mtime_ns, fingerprint, file_type, added_at) "
        "VALUES (1, 'a.jpg', 1, 1, 'f', 'jpg', 0)"
    )
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        (record,) = store.photos([1])
        assert record.removed_at is None and not record.offline
        assert store.hidden_photo_ids().tolist() == []
    assert (tmp_path / "old.sqlite3.v1.bak").is_file()


def test_two_connections_registering_one_new_model_get_the_same_row(tmp_path: Path) -> None:
    """The indexing lane and the label-vector lane may both meet a new model at once."""
    import threading

    path = tmp_path / "library.sqlite3"
    Store(path).close()
    barrier = threading.Barrier(4)
    ids: list[int] = []
    errors: list[BaseException] = []

    def register() -> None:
        with Store(path) as store:
            barrier.wait()
            try:
                ids.append(store.register_model("local-dir:/m", 4, {"size": 4}).id)
            except BaseException as exc:  # the old check-then-insert raised IntegrityError
                errors.append(exc)

    threads = [threading.Thread(target=register) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(ids) == 4 and len(set(ids)) == 1
