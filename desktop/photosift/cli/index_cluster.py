"""`photosift index --cluster ADDRESS`: the same command, embedding on a Ray cluster.

A face like the rest of the CLI: it checks that the `cluster` extra is installed before
anything heavy happens, loads the model the library is indexed with, runs
`photosift.cluster.indexing.index_on_cluster` with Ctrl-C wired to its cancel token, and
prints the local run's summary plus where the photos were embedded.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from photosift.cli.index_cmd import EXIT_CANCELLED, ProgressBar, ctrl_c_cancels, describe_summary

if TYPE_CHECKING:
    from pathlib import Path

    from photosift.cluster.indexing import ClusterProgress, ClusterSummary
    from photosift.core.library.indexer import IndexProgress
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.service.library import PhotoLibrary

NODE_ID_SHOWN = 8  # characters of a Ray node id: enough to tell a few machines apart


def run_cluster_index(
    args: argparse.Namespace,
    library: PhotoLibrary,
    model: ClipModel | OnnxClipModel,
    folders: list[Path],
) -> int:
    from photosift.cluster.indexing import ClusterOptions, index_on_cluster
    from photosift.core.cancel import CancelToken

    token = CancelToken()
    bar = ClusterProgressBar(sys.stderr) if sys.stderr.isatty() else None
    options = ClusterOptions(args.cluster, args.workers, args.batch_size)
    with ctrl_c_cancels(token):
        result = index_on_cluster(
            library, model, folders, options, reindex=args.reindex,
            scan_progress=bar.update if bar else None,
            progress=bar.update_cluster if bar else None, cancel=token,
        )  # fmt: skip
    if bar:
        bar.clear()
    summary = result.summary
    if args.json:
        from photosift.cli.common import db_path, print_json

        cluster = {
            "address": args.cluster, "actors": result.actors, "device": result.device,
            "per_node": result.per_node,
        }  # fmt: skip
        print_json({**summary.to_dict(), "model": model.spec, "db": str(db_path(args)),
                    "cluster": cluster})  # fmt: skip
    else:
        print(describe_summary(summary))
        print(describe_cluster(result))
    return EXIT_CANCELLED if summary.cancelled else 0


def describe_cluster(result: ClusterSummary) -> str:
    nodes = ", ".join(f"{node[:NODE_ID_SHOWN]} {n}" for node, n in sorted(result.per_node.items()))
    return (
        f"Embedded on the cluster by {result.actors} {result.device.upper()} worker(s); "
        f"photos per node: {nodes or 'none'}."
    )


class ClusterProgressBar(ProgressBar):
    """The local progress line plus how many photos each node has embedded."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.per_node: dict[str, int] = {}

    def update_cluster(self, p: ClusterProgress) -> None:
        from photosift.core.library.progress import IndexPhase, IndexProgress

        self.per_node = p.per_node
        self.update(IndexProgress(p.done, p.total, p.rate, p.eta_s, None, IndexPhase.EMBEDDING))

    def _line(self, p: IndexProgress) -> str:
        from photosift.core.library.progress import IndexPhase

        line = super()._line(p)
        if p.phase != IndexPhase.EMBEDDING or not self.per_node:
            return line
        nodes = " ".join(f"{node[:NODE_ID_SHOWN]}:{n}" for node, n in sorted(self.per_node.items()))
        return f"{line}  nodes {nodes}"
