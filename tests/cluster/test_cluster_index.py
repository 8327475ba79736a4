"""`index --cluster` on a real Ray cluster, real photos and the real toy model.

The cluster is a head node started with `ray start` (conftest.py); each test compares what the
cluster run stored with what the local indexer stores for the same files, because "same
vectors, same skips, same resume semantics as a local run" is the contract.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from photosift.cluster.errors import SharedStorageError
from photosift.cluster.indexing import ClusterOptions, index_on_cluster
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.service.library import PhotoLibrary
from tests.cluster.conftest import descendants
from tests.samples import write_samples
from tests.toyworld import generate_photos

pytest.importorskip("ray.data", reason="the 'cluster' extra (ray[data]) is not installed")
pytestmark = pytest.mark.slow

PHOTO_ROW = "p.relpath, p.width, p.height, p.taken_at, p.camera, p.fingerprint, p.size"


def stored(db: Path) -> tuple[dict[str, tuple], dict[str, np.ndarray], dict[str, str], int]:
    """(photo facts, vector, skip reason) by relative path, straight from the tables, and the
    number of photo rows (a catalogued file that could not be decoded keeps a hidden row)."""
    with Store(db, create=False) as store:
        rows = store.db.execute(
            f"SELECT {PHOTO_ROW}, e.vector FROM photos p JOIN embeddings e ON e.photo_id = p.id"
        ).fetchall()
        skips = store.db.execute("SELECT relpath, reason FROM skipped").fetchall()
        photo_rows = store.db.execute("SELECT COUNT(*) FROM photos").fetchone()[0]
    assert len({r[0] for r in rows}) == len(rows), "a photo with two vectors"
    facts = {r[0]: tuple(r[1:-1]) for r in rows}
    vectors = {r[0]: np.frombuffer(r[-1], dtype=np.float32) for r in rows}
    return facts, vectors, dict(skips), photo_rows


def index_locally(folder: Path, db: Path, model) -> None:
    with Store(db) as store:
        summary = index_library(store, model, [folder], batch_size=8, workers=2)
    assert not summary.cancelled


def assert_same_as_local(cluster_db: Path, local_db: Path) -> None:
    facts, vectors, skips, photo_rows = stored(cluster_db)
    local_facts, local_vectors, local_skips, local_photo_rows = stored(local_db)
    assert photo_rows == local_photo_rows
    assert facts == local_facts
    assert skips == local_skips
    for relpath, vector in local_vectors.items():
        cosine = float(vector @ vectors[relpath])
        assert cosine >= 0.9999, f"{relpath}: cosine {cosine:.6f} with the local vector"


def test_cluster_run_stores_what_a_local_run_stores(
    tmp_path: Path, toy_model, ray_head: tuple[str, subprocess.Popen]
) -> None:
    address, _ = ray_head
    folder = tmp_path / "photos"
    expected = write_samples(folder / "samples")
    generate_photos(folder / "toy", 16, size=(320, 240))
    index_locally(folder, tmp_path / "local.sqlite3", toy_model)
    seen: list[int] = []
    with PhotoLibrary.open(tmp_path / "cluster.sqlite3") as library:
        result = index_on_cluster(
            library, toy_model, [folder], ClusterOptions(address, workers=2, batch_size=8),
            progress=lambda p: seen.append(p.done),
        )  # fmt: skip
        assert library.store.get_setting("active_model") == toy_model.spec
    assert_same_as_local(tmp_path / "cluster.sqlite3", tmp_path / "local.sqlite3")
    summary = result.summary
    assert not summary.cancelled and result.actors == 2 and result.device == "cpu"
    # Every catalogued file went through the cluster (files the catalog phase already skipped,
    # such as one that is not an image, never do).
    files = summary.catalogued
    assert sum(result.per_node.values()) == files == seen[-1] and seen == sorted(seen)
    assert summary.skipped.get("corrupt") == sum(
        1 for e in expected.values() if e.outcome == "corrupt"
    )
    with PhotoLibrary.open(tmp_path / "cluster.sqlite3") as library:
        again = index_on_cluster(library, toy_model, [], ClusterOptions(address))
    assert again.summary.indexed == 0 and again.per_node == {}


def test_workers_import_this_checkout(ray_head: tuple[str, subprocess.Popen]) -> None:
    """The head inherited this process's environment, so its workers run the code under test."""
    import ray

    import photosift

    ray.init(address=ray_head[0], include_dashboard=False, log_to_driver=False)
    try:
        where = ray.get(ray.remote(lambda: __import__("photosift").__file__).remote())
    finally:
        ray.shutdown()
    assert where == photosift.__file__


