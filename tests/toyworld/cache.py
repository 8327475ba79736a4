"""Build the toy model once and reuse it.

Training takes minutes, so the result is cached under REPO/.cache/toyworld/<key>, where the key
hashes the source of everything that shapes the model (generator, captions, trainer, export)
plus the training parameters and the open_clip version: edit any of them and a fresh model is
trained. A file lock keeps concurrent pytest processes from training twice, and the model is
built in a temporary folder that is renamed into place only when complete, so a reader never
sees half a model.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

from .export import CONFIG_NAME, INFO_NAME, WEIGHTS_NAME

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent
CACHE_ROOT = REPO_ROOT / ".cache" / "toyworld"
_KEYED_SOURCES = ("generator.py", "captions.py", "trainer.py", "export.py")
_MODEL_FILES = (CONFIG_NAME, WEIGHTS_NAME, INFO_NAME)


def cache_key() -> str:
    import open_clip

    from .trainer import TrainConfig

    digest = hashlib.sha256()
    for name in _KEYED_SOURCES:
        digest.update(name.encode() + b"\0" + (PACKAGE_DIR / name).read_bytes() + b"\0")
    digest.update(json.dumps(TrainConfig().as_dict(), sort_keys=True).encode())
    digest.update(open_clip.__version__.encode())
    return digest.hexdigest()[:16]


def cached_model_dir() -> Path:
    return CACHE_ROOT / cache_key()


def _is_complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in _MODEL_FILES)


def _log(message: str) -> None:
    print(f"[toyworld] {message}", file=sys.stderr, flush=True)


def _train_into(folder: Path) -> None:
    from .evaluate import evaluate_dir
    from .export import save_model_dir, verify_model_dir, write_info
    from .trainer import TrainConfig, train

    config = TrainConfig()
    model, stats = train(config, log=_log)
    info = {"cache_key": folder.name, "train_config": config.as_dict(), "stats": stats}
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        save_model_dir(model, staging)
        verify_model_dir(model, staging)
        with tempfile.TemporaryDirectory(prefix="toyworld-eval-") as work:
            info["held_out_scores"] = evaluate_dir(staging, Path(work)).as_dict()
        write_info(staging, info)
        _log(f"trained in {stats['train_seconds']} s; held-out scores {info['held_out_scores']}")
        for path in staging.iterdir():
            path.chmod(0o644)
        staging.chmod(0o755)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def build_model(outdir: Path | str | None = None) -> Path:
    """The trained toy model folder; trained on first use, then served from the cache.

    With `outdir` the model files are copied there (created if needed) and `outdir` is returned.
    """
    from filelock import FileLock

    folder = cached_model_dir()
    if not _is_complete(folder):
        CACHE_ROOT.mkdir(parents=True, exist_ok=True)
        with FileLock(str(CACHE_ROOT / f"{folder.name}.lock")):
            if not _is_complete(folder):
                shutil.rmtree(folder, ignore_errors=True)
                _log(f"training the toy-world model into {folder} (a few minutes, once)")
                _train_into(folder)
    if outdir is None:
        return folder
    target = Path(outdir)
    target.mkdir(parents=True, exist_ok=True)
    for name in _MODEL_FILES:
        shutil.copy2(folder / name, target / name)
    return target
