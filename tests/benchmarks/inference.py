"""The CPU engine against torch: forward rates, whole-pipeline indexing, fidelity, fixed costs.

    python -m tests.benchmarks.inference [--count 48] [--forward 64] [--search-library 60]

One model for everything: open_clip's ViT-B-32-256 with seeded random weights, saved once as a
``local-dir:`` folder under REPO/.cache/bench (real weights cannot be downloaded everywhere;
the cost of a forward pass does not depend on the weights' values). Its ONNX build goes to
REPO/.cache/bench/engines and is made on first run (its time is printed).

Printed, for the same images:
- forward images/s and CPU-ms per image: torch fp32, ONNX fp32, ONNX int8 (pre-made tensors);
- `photosift index` on 12 MP and on 1080p JPEGs (torch vs the CPU engine), whole command in a
  fresh process: wall, CPU seconds, photos per CPU-second beyond the fixed cost, peak memory;
- fidelity: ONNX fp32 vs torch, int8 vs fp32 (the guard's figures, and on the bench photos);
- fixed cost: process start to first vector (`photosift index` of one photo) and to a first
  search result (`photosift search` on a library of --search-library photos), wall, CPU, peak.

Each measured command runs in its own process so its peak memory is its own. The machine's
load average is printed: on a shared machine every figure moves with it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.indexing import photo_set

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / ".cache" / "bench"
ARCH = "ViT-B-32-256"

# Runs one `photosift` command and reports its own CPU time and peak memory on stderr.
CLI_CHILD = r"""
import json, resource, sys
from photosift.cli import main
code = main(sys.argv[1:])
def peak_mb():
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(l.split()[1]) / 1024 for l in status if l.startswith("VmHWM:"))
usage = resource.getrusage(resource.RUSAGE_SELF)
heavy = [m for m in ("torch", "open_clip", "transformers") if m in sys.modules]
print("BENCH " + json.dumps({"code": code, "cpu": usage.ru_utime + usage.ru_stime,
      "peak_mb": peak_mb(), "heavy": heavy}), file=sys.stderr)
"""


def peak_mb() -> float:
    """This process's peak resident memory (CLI_CHILD repeats it without importing this module).
    VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec,
    so a child of a big parent would report the parent's."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def model_dir() -> Path:
    """ViT-B-32-256 with seeded random weights as an open_clip local-dir folder."""
    folder = BENCH / f"{ARCH}-random"
    if (folder / "open_clip_model.safetensors").is_file():
        return folder
    import open_clip
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    model = open_clip.create_model(ARCH)
    config = {
        "model_cfg": open_clip.get_model_config(ARCH),
        "preprocess_cfg": dict(open_clip.get_model_preprocess_cfg(model)),
    }
    (folder / "open_clip_config.json").write_text(json.dumps(config), encoding="utf-8")
    save_file(
        {k: v.contiguous() for k, v in model.state_dict().items()},
        str(folder / "open_clip_model.safetensors"),
    )
    return folder


def hd_photos(args: argparse.Namespace) -> Path:
    """The 1080p set: indexing, forward rates, fidelity and the search library share it."""
    return photo_set("1080p", max(args.count, args.search_library))


def bench_env(engine: str) -> dict[str, str]:
    env = dict(os.environ, PHOTOSIFT_ENGINE_DIR=str(BENCH / "engines"), PHOTOSIFT_ENGINE=engine)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO / "desktop"), str(REPO), env.get("PYTHONPATH")])
    )
    return env


