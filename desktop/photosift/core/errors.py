"""Errors the user is meant to read.

Every PhotoSift error carries a message written for a person (what went wrong and what to do
next); the CLI prints it on one line and the GUI shows it in a dialog, neither shows a trace.
"""

from __future__ import annotations


class PhotoSiftError(Exception):
    """Base class: `str(err)` is a complete, user-facing sentence."""


class ModelUnavailableError(PhotoSiftError):
    """The model's weights cannot be found or fetched (typically: offline and not cached)."""


class ModelMismatchError(PhotoSiftError):
    """A library indexed with one model was about to be queried with another."""


class StoreError(PhotoSiftError):
    """The database cannot be opened, is corrupt, or is from a newer PhotoSift."""


class QueryError(PhotoSiftError):
    """A search query or its options cannot be understood."""
