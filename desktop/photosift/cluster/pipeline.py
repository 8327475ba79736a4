"""The Ray Data pipeline: paths in, one row per file out (its facts and vector, or its skip).

Runs partly on other machines, so everything here is plain data: rows hold the file's path as
bytes (any file name survives, even one that is not UTF-8), its index in the driver's work list,
and the fingerprint the scan may already know. Decoding and preprocessing (`prepare_file`, the
local indexer's own step) run as a map over CPU tasks with the model's transform rebuilt from
its config; the forward pass runs in `map_batches` over an actor pool, one model per actor.
The tensors never come back to the driver: only vectors and file facts do.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np

from photosift.cluster.session import Placement

#: Camera and capture time may be unknown; Arrow columns carry these in their place.
NO_CAMERA = ""
NO_TIME = math.nan


@dataclass(frozen=True)
class ModelRecipe:
    """What a worker needs to prepare and embed exactly as the driver's model would."""

    spec: str
    preprocess_json: (
        str  # ClipModel.preprocess_cfg as JSON: hashable, so workers cache the transform
    )
    input_size: int  # decode reduction: the image keeps at least this many pixels a side
    tensor_shape: tuple[int, ...]  # what preprocess makes (skipped files get zeros of it)


# Memory one decode task reserves (logical: Ray schedules by it, it does not enforce it): a
# decoded 24-megapixel photo in RGB is ~72 MB. Small enough that any node runs some decodes.
DECODE_MEMORY = 128 * 1024 * 1024


def row_for(index: int, path: Path, fingerprint: str | None) -> dict[str, Any]:
    return {"index": index, "path": os.fsencode(path), "fingerprint": fingerprint or ""}


def stream_results(
    rows: list[dict[str, Any]], recipe: ModelRecipe, placement: Placement, batch_size: int
) -> Iterable[dict[str, np.ndarray]]:
    """Batches of result columns, in whatever order the cluster finishes them."""
    dataset = embedding_dataset(rows, recipe, placement, batch_size)
    return dataset.iter_batches(batch_size=batch_size, batch_format="numpy")


def embedding_dataset(
    rows: list[dict[str, Any]], recipe: ModelRecipe, placement: Placement, batch_size: int
) -> Any:
    """The Ray Data pipeline (lazy): decode and preprocess as tasks, embed in actors."""
    import ray.data

    blocks = max(1, math.ceil(len(rows) / batch_size))
    paths = ray.data.from_items(rows, override_num_blocks=blocks)
    # Decoding (the I/O) and the actors are spread over the nodes (Ray Data's default policy).
    # The decode tasks ask for memory and the actors do not, which also keeps them apart: with
    # equal remote arguments Ray Data would fuse the map into the actors, and each file would
    # be decoded by the process that embeds. (Named arguments only: Ray 2.64 drops the rest.)
    prepared = paths.map(partial(prepare_row, recipe=recipe), num_cpus=1, memory=DECODE_MEMORY)
    return prepared.map_batches(
        EmbeddingActor,
        fn_constructor_kwargs={"spec": recipe.spec, "device": placement.device},
        batch_size=batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=placement.actors),
        num_cpus=1,
        num_gpus=placement.gpus_per_actor,
    )


@lru_cache(maxsize=4)
def _transform(recipe: ModelRecipe) -> Any:
    from photosift.core.model.preprocess import array_transform

    return array_transform(json.loads(recipe.preprocess_json))


def prepare_row(row: dict[str, Any], recipe: ModelRecipe) -> dict[str, Any]:
    """A Ray task: decode and preprocess one file, or say why it is skipped."""
    from photosift.core.imaging.decode import ImageSkip
    from photosift.core.library.batches import prepare_file

    path = Path(os.fsdecode(row["path"]))
    outcome = prepare_file(path, row["fingerprint"] or None, _transform(recipe), recipe.input_size)
    if isinstance(outcome, ImageSkip):
        return {
            "index": row["index"], "ok": False,
            "tensor": np.zeros(recipe.tensor_shape, dtype=np.float32),
            "reason": outcome.reason.value, "detail": outcome.detail,
            "width": 0, "height": 0, "taken_at": NO_TIME, "camera": NO_CAMERA, "fingerprint": "",
        }  # fmt: skip
    facts = outcome.facts
    return {
        "index": row["index"], "ok": True, "tensor": np.asarray(outcome.tensor),
        "reason": "", "detail": "", "width": facts.width, "height": facts.height,
        "taken_at": NO_TIME if facts.taken_at is None else facts.taken_at,
        "camera": facts.camera or NO_CAMERA, "fingerprint": facts.fingerprint,
    }  # fmt: skip


class EmbeddingActor:
    """A Ray actor holding one model; embeds the prepared rows of each batch it is given."""

    def __init__(self, spec: str, device: str) -> None:
        import ray

        from photosift.core.model.loader import load_model

        self.model = load_model(spec, device=device)
        self.node = ray.get_runtime_context().get_node_id()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        ok = batch["ok"].astype(bool)
        vectors = np.zeros((len(ok), self.model.dim), dtype=np.float32)
        if ok.any():
            prepared = [t for t, good in zip(batch["tensor"], ok, strict=True) if good]
            vectors[ok] = self.model.encode_prepared(prepared)
        out = {name: column for name, column in batch.items() if name != "tensor"}
        out["vector"] = vectors
        out["node"] = np.array([self.node] * len(ok))
        return out
