"""Counts in words, shared by the CLI and the GUI so both say "1 folder" and "5,310 photos"."""

from __future__ import annotations


def count_noun(count: int, singular: str, plural: str | None = None) -> str:
    """'1 photo', '0 photos', '5,310 photos' (thousands separated, English plural)."""
    noun = singular if count == 1 else (plural or singular + "s")
    return f"{count:,} {noun}"


def ready_for_search(ready: int, total: int) -> str:
    """'1,204 of 5,310 photos ready for search', the analysis phase's one-line state."""
    if total and ready >= total:
        return f"All {count_noun(total, 'photo')} ready for search"
    return f"{ready:,} of {count_noun(total, 'photo')} ready for search"
