"""The library's side of duplicate detection: files whose fingerprints agree.

Why here: the fingerprint (size + head + tail, core.imaging.fingerprint) is already stored
for every catalogued photo, so exact-copy candidates are one GROUP BY away, including photos
not embedded yet. Equal fingerprints are only candidates; core.search.duplicates compares
the bytes before calling two files copies.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from photosift.core.library.store import Store


def fingerprint_twins(store: Store) -> list[list[int]]:
    """Ids of the online photos sharing a fingerprint, one list per fingerprint (ascending)."""
    rows = store.db.execute(
        "SELECT json_group_array(id) FROM (SELECT id, fingerprint FROM photos "
        "WHERE offline = 0 ORDER BY id) GROUP BY fingerprint HAVING COUNT(*) > 1"
    )

    return [json.loads(row[0]) for row in rows]
