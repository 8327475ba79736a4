"""A second real model, unlike the toy one: a tiny open_clip CLIP with random weights.

Switching a library from one model to another needs two models whose vectors differ (here even
in size: 32-d against the toy model's), both loaded through the app's normal path from a
`local-dir:` folder. Random weights are enough: the switch is about whose vectors serve search,
not about what they find.
"""

from __future__ import annotations

import json
from pathlib import Path

SECOND_MODEL_CFG = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 1, "width": 32, "patch_size": 8, "head_width": 16},
    "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}
SECOND_PREPROCESS_CFG = {
    "size": [32, 32],
    "mode": "RGB",
    "mean": [0.48145466, 0.4578275, 0.40821073],
    "std": [0.26862954, 0.26130258, 0.27577711],
    "interpolation": "bicubic",
    "resize_mode": "shortest",
    "fill_color": 0,
}


def write_second_model(folder: Path, seed: int = 2) -> Path:
    """Save the model the way open_clip loads a local-dir folder; returns the folder."""
    import open_clip
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    model = open_clip.CLIP(**SECOND_MODEL_CFG)
    save_file(
        {k: v.contiguous() for k, v in model.state_dict().items()},
        str(folder / "open_clip_model.safetensors"),
    )
    config = {"model_cfg": SECOND_MODEL_CFG, "preprocess_cfg": SECOND_PREPROCESS_CFG}
    (folder / "open_clip_config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder
