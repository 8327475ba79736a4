"""A short, curated list of models worth offering, out of open_clip's ~200 pretrained weights.

Each pick answers one user need (fast on a CPU, queries in Chinese and other languages, best
quality on a GPU) with weights whose licence (MIT) allows use in a desktop product. Figures are
for the full model in float32: parameters, the size of the download, and ImageNet zero-shot
top-1 from open_clip's published results as a rough quality guide. A unit test checks every
spec against ``open_clip.list_pretrained()`` and every Hub repo against open_clip's own table.

This module is pure data (like open_clip's ``pretrained.py``): the loader and the fetcher read
it, it imports neither. What is cached is answered by ``fetch.catalog_listing``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Fast on a CPU (~4.4 GFLOPs per photo at 256 px), strong for its size (ImageNet zero-shot
#: 72.8%, on par with ViT-B-16 at a third of the cost), MIT-licensed weights in safetensors.
DEFAULT_MODEL_SPEC = "ViT-B-32-256/datacomp_s34b_b86k"


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


def multilingual_entry() -> CatalogEntry:
    """The catalog's model for queries that are not in English."""
    return next(entry for entry in CATALOG if entry.title == "Multilingual")
