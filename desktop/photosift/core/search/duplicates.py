"""Groups of exact copies and near-duplicates, with a suggested photo to keep.

How a group is found:

1. Exact copies: photos whose stored fingerprints agree (core.library.duplicate_records),
   confirmed by hashing every byte: same bytes, whatever the name or folder.
2. Near-duplicates (resized, recompressed, re-exported, slightly cropped, burst frames): pairs
   of stored vectors at cosine >= ``threshold`` (core.search.neighbours: blocked IVF, never all
   pairs in Python), each confirmed by how the two look at thumbnail size: a perceptual hash
   and the grey thumbnails' correlation (core.imaging.perceptual). The vectors alone would also pair distinct photos that merely
   show the same thing; the hash alone would miss nothing but cost a decode per photo.
3. Confirmed pairs are joined into groups (union-find).

Which photo to keep is a suggestion with a reason (:class:`KeepReason`): the one with the most
pixels; at equal resolution the biggest file (the least recompressed: the original); else the
oldest. Nothing here deletes anything: the service trashes what the user confirmed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from photosift.core.cancel import CancelToken
from photosift.core.imaging.decode import ImageSkip
from photosift.core.imaging.perceptual import Appearance, appearance, same_picture
from photosift.core.library.duplicate_records import fingerprint_twins
from photosift.core.search.neighbours import similar_pairs

if TYPE_CHECKING:
    from pathlib import Path

    from photosift.core.library.photo_records import PhotoRecord
    from photosift.core.library.store import Store

DEFAULT_THRESHOLD = 0.90
_HASH_WORKERS = 4


class DuplicateKind(Enum):
    EXACT = "exact"  # every photo of the group has the same bytes
    NEAR = "near"  # same picture, different files (resized, recompressed, cropped, burst)


class KeepReason(Enum):
    LARGEST = "largest"  # the most pixels
    ORIGINAL = "original"  # same resolution, biggest file: the least recompressed
    OLDEST = "oldest"  # all alike: the earliest taken (or modified)


@dataclass(frozen=True)
class DuplicateGroup:
    kind: DuplicateKind
    photos: tuple[PhotoRecord, ...]  # the suggested keeper first
    keep_reason: KeepReason
    similarity: float  # the weakest confirmed link in the group (1.0 for exact copies)

    @property
    def keep(self) -> PhotoRecord:
        return self.photos[0]

    @property
    def others(self) -> tuple[PhotoRecord, ...]:
        return self.photos[1:]


@dataclass(frozen=True)
class DuplicateReport:
    groups: list[DuplicateGroup]
    compared: int  # photos whose vectors were compared
    candidates: int  # vector pairs above the threshold, before the hash check


def find_duplicates(
    store: Store,
    model_id: int | None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    cancel: CancelToken | None = None,
) -> DuplicateReport:
    """Duplicate groups among the photos lists show (`model_id` None: exact copies only)."""
    links = _Links()
    for twins in fingerprint_twins(store):
        _link_same_bytes(store, twins, links)
    compared = candidates = 0
    if model_id is not None:
        ids, vectors = store.load_vectors(model_id)
        # Offline and removed photos are not compared, nor the RAW of a joined RAW+JPEG pair:
        # it is one photo with its JPEG, not a duplicate to throw away.
        shown = ~np.isin(ids, store.hidden_photo_ids())
        ids, vectors = ids[shown], vectors[shown]
        pairs = similar_pairs(vectors, threshold, cancel=cancel)
        compared, candidates = len(ids), len(pairs)
        pending = [
            (int(ids[a]), int(ids[b]), float(s))
            for a, b, s in zip(pairs.first, pairs.second, pairs.similarity, strict=True)
            if not links.exact(int(ids[a]), int(ids[b]))
        ]
        looks = _appearances(store, sorted({i for a, b, _ in pending for i in (a, b)}), cancel)
        for a, b, similarity in pending:
            if a in looks and b in looks and same_picture(looks[a], looks[b]):
                links.join(a, b, min(similarity, 1.0), exact=False)
    if cancel is not None and cancel.cancelled:
        return DuplicateReport([], compared, candidates)
    groups = [_group(store, members, links) for members in links.groups()]
    groups.sort(key=lambda g: (g.kind is not DuplicateKind.EXACT, -len(g.photos), g.keep.id))
    return DuplicateReport(groups, compared, candidates)


def suggest_keep(photos: Sequence[PhotoRecord]) -> tuple[list[PhotoRecord], KeepReason]:
    """The photos best-to-keep first, and why the first one is suggested."""
    ranked = sorted(photos, key=_keep_rank)
    best, runner_up = ranked[0], ranked[1] if len(ranked) > 1 else ranked[0]
    if _pixels(best) > _pixels(runner_up):
        return ranked, KeepReason.LARGEST
    if best.size > runner_up.size:
        return ranked, KeepReason.ORIGINAL
    return ranked, KeepReason.OLDEST


def _keep_rank(photo: PhotoRecord) -> tuple[int, int, float, int]:
    taken = photo.taken_at if photo.taken_at is not None else photo.mtime_ns / 1e9
    return (-_pixels(photo), -photo.size, min(taken, photo.mtime_ns / 1e9), photo.id)


def _pixels(photo: PhotoRecord) -> int:
    return (photo.width or 0) * (photo.height or 0)


def _link_same_bytes(store: Store, ids: list[int], links: _Links) -> None:
    """Join the photos among `ids` whose whole contents are equal (fingerprints only sample)."""
    by_digest: dict[str, list[int]] = {}
    for record in store.photos(ids):
        try:
            by_digest.setdefault(_content_digest(record.abspath), []).append(record.id)
        except OSError:
            continue  # gone or unreadable since the scan: not a copy we can vouch for
    for same in by_digest.values():
        for other in same[1:]:
            links.join(same[0], other, 1.0, exact=True)


def _content_digest(path: Path) -> str:
    digest = hashlib.blake2b()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _appearances(store: Store, ids: list[int], cancel: CancelToken | None) -> dict[int, Appearance]:
    """How the photos look (decoded in a few threads: Pillow releases the GIL)."""
    records = store.photos(ids)

    def one(record: PhotoRecord) -> Appearance | None:
        if cancel is not None and cancel.cancelled:
            return None
        try:
            return appearance(record.abspath)
        except ImageSkip:
            return None

    with ThreadPoolExecutor(max_workers=_HASH_WORKERS) as pool:
        found = pool.map(one, records)
        return {r.id: h for r, h in zip(records, found, strict=True) if h is not None}


def _group(store: Store, members: list[int], links: _Links) -> DuplicateGroup:
    ranked, reason = suggest_keep(store.photos(members))
    kind = DuplicateKind.EXACT if links.all_exact(members) else DuplicateKind.NEAR
    return DuplicateGroup(kind, tuple(ranked), reason, links.weakest(members))


class _Links:
    """Union-find over photo ids, remembering the weakest link and exact-copy classes."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}
        self._weakest: dict[int, float] = {}
        self._copies: dict[int, int] = {}  # id -> representative of its same-bytes class

    def _find(self, item: int, parent: dict[int, int] | None = None) -> int:
        parent = self._parent if parent is None else parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def join(self, a: int, b: int, similarity: float, *, exact: bool) -> None:
        ra, rb = self._find(a), self._find(b)
        weakest = min(self._weakest.get(ra, 1.0), self._weakest.get(rb, 1.0), similarity)
        self._parent[rb] = ra
        self._weakest[ra] = weakest
        if exact:
            self._copies[self._find(b, self._copies)] = self._find(a, self._copies)

    def exact(self, a: int, b: int) -> bool:
        return (
            a in self._copies
            and b in self._copies
            and (self._find(a, self._copies) == self._find(b, self._copies))
        )

    def all_exact(self, members: list[int]) -> bool:
        return all(self.exact(members[0], other) for other in members[1:])

    def weakest(self, members: list[int]) -> float:
        return self._weakest.get(self._find(members[0]), 1.0)

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for item in list(self._parent):
            found.setdefault(self._find(item), []).append(item)
        return [sorted(members) for members in found.values() if len(members) > 1]
