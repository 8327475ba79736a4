"""A small library of photos with English and Chinese words in them, indexed and read.

Built once per test session (OCR is the slow part: a few seconds a photo on a small CPU) and
shared read-only; a test that changes a library copies the file first.

`build_labelled_library` makes the larger library the CLIP gate is calibrated on: enough
photos with and without words, indexed with the real model, whose readings are stored as the
detection-gated text pass stores them (the words drawn, or NO_TEXT) rather than read by OCR,
which would take minutes for 70 photos on a small CPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.library.text_pass import TextSummary, read_text_pass
from photosift.core.library.text_records import TextState, TextWork
from photosift.core.model.ocr import TextBox, TextReader
from tests.textphotos import TextPhoto, write_text_photos


@dataclass(frozen=True)
class TextLibrary:
    db: Path
    folder: Path
    photos: dict[int, TextPhoto]  # photo id -> the photo and the words drawn in it
    summary: TextSummary

    def ids_with(self, word: str) -> set[int]:
        """The photos the word was drawn in (the truth a search is judged against)."""
        return {i for i, p in self.photos.items() if word in p.words}


def build_text_library(base: Path, model, reader: TextReader) -> TextLibrary:  # type: ignore[no-untyped-def]
    folder = base / "photos"
    photos = write_text_photos(folder, english=3, chinese=3, plain=2)
    db = base / "library.sqlite3"
    with Store(db) as store:
        index_library(store, model, [folder], batch_size=16, workers=2)
        summary = read_text_pass(store, reader)
        by_path = {p.path.resolve(): p for p in photos}
        ids = [r[0] for r in store.db.execute("SELECT id FROM photos")]
        mapping = {r.id: by_path[r.abspath.resolve()] for r in store.photos(ids)}
    return TextLibrary(db, folder, mapping, summary)


@dataclass(frozen=True)
class LabelledLibrary:
    db: Path
    photos: dict[int, TextPhoto]  # photo id -> the photo and the words drawn in it

    def ids(self, *, text: bool) -> list[int]:
        return [i for i, p in self.photos.items() if bool(p.words) is text]


def text_work(store: Store, photo_id: int) -> TextWork:
    """The text pass's work item for a library photo (to store a reading of it)."""
    record = store.photo(photo_id)
    assert record is not None
    fingerprint = store.db.execute(
        "SELECT fingerprint FROM photos WHERE id = ?", [photo_id]
    ).fetchone()[0]
    return TextWork(photo_id, record.abspath, fingerprint)


def build_labelled_library(
    base: Path,
    model,  # type: ignore[no-untyped-def]
    *,
    with_text: int,
    without_text: int,
    engine: str = "ocr-test",
) -> LabelledLibrary:
    folder = base / "photos"
    photos = write_text_photos(folder, english=with_text, chinese=0, plain=without_text)
    db = base / "library.sqlite3"
    corners = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.2), (0.1, 0.2))
    with Store(db) as store:
        index_library(store, model, [folder], workers=1)
        by_id = {store.photo_id_at(p.path): p for p in photos}
        readings = [
            (text_work(store, i), TextState.READ, [TextBox(" ".join(p.words), 0.98, corners)])  # type: ignore[arg-type]
            if p.words
            else (text_work(store, i), TextState.NO_TEXT, [])  # type: ignore[arg-type]
            for i, p in by_id.items()
        ]
        store.save_texts(readings, engine)
    return LabelledLibrary(db, by_id)  # type: ignore[arg-type]
