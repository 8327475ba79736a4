"""The resource resolver finds PhotoSift's own files in a checkout and in a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image

import photosift
from photosift.core.errors import PhotoSiftError
from photosift.resources import (
    ICON_SIZES,
    ResourceNotFoundError,
    app_icon_files,
    resource_path,
    resource_roots,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNS_FROM_CHECKOUT = Path(photosift.__file__).resolve().is_relative_to(REPO_ROOT / "desktop")


def test_finds_a_file_with_the_checkouts_content() -> None:
    found = resource_path("icons/photosift.svg")
    assert found.is_absolute()
    assert found.read_bytes() == (REPO_ROOT / "resources/icons/photosift.svg").read_bytes()


@pytest.mark.skipif(
    not RUNS_FROM_CHECKOUT, reason="photosift is installed, not run from this checkout"
)
def test_checkout_resolves_to_repo_resources() -> None:
    assert resource_path("icons/photosift.svg") == REPO_ROOT / "resources/icons/photosift.svg"
    assert resource_path("icons") == REPO_ROOT / "resources/icons"
    assert REPO_ROOT / "resources" in resource_roots()


def test_missing_file_error_names_the_file_and_where_it_looked() -> None:
    with pytest.raises(ResourceNotFoundError) as caught:
        resource_path("icons/no-such-icon.png")
    message = str(caught.value)
    assert "icons/no-such-icon.png" in message
    for root in resource_roots():
        assert str(root / "icons" / "no-such-icon.png") in message
    assert isinstance(caught.value, PhotoSiftError)
    assert isinstance(caught.value, FileNotFoundError)


@pytest.mark.parametrize(
    "name", ["", "../pyproject.toml", "icons/../../pyproject.toml", "/etc/hostname"]
)
def test_names_outside_resources_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="relative to resources/"):
        resource_path(name)


def test_app_icon_files_are_pngs_of_the_sizes_they_claim() -> None:
    files = app_icon_files()
    assert len(files) == len(ICON_SIZES)
    for size, path in zip(ICON_SIZES, files, strict=True):
        assert f"{size}x{size}" in path.parts
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (size, size)


def _fake_bundle(base: Path) -> Path:
    icon = base / "resources" / "icons" / "bundled-only.png"
    icon.parent.mkdir(parents=True)
    Image.new("RGBA", (16, 16), (255, 0, 0, 255)).save(icon)
    return icon


def test_frozen_bundle_reads_from_meipass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    icon = _fake_bundle(tmp_path)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_roots() == [tmp_path / "resources"]
    assert resource_path("icons/bundled-only.png") == icon
    assert resource_path("icons") == icon.parent


def test_frozen_bundle_never_falls_back_to_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the spec forgot to bundle must fail in the bundle, not be read from the source tree."""
    _fake_bundle(tmp_path)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert (REPO_ROOT / "resources/icons/photosift.svg").is_file()
    with pytest.raises(ResourceNotFoundError) as caught:
        resource_path("icons/photosift.svg")
    assert str(tmp_path / "resources" / "icons" / "photosift.svg") in str(caught.value)


def test_frozen_without_meipass_uses_the_executables_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Freezers other than PyInstaller (and PyInstaller's onedir fallback) put data beside the exe."""
    icon = _fake_bundle(tmp_path)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "PhotoSift"))
    assert resource_path("icons/bundled-only.png") == icon
