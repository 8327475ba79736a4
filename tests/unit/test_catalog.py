"""Cataloguing without a model on real files, and analysis resuming from the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from photosift.core.cancel import CancelToken
from photosift.core.library.catalog import catalog_library
from photosift.core.library.indexer import index_library
from photosift.core.library.progress import IndexPhase, RateEstimator
from photosift.core.library.store import Store
from tests.samples import IGNORED, INDEXED, write_samples
from tests.toyworld import generate_photos


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "library.sqlite3")
    yield s
    s.close()


def vector_count(store: Store) -> int:
    return store.db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]


def test_catalog_records_every_photo_with_metadata_and_no_vector(
    tmp_path: Path, store: Store
) -> None:
    expected = write_samples(tmp_path / "lib")
    phases: set[str] = set()
    summary = catalog_library(store, [tmp_path / "lib"], progress=lambda p: phases.add(p.phase))
    ids = [r[0] for r in store.db.execute("SELECT id FROM photos")]
    photos = {p.relpath: p for p in store.photos(ids)}
    skipped = {s.relpath: s for s in store.skipped_files()}
    for name, want in expected.items():
        if want.outcome == INDEXED:
            assert name in photos, f"{name} was not catalogued: {skipped.get(name)}"
            assert (photos[name].width, photos[name].height) == want.size, name
            if want.camera:
                assert photos[name].camera == want.camera, name
            if want.taken_at and not name.endswith(".png"):  # PNG keeps EXIF behind the pixels
                assert photos[name].taken_at == pytest.approx(want.taken_at), name
        elif want.outcome == IGNORED:
            assert name not in photos and name not in skipped, name
    indexed = sum(1 for w in expected.values() if w.outcome == INDEXED)
    assert summary.catalogued >= indexed and not summary.cancelled
    assert vector_count(store) == 0 and store.models() == []
    assert store.analysis_counts(None).total == store.photo_count() == summary.catalogued
    assert {IndexPhase.SCANNING, IndexPhase.CATALOGUING} <= phases


def test_analysis_skips_what_the_header_hid_and_counts_become_ready(
    tmp_path: Path, store: Store, toy_model
) -> None:
    """Damaged pixels pass the header read; analysis skips them with the decoder's reason."""
    expected = write_samples(tmp_path / "lib")
    catalog_library(store, [tmp_path / "lib"])
    summary = index_library(store, toy_model, batch_size=8, workers=2)
    indexed = sum(1 for w in expected.values() if w.outcome == INDEXED)
    model_id = store.model_by_spec(toy_model.spec).id
    assert store.analysis_counts(model_id).ready == store.photo_count() == indexed
    assert summary.indexed == indexed and summary.catalogued == 0
    skipped = {s.relpath: s.reason for s in store.skipped_files()}
    for name, want in expected.items():
        if want.outcome not in (INDEXED, IGNORED):
            assert skipped.get(name) == want.outcome, name


def test_cancelled_catalog_keeps_whole_batches_and_resumes(tmp_path: Path, store: Store) -> None:
    generate_photos(tmp_path / "lib", 30, size=(96, 72))
    token = CancelToken()
    batches: list[list[int]] = []

    def on_batch(ids: list[int]) -> None:
        batches.append(ids)
        token.cancel()

    first = catalog_library(
        store, [tmp_path / "lib"], batch_size=8, on_batch=on_batch, cancel=token
    )
    assert first.cancelled and first.catalogued == 8 and store.photo_count() == 8
    assert store.roots()[0].last_scan is None  # not marked scanned: the run did not finish
    second = catalog_library(store, batch_size=8)
    assert (second.catalogued, second.unchanged, second.cancelled) == (22, 8, False)
    assert store.photo_count() == 30


def test_analysis_resumes_photos_catalogued_by_an_earlier_run(
    tmp_path: Path, store: Store, toy_model
) -> None:
    generate_photos(tmp_path / "lib", 12, size=(96, 72))
    catalog_library(store, [tmp_path / "lib"])
    seen: list[int] = []
    summary = index_library(store, toy_model, batch_size=4, on_batch=seen.extend)
    assert (summary.indexed, summary.catalogued, summary.unchanged) == (12, 0, 0)
    assert sorted(seen) == sorted(r[0] for r in store.db.execute("SELECT id FROM photos"))
    again = index_library(store, toy_model)
    assert (again.indexed, again.unchanged) == (0, 12)


def test_an_edited_file_loses_its_stale_vector_when_catalogued(
    tmp_path: Path, store: Store, toy_model
) -> None:
    photos = generate_photos(tmp_path / "lib", 4, size=(96, 72))
    index_library(store, toy_model, [tmp_path / "lib"])
    model_id = store.model_by_spec(toy_model.spec).id
    generate_photos(tmp_path / "other", 1, size=(120, 90), seed=7)[0].path.replace(photos[0].path)
    summary = catalog_library(store)
    assert summary.catalogued == 1
    counts = store.analysis_counts(model_id)
    assert (counts.ready, counts.total, counts.pending) == (3, 4, 1)
    (pending,) = store.pending_photos(model_id, [store.roots()[0].id])
    assert store.photo(pending.id).width == 120  # the row already shows the new file


def test_rate_and_eta_wait_for_a_few_batches() -> None:
    rates = RateEstimator(100)
    rates.batch_done(40, now=1.0)  # a warm-up batch that looks absurdly fast
    assert (rates.rate(), rates.eta(40)) == (0.0, None)
    rates.batch_done(45, now=3.0)
    assert rates.eta(45) is None
    rates.batch_done(50, now=5.0)
    assert rates.rate() == pytest.approx(2.5)  # 10 photos in 4 s after the first batch
    assert rates.eta(50) == pytest.approx(20.0)


def test_tagging_works_on_what_is_analysed_and_counts_the_rest(
    tmp_path: Path, store: Store, toy_model
) -> None:
    from photosift.core.tagging.tag_book import TagBook
    from photosift.core.tagging.tagger import Tagger

    generate_photos(tmp_path / "lib", 6, size=(96, 72))
    index_library(store, toy_model, [tmp_path / "lib"])
    generate_photos(tmp_path / "lib" / "new", 4, size=(96, 72), seed=3)
    catalog_library(store)  # four more photos, not analysed yet
    tags = TagBook(store)
    for name in ("red", "blue", "circle", "square"):
        tags.add_label(name)
    summary = Tagger(store, toy_model, tags.labels()).run()
    assert (summary.photos, summary.not_analysed) == (6, 4)
    folder = Tagger(store, toy_model, tags.labels()).run(folder=tmp_path / "lib" / "new")
    assert (folder.photos, folder.not_analysed) == (0, 4)
