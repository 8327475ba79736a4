"""Label vectors computed once per (model, prompts), stored in the library, resumable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photosift.core.cancel import CancelToken
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.tagging.label_vectors import LabelVectorsPending, compute_label_vectors
from photosift.core.tagging.tag_book import TagBook
from photosift.core.tagging.tagger import Tagger
from photosift.core.tagging.vocabulary import LabelEmbedder
from tests.toyworld import COLORS, SHAPES, generate_photos


@pytest.fixture
def store(tmp_path: Path, toy_model) -> Store:  # type: ignore[no-untyped-def]
    generate_photos(tmp_path / "lib", 12, size=(96, 72))
    with Store(tmp_path / "library.sqlite3") as s:
        index_library(s, toy_model, [tmp_path / "lib"])
        tags = TagBook(s)
        for name in [*SHAPES, *COLORS]:
            tags.add_label(name)
        yield s


class CountingModel:
    """The real toy model, counting the prompts it is asked to embed."""

    def __init__(self, model) -> None:  # type: ignore[no-untyped-def]
        self._model = model
        self.prompts: list[str] = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._model, name)

    def encode_texts(self, texts):  # type: ignore[no-untyped-def]
        self.prompts += list(texts)
        return self._model.encode_texts(texts)


def test_vectors_are_stored_once_and_scores_then_need_no_text_encoder(
    store: Store, toy_model
) -> None:  # type: ignore[no-untyped-def]
    labels = TagBook(store).labels()
    with pytest.raises(LabelVectorsPending) as pending:
        Tagger(store, toy_model, labels, compute_labels=False).prepare()
    assert pending.value.missing == len(labels)

    seen = []
    summary = compute_label_vectors(store, toy_model, labels, chunk=4, progress=seen.append)
    assert (summary.computed, summary.total, summary.cancelled) == (len(labels), len(labels), False)
    assert [p.done for p in seen] == [0, 4, 8, len(labels)] and seen[-1].total == len(labels)

    counting = CountingModel(toy_model)
    photo_id = store.db.execute("SELECT photo_id FROM embeddings LIMIT 1").fetchone()[0]
    stored = Tagger(store, counting, labels, compute_labels=False).label_scores(photo_id)
    assert counting.prompts == []  # everything came from the library
    fresh = Tagger(store, toy_model, labels, embedder=LabelEmbedder(toy_model)).label_scores(
        photo_id
    )
    assert [s.label for s in stored] == [s.label for s in fresh]
    np.testing.assert_allclose([s.cosine for s in stored], [s.cosine for s in fresh], atol=1e-5)
    again = compute_label_vectors(store, counting, labels)
    assert again.computed == 0 and counting.prompts == []


def test_editing_a_label_recomputes_only_that_label(store: Store, toy_model) -> None:  # type: ignore[no-untyped-def]
    tags = TagBook(store)
    compute_label_vectors(store, toy_model, tags.labels())
    tags.update_label("red", prompts=["a bright red thing", "something red"])
    tags.rename_label("circle", "ring")  # default prompts name the label: a new vector too
    counting = CountingModel(toy_model)
    summary = compute_label_vectors(store, counting, tags.labels())
    assert summary.computed == 2
    assert sorted(counting.prompts[:2]) == ["a bright red thing", "something red"]
    assert all("ring" in p for p in counting.prompts[2:]) and len(counting.prompts) > 2


def test_cancel_keeps_whole_chunks_and_the_next_run_resumes(store: Store, toy_model) -> None:  # type: ignore[no-untyped-def]
    labels = TagBook(store).labels()
    token = CancelToken()

    def cancel_after_first_chunk(progress) -> None:  # type: ignore[no-untyped-def]
        if progress.done > 0:
            token.cancel()

    first = compute_label_vectors(
        store, toy_model, labels, chunk=3, progress=cancel_after_first_chunk, cancel=token
    )
    assert first.cancelled and first.computed == 3
    assert store.db.execute("SELECT COUNT(*) FROM label_vectors").fetchone()[0] == 3
    second = compute_label_vectors(store, toy_model, labels, chunk=3)
    assert (second.computed, second.cancelled) == (len(labels) - 3, False)
