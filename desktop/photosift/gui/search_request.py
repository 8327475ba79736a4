"""What the user asked the grid to show: a query (maybe empty = browse), cut-off and filters.

A plain value shared by the search bar (which builds it), the search lane (which runs it) and
the browse view (which applies its filters without a model), so none of them imports another.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from photosift.core.library.filters import Filters

# What the file-type filter offers: a name and the extensions it covers (as the scanner stores
# them, lower case without the dot).
FILE_TYPES: dict[str, tuple[str, ...]] = {
    "JPEG": ("jpg", "jpeg", "jpe", "jfif"),
    "HEIC": ("heic", "heif", "hif"),
    "PNG": ("png", "apng"),
    "WebP": ("webp",),
    "TIFF": ("tif", "tiff"),
    "GIF": ("gif",),
    "AVIF": ("avif",),
    "BMP": ("bmp",),
}


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    relevance: str = "normal"  # strict | normal | loose | off
    root_id: int | None = None  # one library folder, None = all
    tag: str | None = None
    date_from: float | None = None  # POSIX seconds, inclusive
    date_to: float | None = None  # POSIX seconds, exclusive
    similar_to: int | None = None  # "More like this": a photo id instead of text
    camera: str | None = None  # part of "Make Model", any case
    file_types: tuple[str, ...] = ()  # extensions, e.g. FILE_TYPES["JPEG"]; () = any

    @property
    def is_search(self) -> bool:
        return bool(self.text.strip()) or self.similar_to is not None

    @property
    def has_filters(self) -> bool:
        values = (self.root_id, self.tag, self.date_from, self.date_to, self.camera)
        return any(v is not None for v in values) or bool(self.file_types)

    @property
    def filters(self) -> Filters:
        """The request's filters as the core applies them: in SQL for browse and search, in
        memory (`Filters.matches`) for photos the indexer reports to the grid."""
        from photosift.core.library.filters import Filters

        return Filters(
            root_id=self.root_id,
            tag=self.tag,
            after=self.date_from,
            before=self.date_to,
            camera=self.camera,
            file_types=self.file_types,
        )

    def with_text(self, text: str) -> SearchRequest:
        return replace(self, text=text, similar_to=None)

    def similar(self, photo_id: int) -> SearchRequest:
        return replace(self, text="", similar_to=photo_id)
