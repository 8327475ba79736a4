"""Which lines of a photo's read text a query matched, for drawing them over the photo.

The search itself matches words in SQL (core/library/text_records.py); this answers the
viewer's smaller question for one photo: of the boxes read in it, which contain a phrase of the
query (a `text:` term or an added picture text term), compared the same way (case-insensitive
substring, runs of whitespace as one space).
"""

from __future__ import annotations

from collections.abc import Sequence

from photosift.core.errors import QueryError
from photosift.core.model.ocr import TextBox
from photosift.core.search.query import parse_query


def query_phrases(query: str) -> list[str]:
    """The phrases of `query` that a photo's words can match; none for an unparsable query."""
    try:
        parsed = parse_query(query)
    except QueryError:
        return []
    return [
        _normal(str(t.value)) for t in parsed.terms if t.kind in ("words", "text") and t.weight > 0
    ]


def matched_boxes(boxes: Sequence[TextBox], phrases: Sequence[str]) -> list[bool]:
    """For each box, whether its text contains one of `phrases`."""
    return [any(p and p in _normal(box.text) for p in phrases) for box in boxes]


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()
