"""Search a library by text, by photo, or by a combined query (see query.py for the grammar).

How the GUI uses it (all of it off the GUI thread)::

    engine = SearchEngine(db_path, model)   # cheap: nothing is read yet
    engine.load()                           # expensive: every vector of the model, once
    results = engine.search("beach -people", top_k=200, cutoff="normal", filters=Filters(...))
    similar = engine.similar(photo_id)
    indexer on_batch(photo_ids) -> engine.refresh(photo_ids)   # new vectors, no reload

Thread-safety: one engine serves several threads. Each thread gets its own Store connection
(SQLite connections are per thread), the vector index has its own lock, and the text
embedding cache is locked; torch inference itself is re-entrant. ``close()`` closes only the
calling thread's connection; the others close with their threads.

Vectors of different models never mix: ``load()`` raises ModelMismatchError when the library
was indexed with another model than the one loaded (the policy is core/library/model_choice.py).
Filters are core/library/filters.py: the same value the grid applies in memory.

Words in photos (the text pass, core/library/text_pass.py): a picture text term also finds
the photos whose read text contains it — they come first, marked `Hit.words` — and `text:`
terms (query.py) search the words only: added ones keep the photos that contain them,
subtracted ones drop them. A query of only `text:` terms has no vector to rank by: its hits
are the matching photos (newest first, score 1), and the cut-off does not apply to them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photosift.core.errors import EmptyLibraryError, QueryError
from photosift.core.library.filters import Filters, filtered_ids
from photosift.core.library.model_choice import require_model
from photosift.core.search.query import Query, combine, parse_query
from photosift.core.search.readability import QueryNotice, check_query
from photosift.core.search.relevance import (
    CUTOFF_WINDOW,
    NORMAL,
    cutoff_strength,
    excluding_strength,
    pass_threshold,
    relevance,
    relevance_cutoff,
)
from photosift.core.search.vector_index import Ranked, VectorIndex

if TYPE_CHECKING:
    from photosift.core.library.store import Store
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel

DEFAULT_TOP_K = 100


@dataclass(frozen=True)
class Hit:
    photo_id: int
    score: float  # cosine similarity to the (combined) query vector
    relevance: float  # z-score against this query's scores over the filtered library
    words: bool = False  # the words read in the photo contain a phrase of the query


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]  # best first
    considered: int  # photos that passed the filters
    cut: int  # results among the top_k that the relevance cut-off removed
    terms: tuple = field(default=())  # the parsed query's terms, for display

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)


@dataclass(frozen=True)
class QueryVectors:
    """A query as vectors: `combined` (every term, weighted) orders the results; at every
    cut-off level but off, `added` (the added terms alone) and each of `subtracted` decide
    which of them pass (see rank)."""

    combined: np.ndarray
    added: np.ndarray
    subtracted: tuple[np.ndarray, ...] = ()

    @classmethod
    def of(cls, vectors: Sequence[np.ndarray], weights: Sequence[float]) -> QueryVectors:
        """The terms' unit vectors and signed weights (query.Term.weight) as a query."""
        combined = combine(vectors, weights)
        subtracted = tuple(v for v, w in zip(vectors, weights, strict=True) if w < 0)
        if not subtracted:
            return cls(combined, combined)
        added = [(v, w) for v, w in zip(vectors, weights, strict=True) if w > 0]
        if not added:  # parse_query refuses this; a caller building vectors by hand may not
            raise QueryError("A query needs at least one added term to say what to find.")
        return cls(combined, combine(*zip(*added, strict=True)), subtracted)


