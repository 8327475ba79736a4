"""Indexing throughput against the model's own speed, and how fast vectors load.

    python -m tests.benchmarks.indexing [--count 64] [--model-arch ViT-B-32-256] [--device cpu]

For a 12 MP (4000x3000) and a 1080p JPEG set it prints indexing images/s (scan + decode +
preprocess + forward + commit, through `index_library`), the same model's pure forward
images/s on pre-made tensors at the same batch size, their ratio (the pipeline's overhead: 1.0
means decoding is fully hidden behind the model), and peak RSS. Each phase runs in its own
subprocess so ru_maxrss is that phase's own peak. Then Store.load_vectors on 100k synthetic
512-d vectors. Photo sets are cached under REPO/.cache/bench. Targets: ratio >= 0.75 (12 MP),
>= 0.9 (1080p); load_vectors <= 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
SETS = {"12mp": (4000, 3000), "1080p": (1920, 1080)}
TARGETS = {"12mp": 0.75, "1080p": 0.9}


def photo_set(name: str, count: int) -> Path:
    """JPEGs (quality 90) of toy-world scenes: smooth shapes plus sensor-like noise."""
    from PIL import Image

    from tests.toyworld import COLORS, SHAPES, render

    size = SETS[name]
    folder = REPO / ".cache" / "bench" / f"{name}-{count}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    for i in range(count):
        small = render(SHAPES[i % len(SHAPES)], COLORS[i % len(COLORS)], size=(800, 600), rng=rng)
        image = small.resize(size, Image.Resampling.BICUBIC)
        noise = rng.normal(0, 4, (size[1], size[0], 1)).astype(np.float32)
        pixels = np.clip(np.asarray(image, np.float32) + noise, 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"{i:05d}.jpg", quality=90)
    marker.touch()
    return folder


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def phase_index(args: argparse.Namespace) -> dict:
    import torch

    from photosift.core.library.indexer import index_library
    from photosift.core.library.store import Store
    from photosift.core.model.loader import random_model

    model = random_model(args.model_arch, device=args.device)
    warm = torch.zeros(2, 3, model.input_size, model.input_size)
    model.encode_image_batch(warm)
    folder = photo_set(args.set, args.count)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.sqlite3") as store:
        start, cpu = time.perf_counter(), cpu_seconds()
        summary = index_library(
            store, model, [folder], batch_size=args.batch_size, workers=args.workers
        )
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    assert summary.indexed == args.count, summary
    return {"images_per_s": args.count / seconds, "cpu_s_per_image": cpu / args.count,
            "seconds": seconds, "rss_mb": peak_rss_mb()}  # fmt: skip


def phase_forward(args: argparse.Namespace) -> dict:
    import torch

    from photosift.core.model.loader import random_model

    model = random_model(args.model_arch, device=args.device)
    size = model.input_size
    batches = [
        torch.randn(args.batch_size, 3, size, size)
        for _ in range(-(-args.count // args.batch_size))
    ]
    model.encode_image_batch(batches[0][:2])
    start, cpu = time.perf_counter(), cpu_seconds()
    for batch in batches:
        model.encode_image_batch(batch)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    images = len(batches) * args.batch_size
    return {"images_per_s": images / seconds, "cpu_s_per_image": cpu / images,
            "seconds": seconds, "rss_mb": peak_rss_mb()}  # fmt: skip


def phase_profile(args: argparse.Namespace) -> dict:
    """Cost per photo of each worker step on one decode thread, as the pipeline runs them
    (torch ops on the main thread start an intra-op thread team and cost twice as much)."""
    from concurrent.futures import ThreadPoolExecutor

    from photosift.core.model.loader import random_model

    model = random_model(args.model_arch, device=args.device)
    files = sorted(photo_set(args.set, args.count).glob("*.jpg"))[:16]
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_profile_steps, model, files).result()


def _profile_steps(model, files: list[Path]) -> dict:
    from photosift.core.imaging.decode import decode_image
    from photosift.core.imaging.fingerprint import fingerprint_file

    model.preprocess(decode_image(files[0], min_side=model.input_size).image)  # warm-up
    decode = preprocess = fingerprint = 0.0
    for path in files:
        t0 = time.perf_counter()
        image = decode_image(path, min_side=model.input_size).image
        t1 = time.perf_counter()
        model.preprocess(image)
        t2 = time.perf_counter()
        fingerprint_file(path)
        t3 = time.perf_counter()
        decode, preprocess, fingerprint = (
            decode + t1 - t0,
            preprocess + t2 - t1,
            fingerprint + t3 - t2,
        )
    n = len(files)
    return {"decode_ms": 1e3 * decode / n, "preprocess_ms": 1e3 * preprocess / n,
            "fingerprint_ms": 1e3 * fingerprint / n, "decoded_size": list(image.size)}  # fmt: skip


def phase_load(args: argparse.Namespace) -> dict:
    from photosift.core.library.scan_records import PhotoWrite
    from photosift.core.library.store import Store

    count, dim = 100_000, 512
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vectors.sqlite3"
        with Store(path) as store:
            root = store.add_root(tmp)
            model = store.register_model("synthetic", dim, {})
            for start in range(0, count, 5000):
                rows = rng.standard_normal((5000, dim)).astype(np.float32)
                store.commit_batch(model.id, [
                    PhotoWrite(root.id, f"{start + i}.jpg", 1, 1, "fp", "jpg", 1, 1, None, None, rows[i])
                    for i in range(5000)
                ], [])  # fmt: skip
        timings = []
        for _ in range(3):
            with Store(path) as store:  # a fresh connection each time: no warm statement cache
                start = time.perf_counter()
                ids, matrix = store.load_vectors(model.id)
                timings.append(time.perf_counter() - start)
        assert matrix.shape == (count, dim)
    return {"load_s_best": min(timings), "load_s_all": timings, "rss_mb": peak_rss_mb()}


PHASES = {
    "index": phase_index,
    "forward": phase_forward,
    "profile": phase_profile,
    "load": phase_load,
}


def run_phase(args: argparse.Namespace, phase: str, set_name: str = "12mp") -> dict:
    command = [
        sys.executable, "-m", "tests.benchmarks.indexing", "--phase", phase, "--set", set_name,
        "--count", str(args.count), "--model-arch", args.model_arch, "--device", args.device,
        "--batch-size", str(args.batch_size), "--repeat", str(args.repeat),
    ] + (["--workers", str(args.workers)] if args.workers else [])  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=64)
    parser.add_argument("--model-arch", default="ViT-B-32-256")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda", "mps"))
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=2, help="alternate runs; the best counts")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--set", choices=sorted(SETS), default="12mp", help=argparse.SUPPRESS)
    parser.add_argument("--skip-load", action="store_true", help="skip the load_vectors figure")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return
    import os

    print(f"model random:{args.model_arch} on {args.device}, batch {args.batch_size}, "
          f"{args.count} photos per set, workers {args.workers or 'default'}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before the run "
          "(other busy processes skew every figure: on a shared machine run it under nice -n -10)")  # fmt: skip
    for set_name in SETS:
        photo_set(set_name, args.count)
        profile = run_phase(args, "profile", set_name)
        runs = [(run_phase(args, "forward", set_name), run_phase(args, "index", set_name))
                for _ in range(args.repeat)]  # fmt: skip
        forward = max((f for f, _ in runs), key=lambda r: r["images_per_s"])
        index = max((i for _, i in runs), key=lambda r: r["images_per_s"])
        ratio = index["images_per_s"] / forward["images_per_s"]
        cpu_ratio = forward["cpu_s_per_image"] / index["cpu_s_per_image"]
        verdict = "ok" if ratio >= TARGETS[set_name] else f"below target {TARGETS[set_name]}"
        print(
            f"{set_name:>6}: indexing {index['images_per_s']:.2f} img/s, forward "
            f"{forward['images_per_s']:.2f} img/s, ratio {ratio:.2f} ({verdict}); CPU-s per "
            f"photo indexing {index['cpu_s_per_image']:.3f}, forward "
            f"{forward['cpu_s_per_image']:.3f} (ratio {cpu_ratio:.2f}); peak RSS "
            f"indexing {index['rss_mb']:.0f} MB, forward {forward['rss_mb']:.0f} MB; per photo "
            f"on one thread: decode {profile['decode_ms']:.1f} ms (to {profile['decoded_size']}), "
            f"preprocess {profile['preprocess_ms']:.1f} ms, fingerprint {profile['fingerprint_ms']:.2f} ms"
        )
    if not args.skip_load:
        load = run_phase(args, "load")
        print(f"load_vectors 100k x 512: best {load['load_s_best']:.3f} s "
              f"(runs {', '.join(f'{t:.3f}' for t in load['load_s_all'])}), peak RSS {load['rss_mb']:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
