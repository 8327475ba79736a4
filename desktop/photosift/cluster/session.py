"""Connecting to a Ray cluster, or starting a small one on this machine, and always leaving it.

`--cluster local` starts a private Ray instance (never one another program started: address
"local" forces a new one) sized by `--workers`, with no dashboard and a small object store,
and shuts it down when the command ends, however it ends. Any other value is the address of a
running cluster (`ray start --head` on the head node prints it); the command connects as a
driver and disconnects at the end, leaving the cluster up.

Where workers get PhotoSift from: a local instance is told to put this process's own
`photosift` package first on its workers' PYTHONPATH, so a checkout and its Ray workers always
run the same code. A remote cluster's nodes must have the same PhotoSift version installed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from photosift.cluster.errors import ClusterUnavailableError

LOCAL = "local"
OBJECT_STORE_BYTES = 200 * 2**20  # a local instance only holds a few batches of tensors


def import_ray() -> ModuleType:
    """`ray` (with Ray Data), or ClusterUnavailableError naming the extra to install."""
    try:
        import ray
        import ray.data  # the extra is ray[data]: plain ray lacks Ray Data's pyarrow & co.
    except ImportError as exc:
        raise ClusterUnavailableError() from exc
    return ray


@dataclass(frozen=True)
class Placement:
    """How the embedding actors sit on the cluster: one model per actor.

    Each actor and each decode task asks for one logical CPU; an actor also asks for a GPU when
    the cluster has any, and then embeds on CUDA. Left to choose, there is one actor per GPU,
    else one per two CPUs, leaving the other CPU of each pair to decoding. On a CPU-only
    cluster at least one CPU always stays free for decoding: actors holding every CPU would
    wait forever for prepared photos.
    """

    actors: int
    gpus_per_actor: int

    @property
    def device(self) -> str:
        return "cuda" if self.gpus_per_actor else "cpu"


def plan_placement(resources: dict[str, float], workers: int | None) -> Placement:
    gpus = int(resources.get("GPU", 0))
    cpus = int(resources.get("CPU", 1))
    if gpus:
        return Placement(actors=workers or gpus, gpus_per_actor=1)
    return Placement(actors=min(workers or cpus // 2, cpus - 1) or 1, gpus_per_actor=0)


@contextmanager
def connect(address: str, workers: int | None) -> Iterator[Placement]:
    """Join (or start, for "local") a cluster for the duration of the block."""
    ray = import_ray()
    if address == LOCAL:
        actors = workers or 1
        ray.init(
            address="local",
            num_cpus=2 * actors,  # logical: one actor plus one decode task per worker
            object_store_memory=OBJECT_STORE_BYTES,
            include_dashboard=False,
            logging_level=logging.WARNING,
            log_to_driver=False,
            runtime_env={"env_vars": {"PYTHONPATH": _package_path()}},
        )
    else:
        ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
    try:
        _quiet_ray_data()
        yield plan_placement(ray.cluster_resources(), workers)
    finally:
        ray.shutdown()


def _package_path() -> str:
    """This process's photosift first, then whatever PYTHONPATH already held."""
    import photosift

    own = str(Path(photosift.__file__).resolve().parent.parent)
    inherited = os.environ.get("PYTHONPATH")
    return os.pathsep.join([own, inherited]) if inherited else own


def _quiet_ray_data() -> None:
    """The command draws its own progress line; Ray Data's bars and banners would garble it."""
    from ray.data import DataContext

    context = DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
