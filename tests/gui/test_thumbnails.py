"""Thumbnails are made off the GUI thread, announced by photo id, and cached on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from photosift.gui.thumbnails import (
    ThumbnailLoader,
    cache_key,
    prune_disk_cache,
    thumbnail_cache_dir,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def loader(qtbot):
    loader = ThumbnailLoader(64, disk_cache_mb=8, threads=1)
    yield loader
    loader.shutdown()


def write_photo(path: Path, size=(300, 200), colour=(200, 30, 30)) -> Path:
    Image.new("RGB", size, colour).save(path, "JPEG")
    return path


def test_first_ask_queues_then_ready_announces_the_photo(qtbot, loader, tmp_path):
    photo = write_photo(tmp_path / "a.jpg")
    mtime = photo.stat().st_mtime_ns
    with qtbot.waitSignal(loader.ready, timeout=30_000) as ready:
        assert loader.thumbnail(7, photo, mtime) is None
    assert ready.args == [7]
    image = loader.thumbnail(7, photo, mtime)
    assert (image.width(), image.height()) == (64, 43)
    assert image.pixelColor(32, 20).red() > 150
    assert (thumbnail_cache_dir() / f"{cache_key(photo, 64, mtime)}.jpg").is_file()
    assert loader.pending_count() == 0


def test_disk_cache_serves_a_new_session_even_if_the_file_is_gone(qtbot, loader, tmp_path):
    photo = write_photo(tmp_path / "b.jpg")
    mtime = photo.stat().st_mtime_ns
    with qtbot.waitSignal(loader.ready, timeout=30_000):
        loader.thumbnail(1, photo, mtime)
    photo.unlink()
    second = ThumbnailLoader(64, disk_cache_mb=8, threads=1)
    try:
        with qtbot.waitSignal(second.ready, timeout=30_000):
            assert second.thumbnail(1, photo, mtime) is None
        assert not second.thumbnail(1, photo, mtime).isNull()
    finally:
        second.shutdown()


def test_unreadable_file_gives_a_null_image_once(qtbot, loader, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    with qtbot.waitSignal(loader.ready, timeout=30_000):
        loader.thumbnail(3, bad, 0)
    image = loader.thumbnail(3, bad, 0)
    assert image is not None and image.isNull()


def test_pruning_keeps_the_folder_under_its_budget(tmp_path):
    for i in range(10):
        (tmp_path / f"{i}.jpg").write_bytes(b"x" * 1000)
    deleted = prune_disk_cache(tmp_path, 4500)
    assert deleted == 6
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) <= 4500
