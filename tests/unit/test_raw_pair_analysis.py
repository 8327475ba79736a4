"""The RAW of a joined RAW+JPEG pair is not analysed (core/library/analysis_records.py): its
JPEG stands for it in search, and decoding RAWs costs many times a JPEG. Listing both files
again queues the RAWs, and the next run analyses them.

Real files, a real library and the real toy model; the RAW twins hold bytes no decoder reads,
so a run that tries to analyse one records it as a skipped (corrupt) file, and one that leaves
it alone records nothing.
"""

from __future__ import annotations

from pathlib import Path

from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.service.library import PhotoLibrary
from tests.toyworld import generate_photos
from tests.unit.test_raw_pairs import add_raw_twins


def test_a_hidden_raw_is_neither_analysed_nor_counted_until_pairs_are_separated(
    tmp_path: Path, toy_model
) -> None:  # type: ignore[no-untyped-def]
    folder, db = tmp_path / "photos", tmp_path / "library.sqlite3"
    generate_photos(folder, 6, size=(160, 120), seed=5)
    with Store(db) as store:
        assert index_library(store, toy_model, [folder], workers=1).indexed == 6
    raw_ids = add_raw_twins(db, sorted(folder.glob("*.jpg"))[:2], analysed=False)

    with PhotoLibrary.open(db) as library:
        counts = library.analysis_counts(toy_model.spec)
        assert (counts.ready, counts.total) == (6, 6)  # "All 6 photos ready for search"
        summary = index_library(library.store, toy_model, [folder], workers=1)
        assert summary.indexed == 0 and not summary.skipped  # the RAWs were left alone
        assert library.store.vectors_for(library.store.models()[0].id, raw_ids)[0].size == 0

        library.set_joins_raw_pairs(False)
        counts = library.analysis_counts(toy_model.spec)
        assert (counts.ready, counts.total) == (6, 8)  # the RAWs are listed, not yet analysed
        summary = index_library(library.store, toy_model, [folder], workers=1)
        assert summary.skipped.get("corrupt") == 2  # tried: these RAWs hold no picture


def test_a_raw_alone_is_analysed_as_always(tmp_path: Path, toy_model) -> None:  # type: ignore[no-untyped-def]
    """Only a RAW with a JPEG beside it is hidden: one alone is a photo like any other."""
    folder, db = tmp_path / "photos", tmp_path / "library.sqlite3"
    generate_photos(folder, 3, size=(160, 120), seed=6)
    with Store(db) as store:
        assert index_library(store, toy_model, [folder], workers=1).indexed == 3
    jpeg = sorted(folder.glob("*.jpg"))[0]
    add_raw_twins(db, [jpeg], analysed=False)
    jpeg.unlink()  # the RAW is alone now
    with Store(db) as store:
        summary = index_library(store, toy_model, [folder], workers=1)
    assert summary.removed == 1 and summary.skipped.get("corrupt") == 1
