"""The indexing pipeline on real files with the real toy model (and a random ViT-B-32)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from photosift.core.cancel import CancelToken
from photosift.core.imaging.decode_pool import DecodePool, DecodeTimeout
from photosift.core.library.folders import FolderNotFoundError
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from tests.samples import IGNORED, INDEXED, write_samples
from tests.toyworld import generate_photos


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "library.sqlite3")
    yield s
    s.close()


def vectors_by_path(store: Store, spec: str) -> dict[str, bytes]:
    """relpath -> stored BLOB, straight from the table."""
    rows = store.db.execute(
        "SELECT p.relpath, e.vector FROM photos p JOIN embeddings e ON e.photo_id = p.id "
        "JOIN models m ON m.id = e.model_id WHERE m.spec = ?",
        [spec],
    )
    return {r[0]: r[1] for r in rows}


def ids_by_path(store: Store) -> dict[str, int]:
    return {r[1]: r[0] for r in store.db.execute("SELECT id, relpath FROM photos")}


def test_every_sample_is_indexed_or_skipped_with_its_reason(
    tmp_path: Path, store: Store, toy_model
) -> None:
    expected = write_samples(tmp_path / "lib")
    summary = index_library(store, toy_model, [tmp_path / "lib"], batch_size=8, workers=2)
    photos = {p.relpath: p for p in store.photos(list(ids_by_path(store).values()))}
    skipped = {s.relpath: s for s in store.skipped_files()}
    for name, want in expected.items():
        if want.outcome == INDEXED:
            assert name in photos, f"{name} was not indexed: {skipped.get(name)}"
            record = photos[name]
            assert (record.width, record.height) == want.size, name
            if want.camera:
                assert record.camera == want.camera, name
            if want.taken_at:
                assert record.taken_at == pytest.approx(want.taken_at), name
        elif want.outcome == IGNORED:
            assert name not in photos and name not in skipped, name
        else:
            assert name in skipped, f"{name} should be skipped as {want.outcome}"
            assert skipped[name].reason == want.outcome, name
    indexed = sum(1 for w in expected.values() if w.outcome == INDEXED)
    assert summary.indexed == indexed and not summary.cancelled
    assert (
        sum(summary.skipped.values())
        == len(skipped)
        == sum(1 for w in expected.values() if w.outcome not in (INDEXED, IGNORED))
    )
    assert store.get_setting("active_model") == toy_model.spec


def test_second_run_decodes_and_rewrites_nothing(tmp_path: Path, store: Store, toy_model) -> None:
    write_samples(tmp_path / "lib")
    first = index_library(store, toy_model, [tmp_path / "lib"], batch_size=8)
    rows = store.db.execute(
        "SELECT rowid, photo_id, vector FROM embeddings ORDER BY rowid"
    ).fetchall()
    totals: list[int] = []
    second = index_library(store, toy_model, None, progress=lambda p: totals.append(p.total))
    assert second.indexed == 0 and second.skipped == {} and second.moved == second.removed == 0
    assert second.unchanged == first.indexed + sum(first.skipped.values())
    assert set(totals) == {0}  # nothing was ever queued for decoding
    assert (
        store.db.execute("SELECT rowid, photo_id, vector FROM embeddings ORDER BY rowid").fetchall()
        == rows
    )


def test_rename_move_delete_and_edit(tmp_path: Path, store: Store, toy_model) -> None:
    lib = tmp_path / "lib"
    generate_photos(lib / "a", 6, size=(160, 120), seed=1)
    generate_photos(lib / "b", 3, size=(160, 120), seed=2)
    index_library(store, toy_model, [lib], batch_size=4)
    ids, blobs = ids_by_path(store), vectors_by_path(store, toy_model.spec)
    a = sorted(p.name for p in (lib / "a").glob("*.jpg"))
    with store.transaction() as conn:  # a manual tag on the photo about to move
        conn.execute("INSERT INTO labels (name, created_at) VALUES ('mine', 0)")
        conn.execute(
            "INSERT INTO photo_tags (photo_id, label_id, source, state, updated_at) "
            "VALUES (?, 1, 'manual', 'assigned', 0)",
            [ids[f"a/{a[1]}"]],
        )
    os.rename(lib / "a" / a[0], lib / "a" / "renamed.jpg")
    os.renames(lib / "a" / a[1], lib / "b" / "deeper" / "moved.jpg")
    (lib / "a" / a[2]).unlink()
    generate_photos(tmp_path / "other", 1, size=(160, 120), seed=9)[0].path.replace(
        lib / "a" / a[3]
    )

    summary = index_library(store, toy_model, None, batch_size=4)

    assert (summary.moved, summary.removed, summary.indexed) == (2, 1, 1)
    assert summary.removed_ids == [ids[f"a/{a[2]}"]]
    after, after_blobs = ids_by_path(store), vectors_by_path(store, toy_model.spec)
    assert after["a/renamed.jpg"] == ids[f"a/{a[0]}"]
    assert after_blobs["a/renamed.jpg"] == blobs[f"a/{a[0]}"]
    assert after["b/deeper/moved.jpg"] == ids[f"a/{a[1]}"]
    assert after_blobs["b/deeper/moved.jpg"] == blobs[f"a/{a[1]}"]
    tagged = store.db.execute("SELECT photo_id FROM photo_tags").fetchall()
    assert tagged == [(ids[f"a/{a[1]}"],)]
    assert len(after) == 9 and store.photo(after[f"a/{a[2]}"]).removed_at is not None  # soft
    assert after[f"a/{a[3]}"] == ids[f"a/{a[3]}"]  # edited in place: same photo, new vector
    assert after_blobs[f"a/{a[3]}"] != blobs[f"a/{a[3]}"]


def test_missing_root_goes_offline_and_comes_back(tmp_path: Path, store: Store, toy_model) -> None:
    drive, other = tmp_path / "drive", tmp_path / "other"
    generate_photos(drive, 3, size=(160, 120), seed=1)
    generate_photos(other, 2, size=(160, 120), seed=2)
    index_library(store, toy_model, [drive, other])
    blobs = vectors_by_path(store, toy_model.spec)
    drive.rename(tmp_path / "unplugged")

    summary = index_library(store, toy_model)

    assert summary.offline_roots == [str(drive)] and summary.removed == 0
    assert vectors_by_path(store, toy_model.spec) == blobs
    offline = {p.relpath for p in store.photos(store.offline_photo_ids().tolist())}
    assert len(offline) == 3 and all(not r.online for r in store.roots() if r.path == str(drive))
    (tmp_path / "unplugged").rename(drive)
    summary = index_library(store, toy_model)
    assert summary.offline_roots == [] and summary.indexed == 0 and summary.unchanged == 5
    assert store.offline_photo_ids().size == 0 and all(r.online for r in store.roots())


def test_unknown_folder_is_an_error(tmp_path: Path, store: Store, toy_model) -> None:
    with pytest.raises(FolderNotFoundError, match="does not exist"):
        index_library(store, toy_model, [tmp_path / "nope"])
    assert store.roots() == []


def test_file_deleted_while_indexing(tmp_path: Path, store: Store, toy_model) -> None:
    photos = generate_photos(tmp_path / "lib", 30, size=(160, 120))
    victim = photos[-1].path

    def delete_victim(progress) -> None:
        if progress.phase == "embedding" and victim.exists():
            victim.unlink()

    summary = index_library(
        store, toy_model, [tmp_path / "lib"], batch_size=4, workers=1, progress=delete_victim
    )
    assert summary.skipped == {"vanished": 1} and summary.indexed == 29
    assert store.skipped_files() == []  # a vanished file is not "unreadable"
    # It was catalogued before it vanished: never analysed, and the next scan, which sees it
    # gone from a listed folder, hides it (a soft removal, see test_offline.py).
    model_id = store.model_by_spec(toy_model.spec).id
    assert ids_by_path(store)[victim.name] not in store.ids_with_vectors(model_id)
    again = index_library(store, toy_model, batch_size=4, workers=1)
    assert (again.removed, again.indexed) == (1, 0)


def test_cancel_stops_within_one_batch_and_next_run_resumes(
    tmp_path: Path, store: Store, toy_model
) -> None:
    generate_photos(tmp_path / "lib", 24, size=(160, 120))
    token = CancelToken()
    batches: list[list[int]] = []

    def on_batch(ids: list[int]) -> None:
        batches.append(ids)
        token.cancel()

    summary = index_library(
        store, toy_model, [tmp_path / "lib"], batch_size=4, on_batch=on_batch, cancel=token
    )
    assert summary.cancelled and summary.indexed == 4 and len(batches) == 1
    model_id = store.model_by_spec(toy_model.spec).id
    assert (store.analysis_counts(model_id).ready, store.photo_count()) == (4, 24)
    assert store.get_setting("active_model") is None
    summary = index_library(store, toy_model, batch_size=4)
    assert not summary.cancelled and (summary.indexed, summary.unchanged) == (20, 4)


def test_cancel_mid_batch_commits_what_was_decoded(tmp_path: Path, store: Store, toy_model) -> None:
    generate_photos(tmp_path / "lib", 24, size=(160, 120))
    token = CancelToken()

    def progress(p) -> None:
        if p.phase == "embedding" and p.done == 6:
            token.cancel()

    summary = index_library(
        store, toy_model, [tmp_path / "lib"], batch_size=4, progress=progress, cancel=token
    )
    assert summary.cancelled and summary.indexed == 6
    assert store.analysis_counts(store.model_by_spec(toy_model.spec).id).ready == 6


def test_pause_holds_the_next_batch_until_resumed(tmp_path: Path, store: Store, toy_model) -> None:
    generate_photos(tmp_path / "lib", 8, size=(160, 120))
    token = CancelToken()
    events: list[str] = []

    def resume_later() -> None:
        time.sleep(0.3)
        events.append("resumed")
        token.resume()

    def on_batch(ids: list[int]) -> None:
        events.append("batch")
        if len(events) == 1:
            token.pause()
            threading.Thread(target=resume_later).start()

    summary = index_library(
        store, toy_model, [tmp_path / "lib"], batch_size=4, on_batch=on_batch, cancel=token
    )
    assert events == ["batch", "resumed", "batch"] and summary.indexed == 8


def test_slow_decode_is_skipped_as_timeout_and_not_retried(
    tmp_path: Path, store: Store, toy_model
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    Image.new("L", (8000, 8000)).save(lib / "huge.png", compress_level=9)  # 64 MP to inflate
    summary = index_library(store, toy_model, [lib], decode_timeout=0.02)
    assert summary.skipped == {"timeout": 1}
    (skip,) = store.skipped_files()
    assert skip.reason == "timeout" and "0.02" in (skip.detail or "")
    assert index_library(store, toy_model).unchanged == 1


def test_decode_pool_replaces_a_hung_worker() -> None:
    release = threading.Event()

    def work(item: str) -> str:
        if item == "hang":
            release.wait()
        return item.upper()

    pool = DecodePool(work, workers=1, timeout=0.2)
    try:
        hung, after = pool.submit("hang"), pool.submit("next")
        with pytest.raises(DecodeTimeout):
            pool.result(hung)
        assert pool.result(after) == "NEXT"  # served by the replacement thread
    finally:
        pool.close()
        release.set()


def _reference_vectors(model, paths: list[Path]) -> np.ndarray:
    images = []
    for path in paths:
        with Image.open(path) as image:
            images.append(ImageOps.exif_transpose(image).convert("RGB"))
    return model.encode_images(images)


def _check_against_reference(tmp_path: Path, model) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    photos = generate_photos(tmp_path / "src", 4, size=(2400, 1800), seed=3)
    exact = []
    for i, photo in enumerate(photos):
        shutil.copy(photo.path, lib / f"big_{i}.jpg")
        with Image.open(photo.path) as image:
            small = image.resize((480, 360))
        for name, options in (
            ("png", {}),
            ("tiff", {"compression": "tiff_lzw"}),
            ("webp", {"lossless": True}),
        ):
            small.save(lib / f"small_{i}.{name}", **options)
            exact.append(lib / f"small_{i}.{name}")
    with Store(tmp_path / "ref.sqlite3") as store:
        index_library(store, model, [lib], batch_size=5, workers=2)
        by_path = {p.abspath: p.id for p in store.photos(list(ids_by_path(store).values()))}
        record = store.model_by_spec(model.spec)
        assert record is not None
        ids, matrix = store.load_vectors(record.id)
    row = {int(pid): i for i, pid in enumerate(ids)}
    pipeline = lambda paths: matrix[[row[by_path[p]] for p in paths]]
    np.testing.assert_allclose(pipeline(exact), _reference_vectors(model, exact), atol=1e-5)
    jpegs = sorted(lib.glob("big_*.jpg"))
    cosines = np.sum(pipeline(jpegs) * _reference_vectors(model, jpegs), axis=1)
    assert cosines.min() >= 0.99, cosines


def test_pipeline_matches_reference_embeddings_toy(tmp_path: Path, toy_model) -> None:
    _check_against_reference(tmp_path, toy_model)


@pytest.mark.slow
def test_pipeline_matches_reference_embeddings_vit_b_32(tmp_path: Path) -> None:
    from photosift.core.model.loader import random_model

    _check_against_reference(tmp_path, random_model("ViT-B-32"))
