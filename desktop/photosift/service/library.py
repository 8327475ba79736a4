"""`PhotoLibrary`: one library file and everything the CLI and the GUI do with it.

Why a service between the faces and the core: the policies a user meets — which model a
library is used with, what a folder the user names means, which photos a filter selects, how
a photo is named on the command line — must be the same in the terminal and in the window.
They are decided here (or in the core modules called from here) once; the CLI parses
arguments and prints, the GUI runs these calls on its worker lanes and turns the answers into
signals (Dangerzone's ``logic.py`` and beets' ``Library`` play the same part).
The service imports nothing heavy at module level, so the window may import it at start-up.

A `PhotoLibrary` wraps one SQLite connection, so it belongs to the thread that opened it:
the CLI opens one; each GUI lane opens its own. Everything heavy (torch, open_clip, numpy) is
imported inside the calls that need it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.core.errors import QueryError, Remedy
from photosift.core.library.filters import Filters
from photosift.core.library.folders import add_folders
from photosift.core.library.model_choice import (
    ModelChoice,
    ModelSwitch,
    ModelUse,
    choose_model,
    model_switch,
)
from photosift.core.library.records import MissingPhotos

if TYPE_CHECKING:
    import numpy as np

    from photosift.core.cancel import CancelToken
    from photosift.core.library.album_records import Album, AlbumMove
    from photosift.core.library.analysis_records import AnalysisCounts
    from photosift.core.library.catalog import CatalogSummary
    from photosift.core.library.indexer import IndexSummary
    from photosift.core.library.photo_records import PhotoRecord, RootStats
    from photosift.core.library.progress import IndexProgress
    from photosift.core.library.records import Root
    from photosift.core.library.store import Store
    from photosift.core.library.text_gate_calibration import GateCalibration
    from photosift.core.library.text_pass import Gate, TextProgress, TextSummary
    from photosift.core.library.text_records import PhotoText
    from photosift.core.library.watcher import WatchEvent, WatchMode
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.ocr import TextBox, TextReader
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.core.model.transfer import ProgressCallback
    from photosift.core.search.duplicates import DuplicateReport
    from photosift.core.search.engine import SearchEngine, SearchResults
    from photosift.core.tagging.tag_book import TagBook
    from photosift.core.tagging.tagger import Tagger, TagProgress, TagSummary
    from photosift.core.tagging.vocabulary import Label
    from photosift.service.export import ExportMode, ExportSummary


class TagAction(Enum):
    """What a user does to one tag of some photos (the tag panel's buttons, `tags --accept`)."""

    ADD = "add"  # a manual tag, adding the label to the vocabulary when new
    ACCEPT = "accept"  # keep an auto tag: it becomes manual
    REJECT = "reject"  # wrong: remove it, and auto-tagging never assigns it again
    REMOVE = "remove"  # take it off (a manual tag is deleted, an auto one rejected)


@dataclass(frozen=True)
class LoadedModel:
    """A loaded model and what the library says about it."""

    model: ClipModel | OnnxClipModel
    choice: ModelChoice
    # While the library switches to `model` (its vectors incomplete): the library's own model,
    # loaded too, whose complete vectors answer searches until the switch is done.
    serving: ClipModel | OnnxClipModel | None = None

    @property
    def spec(self) -> str:
        return self.model.spec

    @property
    def matches_library(self) -> bool:
        return self.choice.matches_library

    @property
    def switching(self) -> bool:
        return self.serving is not None

    @property
    def search_model(self) -> ClipModel | OnnxClipModel:
        """The model searches and tagging use: the serving one during a switch."""
        return self.serving or self.model

    @property
    def can_index(self) -> bool:
        """Whether `model` may add vectors now: it is the library's, or the switch target."""
        return self.matches_library or self.switching


@dataclass(frozen=True)
class FoundPhoto:
    """A search hit filled with its photo's record, best first in a result list."""

    record: PhotoRecord
    score: float
    relevance: float
    words: bool = False  # the words read in the photo matched the query


@dataclass(frozen=True)
class Trashed:
    """What a removal did: files now in the system trash, and those left with the reason."""

    moved: list[Path]
    failed: list[tuple[Path, str]]


@dataclass(frozen=True)
class AlbumImport:
    """What importing albums did: names created, names merged, paths the library lacks."""

    created: list[str]
    merged: list[str]
    missing: list[str]


ALBUMS_FORMAT = "photosift-albums/1"


@dataclass(frozen=True)
class Found:
    """A search's answer: the hits, how many photos were considered, how many were cut."""

    photos: list[FoundPhoto]
    considered: int
    cut: int


def load_chosen_model(
    store: Store | None,
    requested: str | None,
    use: ModelUse,
    device: str = "auto",
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> LoadedModel:
    """The model policy's choice for `use`, loaded; `store` None = no library file yet. A model
    not downloaded yet is fetched first, reporting to `progress` (cancel: resumes next time)."""
    from photosift.core.model.loader import load_model

    choice = choose_model(store, requested, use)
    model = load_model(choice.spec, device=device, progress=progress, cancel=cancel)
    return LoadedModel(model, choice)


class PhotoLibrary:
    """The library service. Open with `PhotoLibrary.open(path)` or wrap a thread's `Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    @contextmanager
    def open(cls, path: Path, *, create: bool = True) -> Iterator[PhotoLibrary]:
        """Open (or, with `create`, create) the library file for this thread, closing it after."""
        from photosift.core.library.store import Store  # numpy and SQLite: not at GUI start-up

        with Store(path, create=create) as store:
            yield cls(store)

    @property
    def path(self) -> Path:
        return self.store.path

    # -- models ----------------------------------------------------------------------------
    def choose_model(self, requested: str | None, use: ModelUse) -> ModelChoice:
        """Which model to load for `use` (core/library/model_choice.py holds the policy)."""
        return choose_model(self.store, requested, use)

    def load_model(
        self,
        requested: str | None,
        use: ModelUse,
        device: str = "auto",
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> LoadedModel:
        """Choose, then load (may import torch and download weights: never on a GUI thread)."""
        return load_chosen_model(
            self.store, requested, use, device, progress=progress, cancel=cancel
        )

    def model_switch(self, target: str | None = None) -> ModelSwitch | None:
        """The switch to another model under way (or to `target`), None when there is none:
        while it lasts the library's old vectors serve search (core/library/model_choice.py)."""
        return model_switch(self.store, target)

    def with_serving_model(
        self,
        loaded: LoadedModel,
        device: str = "auto",
        *,
        cancel: CancelToken | None = None,
        in_memory: Sequence[ClipModel | OnnxClipModel] = (),
    ) -> LoadedModel:
        """`loaded`, plus the library's own model when `loaded` is a model the library is
        switching to, so that searches keep the old, complete vectors meanwhile. When the old
        model cannot be loaded (its weights are gone) `loaded` comes back alone: the window
        then offers a re-index, as for any library indexed with another model. A model of
        `in_memory` (already loaded on `device`) is used rather than loaded a second time."""
        from photosift.core.errors import PhotoSiftError
        from photosift.core.model.loader import load_model

        switch = self.model_switch(loaded.spec)
        if switch is None:
            return loaded
        known = next((m for m in in_memory if m.spec == switch.serving), None)
        if known is not None:
            return LoadedModel(loaded.model, loaded.choice, known)
        try:
            serving = load_model(switch.serving, device=device, cancel=cancel)
        except PhotoSiftError:
            return loaded
        return LoadedModel(loaded.model, loaded.choice, serving)

    # -- folders ---------------------------------------------------------------------------
    def roots(self) -> list[Root]:
        return self.store.roots()

    def root_stats(self, model_spec: str | None) -> list[RootStats]:
        """Per-folder counts; "indexed" counts are per model, the one searches use."""
        record = self.store.model_by_spec(model_spec) if model_spec else None
        return self.store.root_stats(record.id if record else None)

    def analysis_counts(self, model_spec: str | None) -> AnalysisCounts:
        """How many catalogued photos are analysed (searchable) with this model, of how many."""
        record = self.store.model_by_spec(model_spec) if model_spec else None
        return self.store.analysis_counts(
            record.id if record else None, with_hidden_raws=not self.joins_raw_pairs()
        )

    def add_folders(self, folders: Sequence[str | Path]) -> list[Path]:
        """Add folders to the library; returns those that were new to it."""
        known = {root.path for root in self.store.roots()}
        return [
            Path(root.path) for root in add_folders(self.store, folders) if root.path not in known
        ]

    def remove_folder(self, root_id: int) -> None:
        self.store.remove_root(root_id)

    # -- indexing --------------------------------------------------------------------------
    def index(
        self,
        model: ClipModel | OnnxClipModel,
        folders: Sequence[str | Path] = (),
        *,
        reindex: bool = False,
        batch_size: int = 32,
        catalog_batch_size: int | None = None,
        workers: int | None = None,
        progress: Callable[[IndexProgress], None] | None = None,
        on_batch: Callable[[list[int]], None] | None = None,
        on_catalogued: Callable[[list[int]], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> IndexSummary:
        """Add `folders` (none = every folder of the library), catalog them, then bring their
        vectors up to date (`on_catalogued`/`on_batch` get each committed batch's photo ids)."""
        from photosift.core.library.catalog import CATALOG_BATCH
        from photosift.core.library.indexer import index_library

        if reindex:
            self.forget_index(model.spec)
        return index_library(
            self.store, model, list(folders) or None, batch_size=batch_size,
            catalog_batch_size=catalog_batch_size or CATALOG_BATCH, workers=workers,
            progress=progress, on_batch=on_batch, on_catalogued=on_catalogued, cancel=cancel,
        )  # fmt: skip

    def catalog(
        self,
        folders: Sequence[str | Path] = (),
        *,
        batch_size: int | None = None,
        workers: int = 2,
        progress: Callable[[IndexProgress], None] | None = None,
        on_batch: Callable[[list[int]], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> CatalogSummary:
        """Add `folders` and record their photos without any model (browsable at once)."""
        from photosift.core.library.catalog import CATALOG_BATCH, catalog_library

        return catalog_library(
            self.store, list(folders) or None, batch_size=batch_size or CATALOG_BATCH,
            workers=workers, progress=progress, on_batch=on_batch, cancel=cancel,
        )  # fmt: skip

    def missing_photos(self) -> MissingPhotos:
        """What `forget_missing` would forget, for a confirmation that names the numbers."""
        return self.store.missing_photos()

    def joins_raw_pairs(self) -> bool:
        """Whether a RAW+JPEG pair shot together is listed as one photo, its JPEG (a library
        setting, on by default; core/library/raw_pairs.py)."""
        from photosift.core.library.raw_pairs import joins_raw_pairs

        return joins_raw_pairs(self.store)

    def set_joins_raw_pairs(self, enabled: bool) -> None:
        """Join RAW+JPEG pairs, or list both files; only what is listed changes, at once."""
        from photosift.core.library.raw_pairs import RAW_PAIRS_SETTING

        self.store.set_setting(RAW_PAIRS_SETTING, bool(enabled))

    def raw_companions(self, records: Sequence[PhotoRecord]) -> dict[int, PhotoRecord]:
        """The RAW file behind each JPEG of `records` that stands for a joined pair, by the
        JPEG's id (the viewer's "RAW+JPEG" fact, `list`/`search --json`'s "raw")."""
        from photosift.core.library.raw_pairs import PairRole

        shown = {r.pair_id: r.id for r in records if r.pair_role is PairRole.SHOWN and r.pair_id}
        return {shown[raw.id]: raw for raw in self.store.photos(list(shown))}

    def export(
        self,
        photos: Sequence[PhotoRecord],
        folder: Path,
        mode: ExportMode | None = None,
        *,
        with_raw: bool = True,
        progress: Callable[[int, int], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> ExportSummary:
        """Copy (or link) the photos' files into `folder` (service/export.py): the CLI's
        `--export`, album export and the GUI's "Export to Folder…". With `with_raw` (the
        default), a JPEG standing for a joined RAW+JPEG pair brings its RAW along: the photo
        the user sees is the pair, and a photographer exporting it wants the RAW."""
        from photosift.service.export import ExportMode, export_photos

        companions = self.raw_companions(photos) if with_raw else {}
        return export_photos(
            photos, folder, mode or ExportMode.COPY, companions=companions,
            progress=progress, cancel=cancel,
        )  # fmt: skip

    def forget_missing(self) -> int:
        """Purge photos known to be gone and forget offline ones (the user asked); returns how many."""
        return len(self.store.purge_removed()) + len(self.store.forget_offline_photos())

    # -- text in photos --------------------------------------------------------------------
    def reads_text(self) -> bool:
        """Whether indexing reads the words in photos (a library setting, off by default)."""
        from photosift.core.library.text_records import READ_TEXT_SETTING

        return bool(self.store.get_setting(READ_TEXT_SETTING, False))

    def set_reads_text(self, enabled: bool) -> None:
        """Turn the text pass on or off; vectors are untouched either way."""
        from photosift.core.library.text_records import READ_TEXT_SETTING

        self.store.set_setting(READ_TEXT_SETTING, bool(enabled))

    def read_text(
        self,
        reader: TextReader | None = None,
        *,
        gate: Gate | None = None,
        progress: Callable[[TextProgress], None] | None = None,
        on_batch: Callable[[list[int]], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> TextSummary | None:
        """The text pass after embedding: read the analysed photos not read yet.

        Returns None, reading nothing, when the library's setting has it off. `gate` None:
        the CLIP gate when the library's model is calibrated for it, else text detection.
        """
        from photosift.core.library.text_pass import choose_gate, read_text_pass
        from photosift.core.model.ocr import TextReader

        if not self.reads_text():
            return None
        return read_text_pass(
            self.store, reader or TextReader(), gate=gate or choose_gate(self.store),
            progress=progress, on_batch=on_batch, cancel=cancel,
        )  # fmt: skip

    def calibrate_text_gate(self, model: ClipModel | OnnxClipModel) -> GateCalibration:
        """Calibrate the quick (CLIP) text check for `model` on what the text pass has read,
        and store it; the text pass uses it from then on if it is worth it (`used`).
        TooFewReadingsError when too few photos with and without text have been read."""
        from photosift.core.library.text_gate_calibration import calibrate_from_readings

        return calibrate_from_readings(self.store, model)

    def text_gate(self, model_spec: str) -> GateCalibration | None:
        """The stored calibration of the quick text check for `model_spec`, if any."""
        from photosift.core.library.text_gate_calibration import gate_calibration

        return gate_calibration(self.store, model_spec)

    def forget_text_gate(self, model_spec: str) -> bool:
        """Forget the calibration: the text pass detects text again. True if there was one."""
        from photosift.core.library.text_gate_calibration import forget_gate_calibration

        return forget_gate_calibration(self.store, model_spec)

    def photo_text(self, photo_id: int) -> PhotoText | None:
        """What was read in a library photo (None: not looked at yet)."""
        return self.store.photo_text(photo_id)

    def find_photo(self, reference: str | Path) -> int | None:
        """Like `photo_id`, but None for a file that is not in the library."""
        try:
            return self.photo_id(reference)
        except QueryError:
            if str(reference).startswith("#"):
                raise
            return None

    @staticmethod
    def read_file_text(path: str | Path, reader: TextReader | None = None) -> list[TextBox]:
        """Read any image file now, without the gate and without storing anything."""
        from photosift.core.imaging.decode import ImageSkip, decode_image
        from photosift.core.library.text_pass import READ_SIDE
        from photosift.core.model.ocr import TextReader

        try:
            image = decode_image(path, min_side=READ_SIDE).image
        except ImageSkip as skip:
            raise QueryError(f"Cannot read {path}: {skip.reason.description}.") from skip
        return (reader or TextReader()).read(image)

    def watch(
        self,
        model: ClipModel | OnnxClipModel,
        *,
        on_event: Callable[[WatchEvent], None] | None = None,
        on_mode: Callable[[WatchMode, list[Path]], None] | None = None,
        cancel: CancelToken | None = None,
        debounce_s: float | None = None,
        workers: int | None = None,
    ) -> None:
        """Keep every folder of the library indexed as files come and go, until `cancel`
        (core/library/watcher.py: watchdog events, debounced; reconcile scans at start and
        after a sleep; periodic scans when the system cannot watch a folder)."""
        from photosift.core.library.watcher import DEFAULT_DEBOUNCE_S, watch_library

        watch_library(
            self.store, model, on_event=on_event, on_mode=on_mode, cancel=cancel,
            debounce_s=DEFAULT_DEBOUNCE_S if debounce_s is None else debounce_s, workers=workers,
        )  # fmt: skip

    def forget_index(self, model_spec: str) -> None:
        """Drop `model_spec`'s vectors and every skipped file, so the next run embeds it all."""
        self.store.remove_model_vectors(model_spec)
        self.store.forget_skipped()

    # -- photos ----------------------------------------------------------------------------
    def photo_id(self, reference: str | Path) -> int:
        """A photo named as `#ID` or by its path; QueryError when the library has no such photo."""
        text = str(reference)
        if text.startswith("#"):
            if not text[1:].isdigit():
                raise QueryError(f"'{text}' is not a photo id; write it as #123.")
            photo_id = int(text[1:])
            if len(self.store.photos([photo_id])) == 1:
                return photo_id
        else:
            found = self.store.photo_id_at(reference)
            if found is not None:
                return found
        raise QueryError(f"{reference} is not a photo of the library; index it first.")

    def photo_ids(self, filters: Filters) -> np.ndarray:
        """Ids of the photos passing `filters` (the same filters the search applies)."""
        from photosift.core.library.filters import filtered_ids

        return filtered_ids(self.store, filters)

    def browse(self, filters: Filters) -> list[PhotoRecord]:
        """Every photo passing `filters`, for browsing without a model."""
        return self.store.photos(self.photo_ids(filters).tolist())

    # -- search ----------------------------------------------------------------------------
    def search_engine(self, model: ClipModel | OnnxClipModel) -> SearchEngine:
        """A search engine over this library's vectors of `model`, loaded (mismatches refused)."""
        from photosift.core.search.engine import SearchEngine

        engine = SearchEngine(self.path, model)
        engine.load()
        return engine

    def fill(self, results: SearchResults) -> Found:
        """Search hits with their photo records, in rank order (gone photos are dropped)."""
        records = {r.id: r for r in self.store.photos([h.photo_id for h in results.hits])}
        photos = [
            FoundPhoto(records[h.photo_id], h.score, h.relevance, h.words)
            for h in results.hits
            if h.photo_id in records
        ]
        return Found(photos, results.considered, results.cut)

    # -- duplicates ------------------------------------------------------------------------
    def find_duplicates(
        self, *, threshold: float | None = None, cancel: CancelToken | None = None
    ) -> DuplicateReport:
        """Groups of exact copies and near-duplicates (core/search/duplicates.py), compared
        through the library's model vectors; a library without vectors finds exact copies."""
        from photosift.core.library.model_choice import newest_library_spec
        from photosift.core.search.duplicates import DEFAULT_THRESHOLD, find_duplicates

        spec = newest_library_spec(self.store)
        record = self.store.model_by_spec(spec) if spec else None
        return find_duplicates(
            self.store,
            record.id if record else None,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            cancel=cancel,
        )

    def trash_photos(self, photo_ids: Sequence[int], *, keep: Sequence[int] = ()) -> Trashed:
        """Move the files of `photo_ids` to the system trash and forget them in the library.

        The caller has shown the user the list and had it confirmed. A photo also named in
        `keep`, or whose file is the same file as a kept photo's, is never touched; offline
        photos are left alone (their drive is not here). Nothing is ever unlinked: a file
        the trash refuses stays where it is and is reported in `failed`.
        """
        from send2trash import send2trash

        kept = {record.abspath.resolve() for record in self.store.photos(list(keep))}
        moved: list[Path] = []
        failed: list[tuple[Path, str]] = []
        gone: list[int] = []
        for record in self.store.photos([i for i in photo_ids if i not in set(keep)]):
            path = record.abspath
            if record.offline or path.resolve() in kept:
                failed.append((path, "offline" if record.offline else "is a kept photo"))
                continue
            try:
                send2trash(path)
            except OSError as exc:
                failed.append((path, str(exc)))
                continue
            moved.append(path)
            gone.append(record.id)
        self.store.apply_scan([], gone, [])
        return Trashed(moved, failed)

    # -- albums and saved searches ---------------------------------------------------------
    def albums(self) -> list[Album]:
        return self.store.albums()

    def create_album(self, name: str) -> Album:
        return self.store.create_album(name)

    def save_search(
        self, name: str, query: str, filters: Filters | None = None, cutoff: str = "normal"
    ) -> Album:
        """A smart album: the query is checked now and re-run each time the album is opened."""
        from photosift.core.library.album_records import SavedSearch
        from photosift.core.library.filters import filters_to_json
        from photosift.core.search.query import parse_query
        from photosift.core.search.relevance import cutoff_strength

        parse_query(query)  # a query that cannot parse is refused now, not when opened
        try:
            cutoff_strength(cutoff)
        except ValueError as exc:
            raise QueryError(f"{exc}.") from exc
        saved = SavedSearch(query, filters_to_json(filters or Filters()), cutoff)
        return self.store.create_album(name, saved)

    def album_photos(self, name: str, engine: SearchEngine | None = None) -> list[PhotoRecord]:
        """An album's photos in its order; a saved search is re-run (it needs `engine`)."""
        album = self.store.album(name)
        if album.search is None:
            return self.store.photos(self.store.album_photo_ids(album.id))
        if engine is None:
            raise QueryError(f"'{album.name}' is a saved search: it needs the model to run.")
        from photosift.core.library.filters import filters_from_json

        search = album.search
        filters = filters_from_json(search.filters_json)
        results = engine.search(search.query, cutoff=search.cutoff, filters=filters)
        return [found.record for found in self.fill(results).photos]

    def move_in_album(self, name: str, photo_ids: Sequence[int], move: AlbumMove) -> list[int]:
        """Move photos of an album as a block (earlier, later, to the start or the end); the
        order is stored in the library. Returns the album's new order of photo ids."""
        return self.store.move_in_album(self.store.album(name).id, photo_ids, move)

    def export_albums(self) -> dict:
        """Every album (photos by path) and saved search, as JSON-ready data."""
        from photosift.core.paths import display_path

        out = []
        for album in self.store.albums():
            if album.search is None:
                photos = self.store.photos(self.store.album_photo_ids(album.id))
                out.append({"name": album.name, "kind": album.kind.value,
                            "photos": [display_path(p.abspath) for p in photos]})  # fmt: skip
            else:
                out.append({"name": album.name, "kind": album.kind.value,
                            "query": album.search.query, "cutoff": album.search.cutoff,
                            "filters": json.loads(album.search.filters_json)})  # fmt: skip
        return {"format": ALBUMS_FORMAT, "albums": out}

    def import_albums(self, data: dict) -> AlbumImport:
        """Albums from `export_albums` data: new names are created, an existing album gets
        the photos it lacks; photos are found by path (those not in the library are listed)."""
        from photosift.core.library.filters import filters_from_json

        if not isinstance(data, dict) or data.get("format") != ALBUMS_FORMAT:
            raise QueryError(f"This is not a PhotoSift albums file ({ALBUMS_FORMAT}).")
        existing = {a.name.casefold(): a for a in self.store.albums()}
        created: list[str] = []
        merged: list[str] = []
        missing: list[str] = []
        for entry in data.get("albums", []):
            name = str(entry["name"])
            if entry.get("kind") == "search":
                if name.casefold() not in existing:
                    filters = filters_from_json(json.dumps(entry.get("filters") or {}))
                    self.save_search(name, entry["query"], filters, entry.get("cutoff", "normal"))
                    created.append(name)
                continue
            album = existing.get(name.casefold())
            if album is None:
                album = self.store.create_album(name)
                created.append(name)
            else:
                merged.append(name)
            ids = []
            for path in entry.get("photos", []):
                photo_id = self.store.photo_id_at(path)
                if photo_id is None:
                    missing.append(path)
                else:
                    ids.append(photo_id)
            self.store.add_to_album(album.id, ids)
        return AlbumImport(created, merged, missing)

    # -- tagging ---------------------------------------------------------------------------
    def tag_book(self, *, write_xmp: bool | None = None) -> TagBook:
        """Labels and tags of this library, the default vocabulary seeded on first use."""
        from photosift.core.tagging.tag_book import TagBook

        tags = TagBook(self.store, write_xmp=write_xmp)
        tags.ensure_vocabulary()
        return tags

    def tagger(
        self,
        model: ClipModel | OnnxClipModel,
        labels: Sequence[Label] | None = None,
        *,
        write_xmp: bool | None = None,
    ) -> Tagger:
        from photosift.core.tagging.tagger import Tagger

        return Tagger(self.store, model, labels, write_xmp=write_xmp)

    def tag(
        self,
        tagger: Tagger,
        *,
        photo_ids: Sequence[int] | None = None,
        filters: Filters | None = None,
        threshold: float | None = None,
        progress: Callable[[TagProgress], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> tuple[TagSummary, list[int]]:
        """Auto-tag the given photos, or those passing `filters` (both None: the whole library).

        Returns the summary and the ids it tagged, so a face can refresh exactly those.
        """
        import numpy as np

        if photo_ids is None and filters is not None and filters.active:
            photo_ids = self.photo_ids(filters).tolist()
        ids = tagger.photo_ids(photo_ids)
        summary = tagger.run(ids.tolist(), threshold=threshold, progress=progress, cancel=cancel)
        return summary, np.asarray(ids, dtype=np.int64).tolist()

    def change_tags(
        self,
        photo_ids: Sequence[int],
        edits: Sequence[tuple[TagAction, str]],
        *,
        write_xmp: bool | None = None,
    ) -> None:
        """Apply tag edits to photos; every label but an added one must exist (checked first,
        so a typo changes nothing)."""
        from photosift.core.library.tag_records import LabelError

        tags = self.tag_book(write_xmp=write_xmp)
        for action, name in edits:
            if action is not TagAction.ADD and tags.label(name) is None:
                raise LabelError(f"No label named '{name}'.", remedy=Remedy.SEE_LABELS, name=name)
        for action, name in edits:
            if action is TagAction.ADD:
                tags.add_manual(photo_ids, name)
            elif action is TagAction.ACCEPT:
                tags.accept(photo_ids, name)
            elif action is TagAction.REJECT:
                tags.reject(photo_ids, name)
            else:
                tags.remove(photo_ids, name)

    def review_suggestions(
        self, photo_ids: Sequence[int], action: TagAction, *, write_xmp: bool | None = None
    ) -> list[int]:
        """ACCEPT or REJECT every suggested (auto) tag of these photos, as `change_tags` does
        one label; returns the photos whose tags changed."""
        if action not in (TagAction.ACCEPT, TagAction.REJECT):
            raise ValueError(f"suggested tags are accepted or rejected, not {action.value}")
        tags = self.tag_book(write_xmp=write_xmp)
        return tags.review_suggestions(photo_ids, accept=action is TagAction.ACCEPT)

    def labels(self, names: Sequence[str] | None = None) -> list[Label]:
        return self.tag_book().labels(names)

    def save_label(
        self,
        name: str,
        *,
        group: str | None = None,
        prompts: Sequence[str] | None = None,
        threshold: float | None = None,
    ) -> tuple[Label, bool]:
        """Add a label, or change the one with that name; returns it and whether it is new."""
        tags = self.tag_book()
        if tags.label(name) is None:
            return tags.add_label(name, group=group, prompts=prompts, threshold=threshold), True
        return tags.update_label(name, group=group, prompts=prompts, threshold=threshold), False

    def add_missing_labels(self, names: Sequence[str]) -> list[str]:
        """Add the labels the vocabulary lacks (plain templates); returns the names added."""
        tags = self.tag_book()
        added = [name for name in names if tags.label(name) is None]
        for name in added:
            tags.add_label(name)
        return added
