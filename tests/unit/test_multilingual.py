"""The multilingual architecture's text path, offline: a tiny random xlm-roberta + ViT model
saved as a `local-dir:` folder (tests/multilingual.py) loads through the normal loader, turns
Chinese and English queries into vectors, and searches a library."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photosift.core.errors import ModelUnavailableError
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.model.loader import load_model
from photosift.core.search.engine import SearchEngine
from tests.multilingual import EMBED_DIM, build_tiny_multilingual
from tests.toyworld import generate_photos

UNKNOWN = 3  # XLM-R's <unk> id


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers")
    return build_tiny_multilingual(tmp_path_factory.mktemp("xlmr") / "model")


def test_loads_offline_with_the_folders_own_tokenizer(model_dir: Path) -> None:
    from photosift.core.search.readability import is_multilingual

    model = load_model(f"local-dir:{model_dir}", device="cpu")  # HF_HUB_OFFLINE=1 (conftest)
    assert is_multilingual(model.tokenizer)  # the folder's XLM-R tokenizer, not CLIP's BPE
    ids = model.tokenizer(["超市的收据"])[0].tolist()
    assert ids[0] == 0 and 2 in ids  # <s> … </s>, as XLM-R frames a sentence
    assert UNKNOWN not in ids[: ids.index(2)]  # Chinese is tokenized, not <unk>
    assert model.dim == EMBED_DIM


def test_chinese_and_english_queries_become_unit_vectors(model_dir: Path) -> None:
    model = load_model(f"local-dir:{model_dir}", device="cpu")
    vectors = model.encode_texts(["收据", "海滩上的狗", "a receipt"])
    assert vectors.shape == (3, EMBED_DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(vectors[0], vectors[1]) and not np.allclose(vectors[0], vectors[2])
    again = load_model(f"local-dir:{model_dir}", device="cpu").encode_texts(["收据"])
    assert np.allclose(again[0], vectors[0], atol=1e-6)  # the weights come from the folder


def test_a_chinese_query_searches_a_library(model_dir: Path, tmp_path: Path) -> None:
    model = load_model(f"local-dir:{model_dir}", device="cpu")
    generate_photos(tmp_path / "photos", 6, size=(64, 48), seed=5)
    with Store(tmp_path / "library.sqlite3") as store:
        assert index_library(store, model, [tmp_path / "photos"], workers=1).indexed == 6
    engine = SearchEngine(tmp_path / "library.sqlite3", model)
    assert engine.load() == 6
    results = engine.search("红色的圆", cutoff="off", top_k=6)
    assert len(results) == 6
    assert [h.score for h in results] == sorted((h.score for h in results), reverse=True)
    engine.close()


def test_without_its_text_config_the_folder_says_what_is_missing(
    model_dir: Path, tmp_path: Path
) -> None:
    import shutil

    bare = tmp_path / "bare"
    shutil.copytree(model_dir, bare)
    (bare / "config.json").unlink()  # like a real Hub folder: the text config lives elsewhere
    with pytest.raises(ModelUnavailableError, match="could not be loaded"):
        load_model(f"local-dir:{bare}", device="cpu")
