"""Zero-shot and retrieval scores of a toy-world model on freshly generated held-out photos.

Scores are computed from plain embedding functions so the same figures can be taken through
open_clip directly and through the app's own model adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .captions import article
from .generator import COLORS, SHAPES, LabelledPhoto, generate_photos

EncodeImages = Callable[[Sequence[Image.Image]], np.ndarray]
EncodeTexts = Callable[[Sequence[str]], np.ndarray]

HELD_OUT_SEED = 12345


@dataclass(frozen=True)
class Scores:
    color_accuracy: float
    shape_accuracy: float
    combo_accuracy: float
    precision_at_10: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self.__dict__.items()}


def color_prompt(color: str) -> str:
    return f"a photo of something {color}"


def shape_prompt(shape: str) -> str:
    return f"a photo of {article(shape)} {shape}"


def combo_query(color: str, shape: str) -> str:
    return f"{article(color)} {color} {shape}"


def held_out_photos(
    folder: Path, per_combo: int = 20, size: tuple[int, int] = (320, 240)
) -> list[LabelledPhoto]:
    """Photos from a seed training never uses, written and read back as JPEG like a real library."""
    return generate_photos(
        folder, per_combo * len(COLORS) * len(SHAPES), size=size, seed=HELD_OUT_SEED
    )


def load_rgb(photos: Sequence[LabelledPhoto]) -> list[Image.Image]:
    images = []
    for photo in photos:
        with Image.open(photo.path) as image:
            images.append(image.convert("RGB"))
    return images


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def score(
    photos: Sequence[LabelledPhoto], image_vectors: np.ndarray, encode_texts: EncodeTexts
) -> Scores:
    """Colour/shape/combination zero-shot accuracy and mean text-to-image precision@10."""
    images = _normalised(image_vectors)
    colors = np.array([COLORS.index(p.color) for p in photos])
    shapes = np.array([SHAPES.index(p.shape) for p in photos])

    color_text = _normalised(encode_texts([color_prompt(c) for c in COLORS]))
    shape_text = _normalised(encode_texts([shape_prompt(s) for s in SHAPES]))
    combos = [(c, s) for c in range(len(COLORS)) for s in range(len(SHAPES))]
    combo_text = _normalised(encode_texts([combo_query(COLORS[c], SHAPES[s]) for c, s in combos]))

    color_acc = float(np.mean((images @ color_text.T).argmax(1) == colors))
    shape_acc = float(np.mean((images @ shape_text.T).argmax(1) == shapes))
    combo_sims = images @ combo_text.T
    predicted = [combos[i] for i in combo_sims.argmax(1)]
    combo_acc = float(np.mean([p == (c, s) for p, c, s in zip(predicted, colors, shapes)]))
    precisions = []
    for column, (c, s) in enumerate(combos):
        top = np.argsort(-combo_sims[:, column], kind="stable")[:10]
        precisions.append(np.mean((colors[top] == c) & (shapes[top] == s)))
    return Scores(color_acc, shape_acc, combo_acc, float(np.mean(precisions)))


def open_clip_encoders(model_dir: Path) -> tuple[EncodeImages, EncodeTexts]:
    """Encoders built from open_clip's own loader for a `local-dir:` folder (CPU)."""
    import open_clip
    import torch

    spec = f"local-dir:{model_dir}"
    model, _, preprocess = open_clip.create_model_and_transforms(spec, device="cpu")
    tokenizer = open_clip.get_tokenizer(spec)
    model.eval()

    def encode_images(images: Sequence[Image.Image]) -> np.ndarray:
        with torch.no_grad():
            batch = torch.stack([preprocess(image) for image in images])
            return model.encode_image(batch, normalize=True).numpy()

    def encode_texts(texts: Sequence[str]) -> np.ndarray:
        with torch.no_grad():
            return model.encode_text(tokenizer(list(texts)), normalize=True).numpy()

    return encode_images, encode_texts


def evaluate_dir(model_dir: Path, work_dir: Path) -> Scores:
    photos = held_out_photos(work_dir)
    encode_images, encode_texts = open_clip_encoders(model_dir)
    return score(photos, encode_images(load_rgb(photos)), encode_texts)
