"""Duplicate detection at library scale: 100k photos, through a real SQLite library.

    python -m tests.benchmarks.duplicates                  # 100k photos, 40 planted groups
    python -m tests.benchmarks.duplicates --count 20000 --groups 10

The library holds `count` photos with synthetic CLIP-like 512-d vectors (a shared direction,
1000 clusters, noise: tests/benchmarks/search.py's generator). Among them are real files: the
planted groups of tests/planted_duplicates.py (an original plus an exact copy, quality 60,
half size, 3 % crop, two burst frames) and look-alikes, whose vectors are made near-identical
within a group, as CLIP's are for such copies. The synthetic photos' files do not exist: a
candidate pair that needs one is not confirmed, as for a file that vanished. Prints the time
of each step (reading the vectors, the blocked neighbour search, confirming candidates) and the
precision and recall of the groups found. Figures, never a timed assert.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from photosift.core.imaging.fingerprint import fingerprint_file
from photosift.core.library.scan_records import PhotoWrite
from photosift.core.library.store import Store
from photosift.core.search.duplicates import DEFAULT_THRESHOLD, find_duplicates
from photosift.core.search.neighbours import similar_pairs
from tests.benchmarks.search import DIM, synthetic
from tests.planted_duplicates import plant, precision_recall

NEAR_NOISE = 0.012  # per-dimension noise on a planted copy's vector: cosine about 0.96


def build(base: Path, count: int, groups: int, rng: np.random.Generator) -> list[set[Path]]:
    world = plant(base / "photos", originals=groups, distinct=groups * 2)
    centres = rng.standard_normal((1000, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    common = rng.standard_normal(DIM).astype(np.float32)
    common /= np.linalg.norm(common)
    vectors = synthetic(count, rng, centres, common)
    real: list[tuple[Path, np.ndarray]] = []
    for number, group in enumerate(world.groups):
        for path in sorted(group):
            noisy = vectors[number] + rng.standard_normal(DIM).astype(np.float32) * NEAR_NOISE
            real.append((path, noisy / np.linalg.norm(noisy)))
    real += [(p, vectors[len(world.groups) + i]) for i, p in enumerate(world.lookalikes)]
    with Store(base / "library.sqlite3") as store:
        root = store.add_root(world.folder)
        model = store.register_model("synthetic", DIM, {"size": 224})
        writes = [
            PhotoWrite(root.id, path.relative_to(world.folder).as_posix(), path.stat().st_size,
                       path.stat().st_mtime_ns, fingerprint_file(path), "jpg", *_size(path),
                       None, None, vector)
            for path, vector in real
        ]  # fmt: skip
        writes += [
            PhotoWrite(root.id, f"synthetic/{n:07d}.jpg", 1000, 0, f"synthetic{n}", "jpg",
                       640, 480, None, None, vectors[n])
            for n in range(len(real), count)
        ]  # fmt: skip
        for start in range(0, len(writes), 10_000):
            store.commit_batch(model.id, writes[start : start + 10_000], [])
    return [{p.resolve() for p in group} for group in world.groups]


def _size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        return image.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        started = time.perf_counter()
        truth = build(base, args.count, args.groups, rng)
        print(f"built a library of {args.count:,} photos in {time.perf_counter() - started:.1f} s")
        with Store(base / "library.sqlite3") as store:
            model_id = store.model_by_spec("synthetic").id  # type: ignore[union-attr]
            started = time.perf_counter()
            _, vectors = store.load_vectors(model_id)
            read = time.perf_counter() - started
            started = time.perf_counter()
            pairs = similar_pairs(vectors, args.threshold)
            search = time.perf_counter() - started
            started = time.perf_counter()
            report = find_duplicates(store, model_id, threshold=args.threshold)
            total = time.perf_counter() - started
        found = [{p.abspath for p in g.photos} for g in report.groups]
        precision, recall = precision_recall(found, truth)
        print(f"read vectors        {read:7.2f} s")
        print(f"neighbour search    {search:7.2f} s  ({len(pairs):,} candidate pairs)")
        print(f"find_duplicates     {total:7.2f} s  (all steps: read, search, confirm, group)")
        print(f"groups {len(report.groups)} (planted {len(truth)})  "
              f"precision {precision:.3f}  recall {recall:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
