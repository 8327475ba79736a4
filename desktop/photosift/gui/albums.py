"""Albums, saved searches and actions on a selection, off the GUI thread.

Every read and write of albums, every export (copying files) and every list written to disk
runs on the "organize" lane; answers come back as signals with plain values. Only the window's
indexing lane writes photos; album rows are separate tables, so this lane's short writes land
between indexing batches (WAL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from photosift.gui.remedies import describe
from photosift.gui.results_model import PhotoItem
from photosift.gui.workers import Job, JobContext, Lane, thread_library

if TYPE_CHECKING:
    from photosift.core.library.album_records import AlbumMove
    from photosift.core.library.filters import Filters
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.service.library import PhotoLibrary


class AlbumsController(QObject):
    albums_loaded = Signal(list)  # list[Album], sidebar order
    # name, list[PhotoItem] in the album's order (a saved search's: best match first), and
    # whether it is a saved search (its order comes from its query: no moves)
    album_opened = Signal(str, list, bool)
    album_reordered = Signal(str, list)  # name, its photo ids in their new order
    exported = Signal(object)  # ExportSummary
    export_progress = Signal(int, int)  # done, total
    list_saved = Signal(str)  # the file written
    failed = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self._lane = Lane("organize", self)
        self.export_job: Job | None = None

    def _submit(self, job: Job) -> Job:
        return self._lane.submit(job)  # the lane holds each job until its own `finished`

    def _library(self, ctx: JobContext) -> PhotoLibrary:
        return thread_library(ctx, self.db_path)

    def _run(self, work, on_success=None, *, refresh: bool = False) -> Job:
        job = Job(work, "organize")

        def answer(result: object) -> None:
            if on_success is not None:
                on_success(result)
            if refresh:
                self.refresh()

        job.succeeded.connect(answer)
        job.failed.connect(lambda error: self.failed.emit(describe(error)))
        return self._submit(job)

    # -- albums ----------------------------------------------------------------------------
    def refresh(self) -> None:
        self._run(lambda ctx: self._library(ctx).albums(), self.albums_loaded.emit)

    def create(self, name: str, photo_ids: Sequence[int] = ()) -> None:
        ids = list(photo_ids)

        def work(ctx: JobContext) -> None:
            library = self._library(ctx)
            album = library.create_album(name)
            library.store.add_to_album(album.id, ids)

        self._run(work, refresh=True)

    def add(self, name: str, photo_ids: Sequence[int]) -> None:
        ids = list(photo_ids)

        def work(ctx: JobContext) -> None:
            store = self._library(ctx).store
            store.add_to_album(store.album(name).id, ids)

        self._run(work, refresh=True)

    def remove(self, name: str, photo_ids: Sequence[int]) -> None:
        ids = list(photo_ids)

        def work(ctx: JobContext) -> None:
            store = self._library(ctx).store
            store.remove_from_album(store.album(name).id, ids)

        self._run(work, lambda _r: self.open(name), refresh=True)

    def rename(self, name: str, new_name: str) -> None:
        def work(ctx: JobContext) -> None:
            store = self._library(ctx).store
            store.rename_album(store.album(name).id, new_name)

        self._run(work, refresh=True)

    def delete(self, name: str) -> None:
        def work(ctx: JobContext) -> None:
            store = self._library(ctx).store
            store.delete_album(store.album(name).id)

        self._run(work, refresh=True)

    def save_search(self, name: str, query: str, filters: Filters, cutoff: str) -> None:
        self._run(
            lambda ctx: self._library(ctx).save_search(name, query, filters, cutoff), refresh=True
        )

    def open(self, name: str, model: ClipModel | OnnxClipModel | None = None) -> None:
        """The album's photos; a saved search is re-run with `model` (new photos appear)."""

        def work(ctx: JobContext) -> tuple[str, list[PhotoItem], bool]:
            library = self._library(ctx)
            album = library.store.album(name)
            engine = library.search_engine(model) if album.search is not None and model else None
            records = library.album_photos(name, engine)
            # `position` keeps the album's own order in the grid (SortKey.ALBUM); a saved
            # search's order is its ranking.
            items = [replace(PhotoItem.from_record(r), position=n) for n, r in enumerate(records)]
            return album.name, items, album.search is not None

        self._run(work, lambda result: self.album_opened.emit(*result))

    def move(self, name: str, photo_ids: Sequence[int], move: AlbumMove) -> None:
        """Move photos of the album as a block; `album_reordered` brings the stored order."""
        ids = list(photo_ids)

        def work(ctx: JobContext) -> tuple[str, list[int]]:
            return name, self._library(ctx).move_in_album(name, ids, move)

        self._run(work, lambda result: self.album_reordered.emit(*result))

    # -- a selection -----------------------------------------------------------------------
    def export(self, photo_ids: Sequence[int], folder: Path, link: bool) -> Job:
        """Copy (or link) the photos' files into `folder`, each with the RAW file of the pair
        it stands for (PhotoLibrary.export); cancel with `export_job.cancel()`."""
        ids = list(photo_ids)

        def work(ctx: JobContext) -> object:
            from photosift.service.export import ExportMode

            library = self._library(ctx)
            mode = ExportMode.LINK if link else ExportMode.COPY
            return library.export(
                library.store.photos(ids), folder, mode,
                progress=lambda d, t: ctx.progress((d, t)), cancel=ctx.cancel,
            )  # fmt: skip

        job = Job(work, "export")
        job.progress.connect(lambda value: self.export_progress.emit(*value))
        job.succeeded.connect(self.exported.emit)
        job.failed.connect(lambda error: self.failed.emit(describe(error)))
        self.export_job = job
        return self._submit(job)

    def save_list(self, photo_ids: Sequence[int], path: Path) -> None:
        """Write the photos as CSV or JSON (by the file's extension)."""
        ids = list(photo_ids)

        def work(ctx: JobContext) -> str:
            from photosift.service.export import ListFormat, photo_list

            fmt = ListFormat.JSON if path.suffix.lower() == ".json" else ListFormat.CSV
            path.write_text(photo_list(self._library(ctx).store.photos(ids), fmt), encoding="utf-8")
            return str(path)

        self._run(work, self.list_saved.emit)

    def shutdown(self) -> None:
        self._lane.shutdown()
