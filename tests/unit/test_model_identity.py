"""A model is known by its content (issue 16, Medium): new weights in the same local-dir
folder are a new model, and special files in a model folder are refused at once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from photosift.core.errors import ModelMismatchError, ModelUnavailableError
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.model import identity
from photosift.core.model.loader import load_model
from photosift.core.search.engine import SearchEngine
from tests.deadline import raised_within
from tests.toyworld import generate_photos


def swap_weights(folder: Path) -> None:
    """Put different weights into the folder under the same file name (same shapes)."""
    import torch
    from safetensors.torch import load_file, save_file

    path = folder / "open_clip_model.safetensors"
    tensors = load_file(str(path))
    generator = torch.Generator().manual_seed(3)
    swapped = {
        name: t + 0.5 * torch.randn(t.shape, generator=generator, dtype=t.dtype)
        if t.is_floating_point()
        else t
        for name, t in tensors.items()
    }
    save_file(swapped, str(path))


def test_weights_swapped_in_place_are_a_new_model(tmp_path: Path, toy_model_dir: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(toy_model_dir, folder)
    spec = f"local-dir:{folder}"
    photos = generate_photos(tmp_path / "lib", 4, size=(96, 72), seed=12)
    db = tmp_path / "lib.sqlite3"
    first = load_model(spec, device="cpu")
    with Store(db) as store:
        assert index_library(store, first, [tmp_path / "lib"], batch_size=8, workers=1).indexed == 4
        with store.transaction() as conn:  # the user's work, which must survive the swap
            conn.execute("INSERT INTO labels (name, created_at) VALUES ('mine', 0)")
            conn.execute(
                "INSERT INTO photo_tags (photo_id, label_id, source, state, updated_at) "
                "SELECT id, 1, 'manual', 'assigned', 0 FROM photos"
            )

    swap_weights(folder)
    second = load_model(spec, device="cpu")
    assert second.content_hash != first.content_hash and second.spec == first.spec

    engine = SearchEngine(db, second)
    with pytest.raises(ModelMismatchError, match="changed since this library was indexed"):
        engine.load()  # the old vectors do not fit the new weights
    engine.close()
    with Store(db) as store:
        again = index_library(store, second, None, batch_size=8, workers=1)
        assert again.indexed == 4  # embedded again: one vector space per model id
        assert [m.content_hash for m in store.models()] == [second.content_hash]
        assert store.db.execute("SELECT COUNT(*) FROM photo_tags").fetchone()[0] == 4
    engine = SearchEngine(db, second)
    engine.load()
    query = engine.encode_image(photos[0].path)  # the query photo finds itself again
    hits = engine.search_vector(query, top_k=1, cutoff="off").hits
    with Store(db) as store:
        assert hits[0].photo_id == store.photo_id_at(photos[0].path) and hits[0].score > 0.99
    engine.close()


def test_content_hash_is_cached_by_size_and_mtime(
    tmp_path: Path, toy_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(toy_model_dir, folder)
    first = identity.content_hash(folder)
    reads: list[Path] = []
    real = identity._file_digest
    monkeypatch.setattr(identity, "_file_digest", lambda p: reads.append(p) or real(p))
    assert identity.content_hash(folder) == first and reads == []
    config = folder / "open_clip_config.json"
    config.write_text(config.read_text() + " ")
    assert identity.content_hash(folder) != first and reads == [config]


@pytest.mark.parametrize("kind", ["fifo", "huge"])
def test_a_special_or_huge_config_file_is_refused_at_once(
    tmp_path: Path, toy_model_dir: Path, kind: str
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(toy_model_dir, folder)
    config = folder / "open_clip_config.json"
    config.unlink()
    if kind == "fifo":
        os.mkfifo(config)
    else:
        with open(config, "wb") as handle:
            handle.truncate(64 * 1024 * 1024)
    unblock = (
        (lambda: os.close(os.open(config, os.O_WRONLY | os.O_NONBLOCK))) if kind == "fifo" else None
    )
    error = raised_within(20, lambda: load_model(f"local-dir:{folder}", device="cpu"), unblock)
    assert isinstance(error, ModelUnavailableError), error
    assert str(config) in str(error)
