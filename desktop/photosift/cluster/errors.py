"""What can go wrong only on a cluster, worded like every other PhotoSift error."""

from __future__ import annotations

from photosift.core.errors import PhotoSiftError, Remedy


class ClusterUnavailableError(PhotoSiftError):
    """Ray (the `cluster` extra) is not installed in this environment."""

    remedy = Remedy.INSTALL_CLUSTER_EXTRA

    def __init__(self) -> None:
        super().__init__(
            "Indexing on a cluster needs Ray, which is not installed.", extra="cluster"
        )


class SharedStorageError(PhotoSiftError):
    """A worker could not see a photo this machine sees: the folders are not shared storage.

    Workers read photos by the path the scan found, so every node must mount the photo folders
    (and a `local-dir:` model folder) at the same path as the machine running the command.
    """

    def __init__(self, path: str, node: str) -> None:
        super().__init__(
            f"A cluster worker (node {node}) cannot read {path}, which exists on this machine. "
            "Every node must see the photo folders at the same path (shared storage such as "
            "NFS or SMB mounted at the same place); the batches indexed so far are kept.",
            path=path,
            node=node,
        )
