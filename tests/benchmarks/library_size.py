"""Bytes per photo in a library file, to size a library of millions of photos.

    python -m tests.benchmarks.library_size [--count 20000] [--dim 512]

Writes `count` photo rows with one vector each through the indexer's own batch commit
(`Store.commit_batch`, 1000 per transaction) and prints the file size per photo and the
size that implies for 10 million photos (docs/cluster.md).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from photosift.core.library.scan_records import PhotoWrite
from photosift.core.library.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--dim", type=int, default=512)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        with Store(Path(folder) / "library.sqlite3") as store:
            model_id = store.register_model("bench:size", args.dim, {}).id
            root = store.add_root(folder)
            for start in range(0, args.count, 1000):
                photos = [
                    PhotoWrite(
                        root.id, f"2024/06/IMG_{i:07d}.JPG", 4_000_000, 1, f"{i:032x}", "jpg",
                        4000, 3000, 1.7e9, "Canon EOS 40D",
                        rng.standard_normal(args.dim).astype(np.float32),
                    )
                    for i in range(start, min(start + 1000, args.count))
                ]  # fmt: skip
                store.commit_batch(model_id, photos, [])
        size = sum(f.stat().st_size for f in Path(folder).iterdir())
    per_photo = size / args.count
    print(
        f"{args.count:,} photos x {args.dim}: {size / 2**20:.1f} MiB, {per_photo:.0f} B/photo; "
        f"10 M photos: {per_photo * 1e7 / 1e9:.1f} GB"
    )


if __name__ == "__main__":
    main()
