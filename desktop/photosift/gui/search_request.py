"""What the user asked the grid to show: a query (maybe empty = browse), cut-off and filters.

A plain value shared by the search bar (which builds it), the search lane (which runs it) and
the browse view (which applies its filters without a model), so none of them imports another.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from photosift.core.library.filters import Filters


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    relevance: str = "normal"  # strict | normal | loose | off
    root_id: int | None = None  # one library folder, None = all
    tag: str | None = None
    date_from: float | None = None  # POSIX seconds, inclusive
    date_to: float | None = None  # POSIX seconds, exclusive
    similar_to: int | None = None  # "More like this": a photo id instead of text

    @property
    def is_search(self) -> bool:
        return bool(self.text.strip()) or self.similar_to is not None

    @property
    def filters(self) -> Filters:
        """The request's filters as the core applies them (in SQL, and in memory for the grid)."""
        from photosift.core.library.filters import Filters

        return Filters(root_id=self.root_id, tag=self.tag, after=self.date_from, before=self.date_to)

    @property
    def has_filters(self) -> bool:
        return any(v is not None for v in (self.root_id, self.tag, self.date_from, self.date_to))

    def with_text(self, text: str) -> SearchRequest:
        return replace(self, text=text, similar_to=None)

    def similar(self, photo_id: int) -> SearchRequest:
        return replace(self, text="", similar_to=photo_id)
