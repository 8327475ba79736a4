"""The search model's state as every part of the window sees it."""

from __future__ import annotations

from enum import Enum


class ModelState(Enum):
    LOADING = "loading"
    READY = "ready"
    UNAVAILABLE = "unavailable"  # no weights and no way to fetch them, or loading failed
    MISMATCH = "mismatch"  # loaded, but the library's vectors come from another model

    @property
    def can_query(self) -> bool:
        """Whether the search field takes input: a mismatched model still parses queries and
        the grid explains that a re-index is needed."""
        return self in (ModelState.READY, ModelState.MISMATCH)
