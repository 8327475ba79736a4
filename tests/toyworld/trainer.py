"""Train the tiny toy-world CLIP on CPU, deterministically.

The model is a real open_clip `CLIP` (few-layer ViT on 64 px images, small text transformer,
the real 49408-token BPE vocabulary) so the app loads it exactly like a downloaded model.
Training images go through the very transform open_clip builds for evaluation (shortest-side
resize + centre crop) from photos of random size and aspect, some JPEG-compressed, so the
model works on real-size JPEGs the app indexes.

The loss is CLIP's symmetric contrastive loss with one change: a batch holds many photos of
the same kind and captions that name only the colour or only the shape, so a caption that also
truly describes another photo in the batch is left out of that photo's softmax instead of
being pushed away from it (see `masked_clip_loss`).

Choices measured on 2 CPU threads (shape accuracy is the hard part; colour is learnt within
100 steps): average-pooling the patch tokens instead of a class token took held-out shape
accuracy after 600 steps from 0.77 to 0.91; 800 steps reach about 1.0.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from .captions import Caption, all_captions
from .generator import COLORS, SHAPES, render

MODEL_CFG: dict = {
    "embed_dim": 64,
    "vision_cfg": {
        "image_size": 64, "patch_size": 8, "layers": 3, "width": 96, "head_width": 32, "mlp_ratio": 2.0,
        "pool_type": "avg",
    },
    "text_cfg": {"context_length": 32, "vocab_size": 49408, "width": 64, "heads": 4, "layers": 2, "mlp_ratio": 2.0},
}
PREPROCESS_CFG: dict = {
    "size": 64,
    "mode": "RGB",
    "mean": [0.48145466, 0.4578275, 0.40821073],
    "std": [0.26862954, 0.26130258, 0.27577711],
    "interpolation": "bicubic",
    "resize_mode": "shortest",
    "fill_color": 0,
}
_ASPECTS = (1.0, 4 / 3, 3 / 2, 16 / 9)


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 0
    steps: int = 800
    batch_size: int = 128
    pool_size: int = 16384
    lr: float = 1e-3
    warmup_steps: int = 60
    weight_decay: float = 0.05
    threads: int = 2
    full_caption_share: float = 0.5
    color_caption_share: float = 0.15
    jpeg_share: float = 0.4

    def as_dict(self) -> dict:
        return asdict(self)


def eval_transform():
    """The transform open_clip returns for this preprocess config (is_train=False)."""
    from open_clip.transform import PreprocessCfg, image_transform_v2

    return image_transform_v2(PreprocessCfg(**PREPROCESS_CFG), is_train=False)


def _split_transform():
    """The eval transform as (PIL geometry steps, tensor normalisation) so photos can be kept as uint8."""
    from torchvision.transforms import Compose, Normalize, ToTensor

    steps = list(eval_transform().transforms)
    if not (isinstance(steps[-2], ToTensor) and isinstance(steps[-1], Normalize)):
        raise RuntimeError(f"unexpected open_clip eval transform: {steps}")
    return Compose(steps[:-2]), steps[-1]


class PhotoPool:
    """A fixed, seeded set of training photos already cropped to the model's input, as uint8.

    Rendering costs about as much as a training step on two cores, so each photo is drawn once
    and reused over several epochs, with a fresh caption every time it is used.
    """

    def __init__(self, config: TrainConfig) -> None:
        import torch

        rng = np.random.default_rng(config.seed)
        geometry, self.normalize = _split_transform()
        count = config.pool_size
        self.colors = rng.integers(len(COLORS), size=count)
        self.shapes = rng.integers(len(SHAPES), size=count)
        self.images = torch.empty((count, 3, 64, 64), dtype=torch.uint8)
        for i in range(count):
            photo = _random_photo(SHAPES[self.shapes[i]], COLORS[self.colors[i]], rng, config.jpeg_share)
            array = np.array(geometry(photo), dtype=np.uint8)
            self.images[i] = torch.from_numpy(array).permute(2, 0, 1)

    def batch(self, indices: np.ndarray):
        import torch

        pixels = self.images[torch.from_numpy(indices)].float().div(255)
        return self.normalize(pixels)


def _random_photo(shape: str, color: str, rng: np.random.Generator, jpeg_share: float):
    """A photo of random size and aspect (landscape mostly), sometimes JPEG-compressed."""
    short = int(rng.integers(64, 129))
    aspect = _ASPECTS[int(rng.integers(len(_ASPECTS)))]
    long = int(round(short * aspect))
    size = (long, short) if rng.random() < 0.75 else (short, long)
    image = render(shape, color, size=size, rng=rng)
    if rng.random() < jpeg_share:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=int(rng.integers(70, 96)))
        buffer.seek(0)
        image = _open_rgb(buffer)
    return image


class BatchMaker:
    """Deterministic stream of (images, caption tokens, positive mask) training batches."""

    def __init__(self, config: TrainConfig, tokenize: Callable[[list[str]], "torch.Tensor"]) -> None:
        self.config = config
        self.rng = np.random.default_rng(config.seed + 1)
        self.pool = PhotoPool(config)
        self.captions: list[Caption] = all_captions()
        self.tokens = tokenize([c.text for c in self.captions])
        self._by_kind: dict[tuple[str, int, int], np.ndarray] = {}
        for ci, color in enumerate(COLORS):
            for si, shape in enumerate(SHAPES):
                for kind in ("full", "color", "shape"):
                    self._by_kind[(kind, ci, si)] = np.array(
                        [i for i, c in enumerate(self.captions) if c.describes(color, shape) and _kind(c) == kind]
                    )
        self._color_ids = np.array([COLORS.index(c.color) if c.color else -1 for c in self.captions])
        self._shape_ids = np.array([SHAPES.index(c.shape) if c.shape else -1 for c in self.captions])
        self._order = np.empty(0, dtype=np.int64)

    def _indices(self, count: int) -> np.ndarray:
        while len(self._order) < count:
            self._order = np.concatenate([self._order, self.rng.permutation(self.config.pool_size)])
        taken, self._order = self._order[:count], self._order[count:]
        return taken

    def next(self):
        import torch

        cfg = self.config
        indices = self._indices(cfg.batch_size)
        img_colors = self.pool.colors[indices]
        img_shapes = self.pool.shapes[indices]
        rolls = self.rng.random(cfg.batch_size)
        picks = np.empty(cfg.batch_size, dtype=np.int64)
        for n, (roll, ci, si) in enumerate(zip(rolls, img_colors, img_shapes)):
            kind = (
                "full" if roll < cfg.full_caption_share
                else "color" if roll < cfg.full_caption_share + cfg.color_caption_share
                else "shape"
            )
            choices = self._by_kind[(kind, int(ci), int(si))]
            picks[n] = choices[int(self.rng.integers(len(choices)))]
        cap_colors = self._color_ids[picks][None, :]
        cap_shapes = self._shape_ids[picks][None, :]
        positive = ((cap_colors == -1) | (cap_colors == img_colors[:, None])) & (
            (cap_shapes == -1) | (cap_shapes == img_shapes[:, None])
        )
        images = self.pool.batch(indices)
        flip = torch.from_numpy(self.rng.random(cfg.batch_size) < 0.5)
        images[flip] = images[flip].flip(-1)
        return images, self.tokens[torch.from_numpy(picks)], torch.from_numpy(positive)


def _kind(caption: Caption) -> str:
    if caption.color and caption.shape:
        return "full"
    return "color" if caption.color else "shape"


def _open_rgb(buffer: io.BytesIO):
    from PIL import Image

    with Image.open(buffer) as image:
        return image.convert("RGB")


def masked_clip_loss(image_features, text_features, logit_scale, positive):
    """CLIP's symmetric cross-entropy on the diagonal, with false negatives left out.

    Caption j still describes photo i when both show e.g. red things; such pairs are removed
    from the softmax instead of being pushed apart.
    """
    import torch
    import torch.nn.functional as F

    logits = logit_scale * image_features @ text_features.T
    eye = torch.eye(len(logits), dtype=torch.bool)
    logits = logits.masked_fill(positive & ~eye, float("-inf"))
    labels = torch.arange(len(logits))
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2


def _param_groups(model, weight_decay: float) -> list[dict]:
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        plain = param.ndim < 2 or "ln" in name or "bias" in name or "logit_scale" in name or "embedding" in name
        (no_decay if plain else decay).append(param)
    return [{"params": no_decay, "weight_decay": 0.0}, {"params": decay, "weight_decay": weight_decay}]


def train(config: TrainConfig = TrainConfig(), log: Callable[[str], None] = print):
    """Train a fresh model; returns (model, stats dict). Restores torch's global settings after."""
    import open_clip
    import torch

    previous_threads = torch.get_num_threads()
    previous_deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(config.threads)
    torch.use_deterministic_algorithms(True)
    try:
        torch.manual_seed(config.seed)
        model = open_clip.CLIP(**MODEL_CFG)
        tokenizer = open_clip.SimpleTokenizer(context_length=MODEL_CFG["text_cfg"]["context_length"])
        tick = time.perf_counter()
        batches = BatchMaker(config, tokenizer)
        pool_seconds = time.perf_counter() - tick
        log(f"rendered {config.pool_size} training photos in {pool_seconds:.1f} s")
        optimizer = torch.optim.AdamW(_param_groups(model, config.weight_decay), lr=config.lr, betas=(0.9, 0.98))
        model.train()
        start = time.perf_counter()
        data_seconds = 0.0
        loss_value = float("nan")
        for step in range(config.steps):
            lr = config.lr * min(1.0, (step + 1) / config.warmup_steps)
            lr *= 0.5 * (1 + math.cos(math.pi * step / config.steps))
            for group in optimizer.param_groups:
                group["lr"] = lr
            tick = time.perf_counter()
            images, tokens, positive = batches.next()
            data_seconds += time.perf_counter() - tick
            image_features = model.encode_image(images, normalize=True)
            text_features = model.encode_text(tokens, normalize=True)
            loss = masked_clip_loss(image_features, text_features, model.logit_scale.exp(), positive)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                model.logit_scale.clamp_(0, math.log(100))
            loss_value = float(loss.detach())
            if step % 50 == 0 or step == config.steps - 1:
                elapsed = time.perf_counter() - start
                log(f"step {step + 1}/{config.steps} loss {loss_value:.4f} lr {lr:.2e} "
                    f"{(step + 1) / elapsed:.2f} steps/s (data {data_seconds / elapsed:.0%}) "
                    f"scale {float(model.logit_scale.detach().exp()):.1f}")
        model.eval()
        stats = {
            "train_seconds": round(time.perf_counter() - start, 1),
            "pool_seconds": round(pool_seconds, 1),
            "batch_seconds": round(data_seconds, 1),
            "final_loss": round(loss_value, 4),
            "logit_scale": round(float(model.logit_scale.detach().exp()), 2),
        }
        return model, stats
    finally:
        torch.use_deterministic_algorithms(previous_deterministic)
        torch.set_num_threads(previous_threads)
