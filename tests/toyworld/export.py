"""Save a trained toy model as an open_clip `local-dir:` folder and prove open_clip can load it.

The folder is the same kind a user would point PhotoSift at (`local-dir:PATH`):
open_clip_config.json with "model_cfg" and "preprocess_cfg", and open_clip_model.safetensors.
toyworld.json beside them records how the model was made (open_clip ignores it).
"""

from __future__ import annotations

import json
from pathlib import Path

from .trainer import MODEL_CFG, PREPROCESS_CFG

CONFIG_NAME = "open_clip_config.json"
WEIGHTS_NAME = "open_clip_model.safetensors"
INFO_NAME = "toyworld.json"


def save_model_dir(model, folder: Path) -> None:
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    config = {"model_cfg": MODEL_CFG, "preprocess_cfg": PREPROCESS_CFG}
    (folder / CONFIG_NAME).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    state = {name: tensor.detach().contiguous().clone() for name, tensor in model.state_dict().items()}
    save_file(state, str(folder / WEIGHTS_NAME), metadata={"format": "pt"})


def write_info(folder: Path, info: dict) -> None:
    (folder / INFO_NAME).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def verify_model_dir(model, folder: Path) -> None:
    """Load the folder through open_clip's public `local-dir:` API and check it matches `model`."""
    import open_clip
    import torch

    spec = f"local-dir:{folder}"
    loaded, _, preprocess = open_clip.create_model_and_transforms(spec, device="cpu")
    tokenizer = open_clip.get_tokenizer(spec)
    if type(tokenizer).__name__ != "SimpleTokenizer" or tokenizer.context_length != MODEL_CFG["text_cfg"]["context_length"]:
        raise RuntimeError(f"{spec} gave an unexpected tokenizer {tokenizer!r}")
    preprocess_cfg = dict(loaded.visual.preprocess_cfg)
    if tuple(preprocess_cfg.pop("size")) != (PREPROCESS_CFG["size"],) * 2 or any(
        preprocess_cfg.get(key) != value for key, value in PREPROCESS_CFG.items() if key != "size"
    ):
        raise RuntimeError(f"{spec} lost its preprocess config: {preprocess_cfg}")
    expected = model.state_dict()
    for name, tensor in loaded.state_dict().items():
        if not torch.equal(tensor, expected[name]):
            raise RuntimeError(f"{spec}: weight {name} differs from the trained model")
    loaded.eval()
    with torch.no_grad():
        tokens = tokenizer(["a red circle", "something blue"])
        if not torch.allclose(loaded.encode_text(tokens), model.encode_text(tokens), atol=1e-6):
            raise RuntimeError(f"{spec}: text features differ from the trained model")