class SearchEngine:
    def __init__(
        self, db_path: str | Path, model: ClipModel | OnnxClipModel, *, text_cache_size: int = 512
    ) -> None:
        self.db_path = Path(db_path)
        self.model = model
        self.index = VectorIndex(model.dim)
        self.model_id: int | None = None
        self._local = threading.local()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = text_cache_size
        self._cache_lock = threading.Lock()
        self._update_lock = threading.Lock()  # load() and refresh() must not interleave

    def store(self) -> Store:
        """This thread's connection to the library."""
        from photosift.core.library.store import Store

        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.db_path, create=False)
        return store

    def close(self) -> None:
        store = getattr(self._local, "store", None)
        if store is not None:
            store.close()
            self._local.store = None

    # -- vectors ---------------------------------------------------------------------------
    def load(self) -> int:
        """Read every vector of the model into memory; returns how many photos are searchable.

        An empty library loads as an empty index (refresh() fills it while indexing runs);
        a library indexed with another model raises ModelMismatchError.
        """
        with self._update_lock:
            try:
                self.model_id = require_model(
                    self.store(),
                    self.model.spec,
                    self.model.dim,
                    getattr(self.model, "content_hash", None),
                )
            except EmptyLibraryError:
                self.model_id, self.index = None, VectorIndex(self.model.dim)
                return 0
            ids, vectors = self.store().load_vectors(self.model_id)
            self.index = (
                VectorIndex.from_arrays(ids, vectors) if len(ids) else VectorIndex(self.model.dim)
            )
            return len(self.index)

    def refresh(self, photo_ids: Sequence[int]) -> None:
        """Take in new or changed vectors (e.g. from the indexer's on_batch); ids without a
        vector any more are dropped."""
        store = self.store()
        with self._update_lock:
            if self.model_id is None:
                record = store.model_by_spec(self.model.spec)
                if record is None:
                    return
                self.model_id = record.id
            ids, vectors = store.vectors_for(self.model_id, photo_ids)
            self.index.upsert(ids, vectors)
            gone = np.setdiff1d(np.asarray(photo_ids, dtype=np.int64), ids)
            if len(gone):
                self.index.remove(gone)

    def forget(self, photo_ids: Sequence[int]) -> None:
        self.index.remove(photo_ids)

    # -- query vectors ---------------------------------------------------------------------
    def encode_text(self, text: str) -> np.ndarray:
        with self._cache_lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = self.model.encode_texts([text])[0]
        with self._cache_lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    def query_notices(self, query: str | Query) -> list[QueryNotice]:
        """What the user should hear about how the loaded model reads the query's text terms
        (a script or words it was not trained on, emoji): see readability.py."""
        parsed = parse_query(query) if isinstance(query, str) else query
        text = " ".join(parsed.texts)
        return check_query(text, self.model.tokenizer) if text.strip() else []

    def encode_image(self, path: str | Path) -> np.ndarray:
        from photosift.core.imaging.decode import ImageSkip, decode_image

        if not Path(path).expanduser().exists():
            raise QueryError(f"Cannot use {path} as a query: the file does not exist.")
        try:
            decoded = decode_image(path, min_side=self.model.input_size)
        except ImageSkip as skip:
            raise QueryError(f"Cannot use {path} as a query: {skip.reason.description}.") from skip
        return self.model.encode_images([decoded.image])[0]

    def query_vectors(self, query: str | Query) -> QueryVectors:
        """The query's vectors: combined to rank, added and subtracted to cut (rank)."""
        parsed = parse_query(query) if isinstance(query, str) else query
        vectors = []
        for term in parsed.terms:
            if term.kind == "text":
                vectors.append(self.encode_text(str(term.value)))
            elif term.kind == "image":
                vectors.append(self.encode_image(term.value))  # type: ignore[arg-type]
            else:
                vectors.append(self._photo_vector(int(term.value)))  # type: ignore[arg-type]
        return QueryVectors.of(vectors, [t.weight for t in parsed.terms])

    def _photo_vector(self, photo_id: int) -> np.ndarray:
        vector = self.index.vector(photo_id)
        if vector is None:
            raise QueryError(f"Photo #{photo_id} is not in the library or has no vector yet.")
        return vector

    # -- ranking ---------------------------------------------------------------------------
    def search(
        self,
        query: str | Query,
        *,
        top_k: int = DEFAULT_TOP_K,
        cutoff: str | float | None = "normal",
        filters: Filters | None = None,
    ) -> SearchResults:
        parsed = parse_query(query) if isinstance(query, str) else query
        exclude = [int(t.value) for t in parsed.terms if t.kind == "photo"]  # type: ignore[arg-type]
        only = self._only(filters)
        if parsed.words:
            only = self._with_words(parsed, only)
            if not any(t.weight > 0 for t in parsed.picture_terms):
                return self._words_only(parsed, only, top_k)
        vectors = self.query_vectors(Query(parsed.text, parsed.picture_terms))
        results = self._rank(vectors, top_k=top_k, cutoff=cutoff, only=only, exclude=exclude)
        hits = self._words_first(parsed, vectors.combined, results.hits, only, top_k)
        return SearchResults(hits, results.considered, results.cut, parsed.terms)

    def _with_words(self, parsed: Query, only: np.ndarray | None) -> np.ndarray:
        """The photos (among `only`) that hold every added `text:` phrase and no subtracted one."""
        store = self.store()
        keep: set[int] | None = None
        for term in parsed.words:
            if term.weight > 0:
                found = store.photos_with_words(str(term.value))
                keep = found if keep is None else keep & found
        if keep is None:  # only subtracted phrases: start from every photo with a vector
            keep = set(self.index.ids.tolist())
        for term in parsed.words:
            if term.weight < 0:
                keep -= store.photos_with_words(str(term.value))
        ids = np.fromiter(sorted(keep), dtype=np.int64, count=len(keep))
        return ids if only is None else np.intersect1d(ids, only)

    def _words_only(self, parsed: Query, ids: np.ndarray, top_k: int) -> SearchResults:
        """Hits of a query made of `text:` terms only: the photos with the words, newest first."""
        indexed = ids[np.isin(ids, self.index.ids)]
        hits = [Hit(int(i), 1.0, 0.0, words=True) for i in indexed[::-1][:top_k]]
        return SearchResults(hits, len(indexed), 0, parsed.terms)

    def _words_first(
        self,
        parsed: Query,
        vector: np.ndarray,
        hits: list[Hit],
        only: np.ndarray | None,
        top_k: int,
    ) -> list[Hit]:
        """Put photos whose words contain an added picture text term before the others."""
        store = self.store()
        matched: set[int] = set()
        for term in parsed.terms:
            if term.kind == "text" and term.weight > 0:
                matched |= store.photos_with_words(str(term.value))
        if only is not None:
            matched &= set(only.tolist())
        matched.difference_update(int(t.value) for t in parsed.terms if t.kind == "photo")  # type: ignore[arg-type]
        if not matched:
            return hits
        first = []
        for photo_id in matched:
            stored = self.index.vector(photo_id)
            if stored is not None:
                first.append(Hit(photo_id, float(np.dot(stored, vector)), 0.0, words=True))
        first.sort(key=lambda h: -h.score)
        rest = [h for h in hits if h.photo_id not in matched]
        return (first + rest)[:top_k]

    def similar(
        self,
        photo: int | str | Path,
        *,
        top_k: int = DEFAULT_TOP_K,
        cutoff: str | float | None = "normal",
        filters: Filters | None = None,
    ) -> SearchResults:
        """Photos like an indexed photo (id or path in the library) or any image file."""
        photo_id = photo if isinstance(photo, int) else self.store().photo_id_at(photo)
        if photo_id is not None and self.index.vector(photo_id) is not None:
            vector, exclude = self._photo_vector(photo_id), [photo_id]
        elif isinstance(photo, int):
            raise QueryError(f"Photo #{photo} is not in the library or has no vector yet.")
        else:
            vector, exclude = self.encode_image(photo), []
        return self.search_vector(
            vector, top_k=top_k, cutoff=cutoff, filters=filters, exclude=exclude
        )

    def search_vector(
        self,
        vector: np.ndarray,
        *,
        top_k: int = DEFAULT_TOP_K,
        cutoff: str | float | None = "normal",
        filters: Filters | None = None,
        exclude: Sequence[int] = (),
    ) -> SearchResults:
        return self._rank(
            vector, top_k=top_k, cutoff=cutoff, only=self._only(filters), exclude=exclude
        )

    def _only(self, filters: Filters | None) -> np.ndarray | None:
        """The ids a search may show, or None for every photo with a vector.

        Soft-removed photos never show, offline ones only when asked (issue 16): the SQL form
        of active filters leaves them out; without filters, the hidden ones are taken away."""
        filters = filters or Filters()
        if filters.active:
            return filtered_ids(self.store(), filters)
        hidden = self.store().hidden_photo_ids(include_offline=not filters.exclude_offline)
        if not len(hidden):
            return None
        # A lookup table, not setdiff1d: 5 ms instead of about 760 ms at 1M photos, every search.
        ids = self.index.ids
        return ids[~np.isin(ids, hidden, kind="table")]

    def _rank(
        self,
        vector: np.ndarray | QueryVectors,
        *,
        top_k: int,
        cutoff: str | float | None,
        only: np.ndarray | None,
        exclude: Sequence[int],
    ) -> SearchResults:
        try:
            strength = cutoff_strength(cutoff)
        except ValueError as exc:
            raise QueryError(f"{exc}.") from exc
        return rank(self.index, vector, top_k=top_k, strength=strength, only=only, exclude=exclude)


def rank(
    index: VectorIndex,
    query: np.ndarray | QueryVectors,
    *,
    top_k: int,
    strength: float,
    only: np.ndarray | None = None,
    exclude: Sequence[int] = (),
) -> SearchResults:
    """Top-k with relevance and the cut-off (the cut-off looks at a wider window than top_k).

    A query with subtracted terms is cut term by term, not on its combined scores: a photo
    passes when the added terms alone pass it and it is not among a subtracted term's own
    matches ("red -circle": the red photos, less the circles). The combined vector only ranks
    at different depths (red circles sink, but a red triangle and a red square need not score
    alike), so one cut on it kept only its top tier: of the 55 red non-circles in the 300-photo
    toy world, only the 13 red triangles (issue 11).
    """
    vectors = query if isinstance(query, QueryVectors) else QueryVectors(query, query)
    window = max(top_k, CUTOFF_WINDOW) if strength > 0 else top_k
    ranked = index.search(vectors.combined, window, only=only, exclude=list(exclude))
    z = relevance(ranked.scores, ranked.background)
    if strength > 0 and vectors.subtracted:
        passing = _passing_terms(index, vectors, ranked, strength, only, exclude)
    else:
        keep = relevance_cutoff(
            ranked.scores, ranked.background, ranked.considered, strength, index.spread()
        )
        passing = np.arange(keep)
    shown = passing[:top_k]
    hits = [Hit(int(ranked.ids[i]), float(ranked.scores[i]), float(z[i])) for i in shown.tolist()]
    return SearchResults(hits, ranked.considered, min(len(ranked.ids), top_k) - len(shown))