def cli(args: list[str], engine: str, home: Path) -> dict:
    """One `photosift` command in a fresh interpreter: wall (from spawning), CPU, peak memory."""
    env = bench_env(engine)
    for name in ("DATA", "CACHE", "CONFIG"):
        env[f"PHOTOSIFT_{name}_DIR"] = str(home / name.lower())
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CLI_CHILD, *args], capture_output=True, text=True, env=env, cwd=REPO
    )
    wall = time.perf_counter() - started
    lines = [line for line in done.stderr.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"photosift {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    report = json.loads(lines[-1][6:])
    if report["code"] != 0:
        raise SystemExit(
            f"photosift {' '.join(args)} exited {report['code']}:\n{done.stderr[-3000:]}"
        )
    return {"wall": wall, **report}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase_forward(args: argparse.Namespace) -> dict:
    """Images/s of the image tower alone, on the same pre-made tensors for every engine."""
    import dataclasses

    from photosift.core.model.loader import load_model
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.core.model.precision import Engine, Precision

    spec = f"local-dir:{model_dir()}"
    if args.engine == "torch":
        model = load_model(spec, device="cpu", engine=Engine.TORCH)
    else:
        built = load_model(spec, device="cpu", engine=Engine.ONNX)
        precision = Precision.INT8 if args.engine == "onnx-int8" else Precision.FP32
        if precision is Precision.INT8 and "image_int8" not in built.info.files:
            return {"skipped": "no int8 tower (guard failed)"}
        model = OnnxClipModel(dataclasses.replace(built.info, precision=precision))
    from PIL import Image

    files = sorted(hd_photos(args).glob("*.jpg"))
    prepared = [
        model.preprocess(Image.open(path).convert("RGB")) for path in files[: args.batch_size]
    ]
    batches = [prepared] * -(-args.forward // args.batch_size)
    model.encode_prepared(prepared[:2])
    start, cpu = time.perf_counter(), cpu_seconds()
    for batch in batches:
        model.encode_prepared(batch)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    images = len(batches) * len(prepared)
    return {
        "images_per_s": images / seconds,
        "cpu_ms_per_image": 1000 * cpu / images,
        "peak_mb": peak_mb(),
    }


def phase_fidelity(args: argparse.Namespace) -> dict:
    """Cosines on the guard's probe set and on the bench photos."""
    import dataclasses

    from PIL import Image

    from photosift.core.model import int8_guard
    from photosift.core.model.loader import load_model
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.core.model.precision import Engine, Precision

    spec = f"local-dir:{model_dir()}"
    torch_model = load_model(spec, device="cpu", engine=Engine.TORCH)
    built = load_model(spec, device="cpu", engine=Engine.ONNX)
    fp32 = OnnxClipModel(dataclasses.replace(built.info, precision=Precision.FP32))
    photos = int8_guard.probe_photos() + [
        Image.open(p).convert("RGB") for p in sorted(hd_photos(args).glob("*.jpg"))[:32]
    ]
    ref, onnx = torch_model.encode_images(photos), fp32.encode_images(photos)
    result = {
        "onnx_fp32_vs_torch_min": float((ref * onnx).sum(1).min()),
        "guard": dataclasses.asdict(built.info.guard) if built.info.guard else None,
    }
    if "image_int8" in built.info.files:
        int8 = OnnxClipModel(
            dataclasses.replace(built.info, precision=Precision.INT8)
        ).encode_images(photos)
        cos = (onnx * int8).sum(1)
        result |= {"int8_vs_fp32_mean": float(cos.mean()), "int8_vs_fp32_min": float(cos.min())}
    texts = ["a dog on a beach", "a red car", "kids at sunset"]
    result["text_onnx_vs_torch_min"] = float(
        (torch_model.encode_texts(texts) * fp32.encode_texts(texts)).sum(1).min()
    )
    return result


PHASES = {"forward": phase_forward, "fidelity": phase_fidelity}


def run_phase(args: argparse.Namespace, phase: str, engine: str = "onnx") -> dict:
    command = [
        sys.executable,
        "-m",
        "tests.benchmarks.inference",
        "--phase",
        phase,
        "--engine",
        engine,
        "--count",
        str(args.count),
        "--forward",
        str(args.forward),
        "--batch-size",
        str(args.batch_size),
        "--search-library",
        str(args.search_library),
    ]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=bench_env("auto"))
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=48, help="photos per indexing set")
    parser.add_argument("--forward", type=int, default=64, help="images per forward-rate run")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--search-library", type=int, default=60)
    parser.add_argument("--skip-indexing", action="store_true")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="onnx", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return
    spec = f"local-dir:{model_dir()}"
    print(
        f"model {spec} (random {ARCH} weights), {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    sets = {"12mp": photo_set("12mp", args.count), "1080p": hd_photos(args)}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        one = home / "one"
        one.mkdir()
        shutil.copy(next(iter(sorted(sets["1080p"].glob("*.jpg")))), one)
        started = time.perf_counter()
        build = cli(
            ["index", str(one), "--db", str(home / "build.sqlite3"), "--model", spec], "auto", home
        )
        print(
            f"first use (build the engine unless cached): {time.perf_counter() - started:.1f} s wall, "
            f"{build['cpu']:.1f} CPU-s, peak {build['peak_mb']:.0f} MB"
        )

        print("\nforward pass, image tower alone, batch", args.batch_size)
        for engine in ("torch", "onnx-fp32", "onnx-int8"):
            r = run_phase(args, "forward", engine)
            if "skipped" in r:
                print(f"  {engine:<10} skipped: {r['skipped']}")
                continue
            print(
                f"  {engine:<10} {r['images_per_s']:6.1f} images/s  {r['cpu_ms_per_image']:6.1f} CPU-ms/image  "
                f"peak {r['peak_mb']:5.0f} MB"
            )

        print("\nfidelity (cosines)")
        print("  " + json.dumps(run_phase(args, "fidelity")))

        print("\nfixed cost: process start to first vector (`photosift index` of 1 photo)")
        fixed = {}
        for engine in ("torch", "auto"):
            r = cli(
                ["index", str(one), "--db", str(home / f"fixed-{engine}.sqlite3"), "--model", spec],
                engine,
                home,
            )
            fixed[engine] = r
            print(
                f"  {engine:<6} {r['wall']:5.2f} s wall  {r['cpu']:5.2f} CPU-s  peak {r['peak_mb']:5.0f} MB  "
                f"imports {r['heavy']}"
            )

        if not args.skip_indexing:
            print(
                f"\n`photosift index` of {args.count} photos, whole command (fixed cost included; "
                "per-photo figures beyond it)"
            )
            for name, folder in sets.items():
                subset = home / f"set-{name}"
                subset.mkdir()
                for path in sorted(folder.glob("*.jpg"))[: args.count]:
                    os.symlink(path, subset / path.name)
                for engine in ("torch", "auto"):
                    r = cli(
                        [
                            "index",
                            str(subset),
                            "--db",
                            str(home / f"{name}-{engine}.sqlite3"),
                            "--model",
                            spec,
                        ],
                        engine,
                        home,
                    )
                    extra_cpu = r["cpu"] - fixed[engine]["cpu"]
                    print(
                        f"  {name:<5} {engine:<6} {r['wall']:6.1f} s wall  {r['cpu']:6.1f} CPU-s  "
                        f"{args.count / r['wall']:5.2f} photos/s  "
                        f"{(args.count - 1) / max(extra_cpu, 1e-9):5.2f} photos/CPU-s beyond the fixed cost  "
                        f"peak {r['peak_mb']:5.0f} MB"
                    )

        print(
            f"\nfixed cost: process start to a first search result (`photosift search`, "
            f"library of {args.search_library} photos, warm disk cache)"
        )
        library = home / "search-set"
        library.mkdir()
        for path in sorted(sets["1080p"].glob("*.jpg"))[: args.search_library]:
            os.symlink(path, library / path.name)
        db = home / "search.sqlite3"
        cli(["index", str(library), "--db", str(db), "--model", spec], "auto", home)
        for engine in ("torch", "auto"):
            runs = [
                cli(["search", "a red circle", "--top", "5", "--db", str(db)], engine, home)
                for _ in range(3)
            ]
            r = sorted(runs, key=lambda run: run["wall"])[1]
            print(
                f"  {engine:<6} {r['wall']:5.2f} s wall  {r['cpu']:5.2f} CPU-s  peak {r['peak_mb']:5.0f} MB  "
                f"imports {r['heavy']}  (median of 3)"
            )
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
