"""Search latency, index memory and tagging throughput on synthetic 512-d vectors.

    python -m tests.benchmarks.search                 # 100k and 1M vectors, 50 queries each
    python -m tests.benchmarks.search --sizes 100000 --queries 20 --no-tagging

Latency is warm and excludes text encoding and the SQL of filters: search.rank, i.e. exact
top-100 plus the 1000-result window, relevance statistics and cut-off, as SearchEngine runs it. Vectors are made to look
like CLIP's (a shared direction, 1000 clusters, noise) so score distributions are realistic.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from photosift.core.search.engine import rank
from photosift.core.search.relevance import cutoff_strength
from photosift.core.search.vector_index import VectorIndex

DIM = 512


def synthetic(
    count: int, rng: np.random.Generator, centres: np.ndarray, common: np.ndarray
) -> np.ndarray:
    out = np.empty((count, DIM), dtype=np.float32)
    for start in range(0, count, 100_000):
        n = min(100_000, count - start)
        block = rng.standard_normal((n, DIM), dtype=np.float32) * 0.045
        block += centres[rng.integers(0, len(centres), n)] * 0.5 + common * 0.6
        out[start : start + n] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bench_search(
    count: int, queries: int, backend: str, data: np.ndarray, query_vectors: np.ndarray
) -> None:
    before = rss_mib()
    started = time.perf_counter()
    index = VectorIndex.from_arrays(
        np.arange(1, count + 1, dtype=np.int64), data[:count], backend=backend
    )
    build = time.perf_counter() - started
    strength = cutoff_strength("normal")
    only = np.arange(1, count + 1, 3)

    def one(query: np.ndarray, **options: object) -> int:
        return len(rank(index, query, top_k=100, strength=strength, **options))  # type: ignore[arg-type]

    for query in query_vectors[:3]:
        one(query)
    timings, cpu, kept = [], [], []
    for query in query_vectors[:queries]:
        t, c = time.perf_counter(), time.process_time()
        kept.append(one(query))
        timings.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    filtered = []
    for query in query_vectors[:10]:
        t = time.perf_counter()
        one(query, only=only)
        filtered.append((time.perf_counter() - t) * 1000)
    print(
        f"search {count:>9,} x {DIM}  backend={index.backend:<7} "
        f"median {np.median(timings):6.1f} ms  p95 {np.percentile(timings, 95):6.1f} ms  "
        f"CPU {np.median(cpu):6.1f} ms  load {os.getloadavg()[0]:4.1f}  "
        f"(1/3 filtered: median {np.median(filtered):6.1f} ms)  "
        f"index {index.nbytes / 2**20:7.0f} MiB (RSS +{rss_mib() - before:5.0f})  "
        f"build {build:5.1f} s  kept@normal median {int(np.median(kept))}"
    )


def bench_tagging(count: int, labels: int, rng: np.random.Generator, data: np.ndarray) -> None:
    from photosift.core.tagging.tagger import CHUNK, Calibration
    from photosift.core.tagging.vocabulary import DEFAULT_THRESHOLD

    label_vectors = synthetic(labels, rng, data[:1000], data[0])
    vectors = data[:count]
    started = time.perf_counter()
    calibration = Calibration.fit(label_vectors, vectors[:20_000])
    fit = time.perf_counter() - started
    thresholds = np.full(labels, calibration.z_threshold(DEFAULT_THRESHOLD))
    started = time.perf_counter()
    assigned = 0
    for start in range(0, count, CHUNK):
        _, z = calibration.scores(vectors[start : start + CHUNK])
        assigned += int(np.count_nonzero(z >= thresholds))
    seconds = time.perf_counter() - started
    print(
        f"tagging {count:,} photos x {labels} labels: scoring+thresholds {count / seconds:,.0f} photos/s "
        f"({assigned / count:.1f} tags/photo), calibration fit {fit * 1000:.0f} ms"
    )
    bench_tagging_store(min(count, 100_000), labels, vectors, calibration)


def bench_tagging_store(count: int, labels: int, vectors: np.ndarray, calibration) -> None:  # type: ignore[no-untyped-def]
    """End to end through a real library, as Tagger.run does it (without a model to embed the
    labels): read vectors, score, write photo_tags."""
    from photosift.core.library.store import Store
    from photosift.core.tagging.tag_book import TagBook
    from photosift.core.tagging.tagger import CHUNK
    from photosift.core.tagging.vocabulary import DEFAULT_THRESHOLD

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.sqlite3")
        model_id = store.register_model("bench:synthetic", DIM, {}).id
        root = store.add_root(folder)
        now = time.time()
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO photos (id, root_id, relpath, size, mtime_ns, fingerprint, file_type, added_at) "
                "VALUES (?, ?, ?, 1, 1, 'x', 'jpg', ?)",
                [(i, root.id, f"{i}.jpg", now) for i in range(1, count + 1)],
            )
            conn.executemany(
                "INSERT INTO labels (id, name, created_at) VALUES (?, ?, ?)",
                [(i, f"label {i}", now) for i in range(1, labels + 1)],
            )
            conn.executemany(
                "INSERT INTO embeddings (photo_id, model_id, vector) VALUES (?, ?, ?)",
                [
                    (i, model_id, vectors[i - 1].astype("<f4").tobytes())
                    for i in range(1, count + 1)
                ],
            )
        tags = TagBook(store, write_xmp=False)
        thresholds = np.full(labels, calibration.z_threshold(DEFAULT_THRESHOLD))
        label_ids = list(range(1, labels + 1))
        ids = np.arange(1, count + 1)
        started = time.perf_counter()
        for start in range(0, count, CHUNK):
            chunk_ids, chunk = store.vectors_for(model_id, ids[start : start + CHUNK].tolist())
            _, z = calibration.scores(chunk)
            rows, cols = np.nonzero(z >= thresholds)
            assigned = list(
                zip(
                    chunk_ids[rows].tolist(),
                    (cols + 1).tolist(),
                    calibration.confidence(z[rows, cols]).tolist(),
                    strict=True,
                )
            )
            tags.replace_auto_tags(chunk_ids.tolist(), label_ids, assigned, model_id)
        seconds = time.perf_counter() - started
        store.close()
    print(
        f"tagging through the library (read vectors, score, write tags): {count / seconds:,.0f} photos/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--labels", type=int, default=300)
    parser.add_argument("--backends", default="auto,float32", help="auto = int8 where available")
    parser.add_argument("--no-tagging", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    import torch  # noqa: F401  (imported up front so its ~0.5 GB does not count as index memory)

    rng = np.random.default_rng(0)
    centres = rng.standard_normal((1000, DIM)).astype(np.float32) / np.sqrt(DIM)
    common = rng.standard_normal(DIM).astype(np.float32) / np.sqrt(DIM)
    print(f"cpu cores {os.cpu_count()}, generating {max(sizes):,} vectors ...", flush=True)
    data = synthetic(max(sizes), rng, centres, common)
    query_vectors = synthetic(args.queries + 3, rng, centres, common * 0.3)
    for count in sizes:
        for backend in args.backends.split(","):
            bench_search(count, args.queries, backend, data, query_vectors)
    if not args.no_tagging:
        bench_tagging(min(max(sizes), 200_000), args.labels, rng, data)


if __name__ == "__main__":
    main()
