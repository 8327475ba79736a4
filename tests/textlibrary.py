"""A small library of photos with English and Chinese words in them, indexed and read.

Built once per test session (OCR is the slow part: a few seconds a photo on a small CPU) and
shared read-only; a test that changes a library copies the file first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.library.text_pass import TextSummary, read_text_pass
from photosift.core.model.ocr import TextReader
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