def _passing_terms(
    index: VectorIndex,
    vectors: QueryVectors,
    ranked: Ranked,
    strength: float,
    only: np.ndarray | None,
    exclude: Sequence[int],
) -> np.ndarray:
    """Positions in `ranked` that the added terms pass and no subtracted term claims (at the
    mirrored strength, relevance.excluding_strength: stricter levels leave out more). The added
    terms are cut at normal at most: their own strict cut could keep only photos a subtracted
    term then takes ("red -star" when the reddest photos are stars)."""

    def threshold(vector: np.ndarray, at: float) -> float:
        background = index.background(vector, only=only, exclude=list(exclude))
        return pass_threshold(background, at, index.spread())

    added = index.scores_of(ranked.ids, vectors.added)
    subtracted = [index.scores_of(ranked.ids, vector) for vector in vectors.subtracted]

    def passing(at: float) -> np.ndarray:
        keep = added >= threshold(vectors.added, min(at, NORMAL))
        for vector, scores in zip(vectors.subtracted, subtracted, strict=True):
            claimed = threshold(vector, excluding_strength(at))
            if np.isfinite(claimed):  # too few photos to tell its matches: leave none out
                keep &= scores < claimed
        return np.flatnonzero(keep)

    found = passing(strength)
    if strength > NORMAL and len(found) == 0:
        # The subtracted terms' looser matches took every photo: the best of what normal shows
        # (one photo, so that a stricter level still never shows more than a looser one).
        found = passing(NORMAL)[:1]
    return found