def test_decoding_runs_in_tasks_apart_from_the_embedding_actors(
    tmp_path: Path, toy_model, ray_head: tuple[str, subprocess.Popen]
) -> None:
    """Ray Data fuses a map into the next operator when their remote arguments match: then
    each file would be decoded by the actor that embeds, one at a time. The decode tasks ask
    for memory (a named argument, not the `ray_remote_args` Ray 2.64 removes) to stay apart."""
    import warnings

    from photosift.cluster.indexing import _recipe
    from photosift.cluster.pipeline import embedding_dataset, row_for
    from photosift.cluster.session import connect

    photos = generate_photos(tmp_path / "photos", 4, size=(160, 120))
    rows = [row_for(i, p.path, None) for i, p in enumerate(photos)]
    with connect(ray_head[0], 1) as placement, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        done = embedding_dataset(rows, _recipe(toy_model), placement, 2).materialize()
        operators = [line for line in str(done.stats()).splitlines() if line.startswith("Operator")]
        assert done.count() == 4
    assert not [w for w in caught if "ray_remote_args" in str(w.message)]
    decode = [line for line in operators if "Map(prepare_row)" in line]
    embed = [line for line in operators if "MapBatches(EmbeddingActor)" in line]
    assert len(decode) == len(embed) == 1 and decode != embed, operators


def wait_for_rows(db: Path, at_least: int, timeout: float = 300.0) -> int:
    """Poll the library (the driver writes it) until it holds `at_least` vectors (the photo rows
    all come at once, from the catalog phase; vectors come batch by batch)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with Store(db, create=False) as store:
                count = store.db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
            if count >= at_least:
                return int(count)
        except Exception:  # not created yet, or the writer holds it this instant
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{db} never held {at_least} photos")


def test_a_killed_worker_loses_and_duplicates_nothing(
    tmp_path: Path, toy_model, ray_head: tuple[str, subprocess.Popen]
) -> None:
    address, head = ray_head
    folder = tmp_path / "photos"
    count = 240  # enough batches that the kill lands mid-run even on a quiet machine
    generate_photos(folder, count, size=(320, 240))
    db = tmp_path / "cluster.sqlite3"
    killed: dict[str, object] = {}

    def kill_an_actor_after_the_first_batch() -> None:
        killed["rows_before"] = wait_for_rows(db, 4)
        actors = {
            pid: title for pid, title in descendants(head.pid).items() if "EmbeddingActor" in title
        }
        if actors:
            pid = min(actors)
            os.kill(pid, signal.SIGKILL)
            killed["pid"], killed["title"] = pid, actors[pid]

    killer = threading.Thread(target=kill_an_actor_after_the_first_batch, daemon=True)
    killer.start()
    with PhotoLibrary.open(db) as library:
        result = index_on_cluster(
            library, toy_model, [folder], ClusterOptions(address, workers=2, batch_size=4)
        )
    killer.join(timeout=10)
    assert "pid" in killed, "no embedding actor was found to kill"
    assert int(killed["rows_before"]) < count, "the run was over before the kill"  # type: ignore[call-overload]
    print(
        f"fault: SIGKILLed {killed['title']} after {killed['rows_before']}/{count} photos were committed"
    )
    assert result.summary.indexed == count and not result.summary.cancelled
    index_locally(folder, tmp_path / "local.sqlite3", toy_model)
    assert_same_as_local(db, tmp_path / "local.sqlite3")


def test_a_worker_that_cannot_see_a_photo_stops_the_run_with_a_clear_error(
    tmp_path: Path, toy_model, ray_head: tuple[str, subprocess.Popen]
) -> None:
    """`shared/` reaches its photos through /proc/self/fd/N, an fd only this process holds.

    So this process (the driver) lists and sees the files, and a worker, in another process,
    does not: what a node that lacks the mount would see.
    """
    hidden = tmp_path / "only-the-driver-sees-this"
    generate_photos(hidden, 4, size=(160, 120))
    folder = tmp_path / "photos"
    folder.mkdir()
    fd = os.open(hidden, os.O_RDONLY)
    private_fd = os.dup2(fd, 987)  # high, so no Ray worker holds the same number by chance
    os.close(fd)
    (folder / "shared").symlink_to(f"/proc/self/fd/{private_fd}")
    try:
        with PhotoLibrary.open(tmp_path / "cluster.sqlite3") as library:
            with pytest.raises(SharedStorageError) as error:
                index_on_cluster(library, toy_model, [folder], ClusterOptions(address=ray_head[0]))
    finally:
        os.close(private_fd)
    assert "/shared/0001_" in str(error.value) and "same path" in str(error.value)
    with Store(tmp_path / "cluster.sqlite3", create=False) as store:
        assert store.skipped_files() == []  # not recorded as vanished: the files are fine
