"""Indexing a library on a Ray cluster: `photosift index DIR --cluster ADDRESS`.

Why a package of its own, above the service and beside the GUI: Ray is an optional extra
(`pip install 'photosift[cluster]'`) that only this command needs. Nothing below the CLI imports
this package (import-linter forbids `ray` in the core, the service and the GUI, and the GUI
from importing it), and `ray` itself is imported inside the calls that use it, so without the
extra `--cluster` fails with a sentence saying how to install it.

The shape (see README "Indexing on a Ray cluster"): the scan and the change plan run on this
machine exactly as in a local run; the files to embed become a Ray dataset of paths; decoding
and preprocessing run as a map over CPU tasks, the forward pass as `map_batches` over a pool of
actors that each hold one model (on a GPU when the node has one); vectors stream back here and
this process, the only SQLite writer, commits them batch by batch with the local indexer's own
batch writer, so a run that dies loses at most the batches in flight.
"""
