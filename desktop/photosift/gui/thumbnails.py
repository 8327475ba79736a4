"""Thumbnails for the results grid, made off the GUI thread and cached twice.

Why it looks like this:
- Decoding is the slow part, so the GUI thread only ever asks: `thumbnail(photo_id, path,
  mtime_ns)` answers at once with a cached image or None (draw a placeholder) and queues the
  work. When an image is ready, `ready(photo_id)` tells the model which photo changed; results
  are keyed by photo id, never by row, because rows move while a thumbnail is being made
  (sorting, new search, indexing adds photos).
- The newest request is served first (a stack, not a queue) and the stack is bounded: when the
  user flings through 100k photos, what is on screen now matters, not what flew past.
- A disk cache under `paths.cache_dir()/thumbnails`, keyed by path + size + mtime, makes the
  second start instant; an edited photo gets a new mtime and so a new thumbnail. A bounded LRU
  of QImages in memory keeps scrolling back cheap. QImage (not QPixmap) because it may be
  built on any thread.
- Plain Python threads suffice: Pillow releases the GIL while decoding, and nothing here needs
  a Qt event loop. The EXIF orientation is the core's job (`images.make_thumbnail`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QImage

from photosift.core import paths

log = logging.getLogger(__name__)

PENDING_LIMIT = 600
BROKEN = QImage()
"""Cached for photos whose thumbnail cannot be made: a null image, so they are not retried."""


def thumbnail_cache_dir() -> Path:
    folder = paths.cache_dir() / "thumbnails"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cache_key(path: str | os.PathLike[str], size: int, mtime_ns: int) -> str:
    raw = os.fsencode(path) + f"|{size}|{mtime_ns}".encode()
    return hashlib.sha1(raw).hexdigest()


def pil_to_qimage(image) -> QImage:  # image: PIL.Image.Image
    rgb = image.convert("RGB")
    data = rgb.tobytes("raw", "RGB")
    qimage = QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888)
    return qimage.copy()  # detach from `data`, which Python frees


def make_cached_thumbnail(path: Path, size: int, mtime_ns: int, cache_dir: Path | None) -> QImage:
    """The thumbnail from the disk cache, else made by the core and written there.

    Runs on a worker thread. Returns BROKEN when the file cannot be read as an image.
    """
    from photosift.core.imaging.decode import ImageSkip, make_thumbnail

    cached = cache_dir / f"{cache_key(path, size, mtime_ns)}.jpg" if cache_dir else None
    if cached is not None and cached.is_file():
        image = QImage(str(cached))
        if not image.isNull():
            return image
    try:
        thumb = make_thumbnail(path, size)
    except ImageSkip:
        return BROKEN
    if cached is not None:
        try:
            tmp = cached.with_name(cached.name + f".{threading.get_ident()}.tmp")
            thumb.save(tmp, "JPEG", quality=85)
            os.replace(tmp, cached)
        except OSError as exc:
            log.warning("cannot cache thumbnail of %s: %s", paths.display_path(path), exc)
    return pil_to_qimage(thumb)


def prune_disk_cache(cache_dir: Path, max_bytes: int) -> int:
    """Delete the least recently written thumbnails until the folder fits; returns files deleted."""
    entries = []
    for entry in os.scandir(cache_dir):
        if entry.is_file():
            stat = entry.stat()
            entries.append((stat.st_mtime, stat.st_size, entry.path))
    total = sum(size for _, size, _ in entries)
    deleted = 0
    for _, size, path in sorted(entries):
        if total <= max_bytes:
            break
        try:
            os.remove(path)
        except OSError:
            continue
        total -= size
        deleted += 1
    return deleted


class ThumbnailLoader(QObject):
    """Hands out thumbnails by photo id; emits `ready(photo_id)` when one arrives."""

    ready = Signal(int)
    _loaded = Signal(int, int, QImage)

    def __init__(
        self,
        size: int = 160,
        *,
        disk_cache_mb: int = 512,
        memory_items: int = 3000,
        threads: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._size = size
        self._generation = 0
        self._memory: OrderedDict[int, QImage] = OrderedDict()
        self._memory_items = memory_items
        self._cache_dir = thumbnail_cache_dir() if disk_cache_mb > 0 else None
        self._disk_cache_bytes = disk_cache_mb * 1024 * 1024
        self._pending: OrderedDict[int, tuple[int, Path, int, int]] = OrderedDict()
        self._in_flight: set[int] = set()
        self._lock = threading.Condition()
        self._stopping = False
        self._loaded.connect(self._store)
        count = threads or max(1, min(4, (os.cpu_count() or 2) - 1))
        self._threads = [
            threading.Thread(target=self._work, name=f"photosift-thumbnails-{i}", daemon=True)
            for i in range(count)
        ]
        for thread in self._threads:
            thread.start()
        if self._cache_dir is not None:
            threading.Thread(
                target=self._prune, name="photosift-thumbnail-prune", daemon=True
            ).start()

    @property
    def size(self) -> int:
        return self._size

    def set_size(self, size: int) -> None:
        """Change the thumbnail size; everything cached in memory is for the old size."""
        if size == self._size:
            return
        with self._lock:
            self._size = size
            self._generation += 1
            self._pending.clear()
        self._memory.clear()

    def thumbnail(self, photo_id: int, path: Path, mtime_ns: int) -> QImage | None:
        """The image if known (BROKEN if it cannot be made), else None and a queued request."""
        image = self._memory.get(photo_id)
        if image is not None:
            self._memory.move_to_end(photo_id)
            return image
        with self._lock:
            if photo_id in self._in_flight:
                return None
            self._pending.pop(photo_id, None)
            self._pending[photo_id] = (self._generation, Path(path), mtime_ns, self._size)
            while len(self._pending) > PENDING_LIMIT:
                self._pending.popitem(last=False)
            self._lock.notify()
        return None

    def forget(self, photo_id: int) -> None:
        """Drop a photo's cached image (e.g. the file changed)."""
        self._memory.pop(photo_id, None)

    def pending_count(self) -> int:
        with self._lock:
            return len(self._pending) + len(self._in_flight)

    def shutdown(self, timeout_s: float = 10.0) -> None:
        """Stop the workers; one still decoding after `timeout_s` in all is a daemon and is
        left behind (it never writes anything the next start needs)."""
        with self._lock:
            self._stopping = True
            self._pending.clear()
            self._lock.notify_all()
        end = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(timeout=max(0.0, end - time.monotonic()))

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._pending and not self._stopping:
                    self._lock.wait()
                if self._stopping:
                    return
                photo_id, (generation, path, mtime_ns, size) = self._pending.popitem(last=True)
                self._in_flight.add(photo_id)
            try:
                image = make_cached_thumbnail(path, size, mtime_ns, self._cache_dir)
            except Exception:
                log.exception("thumbnail of %s failed", paths.display_path(path))
                image = BROKEN
            with self._lock:
                if self._stopping:
                    return
            self._loaded.emit(photo_id, generation, image)  # still in flight until stored

    def _prune(self) -> None:
        try:
            deleted = prune_disk_cache(self._cache_dir, self._disk_cache_bytes)  # type: ignore[arg-type]
        except OSError as exc:
            log.warning("cannot prune the thumbnail cache: %s", exc)
        else:
            if deleted:
                log.info("pruned %d cached thumbnails", deleted)

    @Slot(int, int, QImage)
    def _store(self, photo_id: int, generation: int, image: QImage) -> None:
        with self._lock:
            self._in_flight.discard(photo_id)
        if generation != self._generation:
            return
        self._memory[photo_id] = image
        self._memory.move_to_end(photo_id)
        while len(self._memory) > self._memory_items:
            self._memory.popitem(last=False)
        self.ready.emit(photo_id)
