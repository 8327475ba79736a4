"""A short, curated list of models worth offering, out of open_clip's ~200 pretrained weights.

Each pick answers one user need (fast on a CPU, queries in Chinese and other languages, best
quality on a GPU) with weights whose licence (MIT) allows use in a desktop product. Figures are
for the full model in float32: parameters, the size of the download, and ImageNet zero-shot
top-1 from open_clip's published results as a rough quality guide. A unit test checks every
spec against ``open_clip.list_pretrained()`` and every Hub repo against open_clip's own table.

Checking what is cached needs only the Hugging Face client, not torch, so the GUI can show the
list without the 4 s torch import.
"""

from __future__ import annotations

import importlib.util
from dataclasses import asdict, dataclass

from photosift.core.model.loader import DEFAULT_MODEL_SPEC, hub_file_cached
from photosift.core.paths import model_cache_dir


@dataclass(frozen=True)
class CatalogEntry:
    spec: str
    title: str
    params_m: int  # millions of parameters
    download_mb: int
    image_size: int
    dim: int  # embedding length stored per photo
    imagenet_top1: float  # zero-shot, percent
    good_for: str
    licence: str
    hf_repo: str  # where open_clip downloads the weights from
    needs: tuple[str, ...] = ()  # extra Python packages


CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry(
        spec=DEFAULT_MODEL_SPEC,
        title="Fast",
        params_m=151,
        download_mb=605,
        image_size=256,
        dim=512,
        imagenet_top1=72.8,
        good_for="everyday search and tagging on a laptop CPU; English queries",
        licence="MIT",
        hf_repo="laion/CLIP-ViT-B-32-256x256-DataComp-s34B-b86K",
    ),
    CatalogEntry(
        spec="xlm-roberta-base-ViT-B-32/laion5b_s13b_b90k",
        title="Multilingual",
        params_m=366,
        download_mb=1470,
        image_size=224,
        dim=512,
        imagenet_top1=62.3,
        good_for="queries in Chinese and about 100 other languages; photos as fast as the default",
        licence="MIT",
        hf_repo="laion/CLIP-ViT-B-32-xlm-roberta-base-laion5B-s13B-b90k",
        needs=("transformers",),
    ),
    CatalogEntry(
        spec="ViT-L-14/datacomp_xl_s13b_b90k",
        title="Large (GPU)",
        params_m=428,
        download_mb=1710,
        image_size=224,
        dim=768,
        imagenet_top1=79.2,
        good_for="best results with an NVIDIA or Apple GPU; about 10x slower on a CPU",
        licence="MIT",
        hf_repo="laion/CLIP-ViT-L-14-DataComp.XL-s13B-b90K",
    ),
)


def entry_for(spec: str) -> CatalogEntry | None:
    return next((entry for entry in CATALOG if entry.spec == spec), None)


def is_entry_cached(entry: CatalogEntry) -> bool:
    """Whether the entry's weights are already downloaded (so it works offline)."""
    return hub_file_cached(entry.hf_repo)


def missing_packages(entry: CatalogEntry) -> list[str]:
    """The entry's extra packages that are not installed (found without importing them)."""
    return [name for name in entry.needs if importlib.util.find_spec(name) is None]


def catalog_listing() -> dict:
    """The catalog as JSON-able data, with what is cached, for `photosift models` and the GUI;
    ``engines`` lists the CPU engine builds (ONNX) with the precision each one uses and why."""
    from photosift.core.model.engine_cache import builds

    return {
        "default": DEFAULT_MODEL_SPEC,
        "cache_dir": str(model_cache_dir()),
        "models": [
            {
                **asdict(entry),
                "needs": list(entry.needs),
                "missing": missing_packages(entry),
                "default": entry.spec == DEFAULT_MODEL_SPEC,
                "cached": is_entry_cached(entry),
            }
            for entry in CATALOG
        ],
        "engines": [
            {"spec": info.spec, "precision": info.precision.value, "summary": info.describe()}
            for info in builds()
        ],
    }
