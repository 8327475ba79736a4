"""Indexing throughput: the local indexer against `--cluster local` with 1 and 2 workers.

    python -m tests.benchmarks.cluster [--count 96] [--set 1080p] [--batch-size 16]

Same photos (the indexing benchmark's cached JPEG sets), same toy model, a fresh library per
run. For each it prints photos/s over the run's own indexing time (scan + decode + embed +
commit; for the cluster this includes starting the actors and loading one model per actor,
not starting Ray) and the wall time including Ray's start and shutdown. On a 2-core machine
the point is the cluster's correctness and overhead, not a speed-up. Run it with two
--count values to separate the fixed start-up cost (worker processes importing torch, each
actor loading its model) from the per-photo rate: (n2 - n1) / (t2 - t1).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tests.benchmarks.indexing import SETS, photo_set


def run(
    folder: Path, spec: str, cluster_workers: int | None, batch_size: int
) -> tuple[float, float, int]:
    from photosift.core.library.model_choice import ModelUse
    from photosift.service.library import PhotoLibrary

    with (
        tempfile.TemporaryDirectory() as tmp,
        PhotoLibrary.open(Path(tmp) / "bench.sqlite3") as library,
    ):
        model = library.load_model(spec, ModelUse.INDEX, "cpu").model
        start = time.perf_counter()
        if cluster_workers is None:
            summary = library.index(model, [folder], batch_size=batch_size)
        else:
            from photosift.cluster.indexing import ClusterOptions, index_on_cluster

            options = ClusterOptions("local", cluster_workers, batch_size)
            summary = index_on_cluster(library, model, [folder], options).summary
        wall = time.perf_counter() - start
    return summary.indexed / summary.seconds, wall, summary.indexed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=96)
    parser.add_argument("--set", choices=sorted(SETS), default="1080p")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    from tests.toyworld import build_model

    spec = f"local-dir:{build_model()}"
    folder = photo_set(args.set, args.count)
    print(f"{args.count} {args.set} JPEGs, toy model, batch {args.batch_size}")
    print(f"{'run':<24}{'photos/s':>10}{'wall s':>10}{'indexed':>9}")
    for label, workers in (
        ("local", None),
        ("--cluster local -w 1", 1),
        ("--cluster local -w 2", 2),
    ):
        rate, wall, indexed = run(folder, spec, workers, args.batch_size)
        print(f"{label:<24}{rate:>10.1f}{wall:>10.1f}{indexed:>9}", flush=True)


if __name__ == "__main__":
    main()
