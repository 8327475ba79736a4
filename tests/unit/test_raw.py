"""Camera RAW files through their embedded preview (core/imaging/raw.py), on the shared
corpus's real RAW samples: decoded, thumbnailed and indexed end to end, or skipped with a
reason that says why (truncated test files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from photosift.core.imaging.decode import (
    RAW_EXTENSIONS,
    ImageSkip,
    SkipReason,
    decode_image,
    make_thumbnail,
)
from photosift.core.imaging.raw import read_raw_preview
from photosift.service.library import PhotoLibrary

pytest.importorskip("rawpy")


def raw_files(corpus: Path) -> list[Path]:
    folder = corpus / "camera" / "raw"
    return sorted(p for p in folder.iterdir() if p.suffix.lower().lstrip(".") in RAW_EXTENSIONS)


def test_dng_with_a_preview_decodes_from_the_preview_with_exif(corpus_dir: Path) -> None:
    path = corpus_dir / "camera/raw/canon_eos_6d.dng"
    preview = read_raw_preview(path)
    assert not preview.demosaiced and preview.image.format == "JPEG"
    decoded = decode_image(path, min_side=224)
    assert decoded.file_type == "RAW" and decoded.image.mode == "RGB"
    assert (decoded.width, decoded.height) == (1224, 816)
    assert min(decoded.image.size) >= 224
    assert decoded.camera == "Canon EOS 6D" and decoded.taken_at is not None
    thumb = make_thumbnail(path, 128)
    assert max(thumb.size) == 128 and thumb.width > thumb.height


def test_dng_without_a_preview_is_demosaiced(corpus_dir: Path) -> None:
    path = corpus_dir / "camera/raw/DNG.dng"
    assert read_raw_preview(path).demosaiced
    decoded = decode_image(path, min_side=224)
    assert (decoded.width > decoded.height) == (decoded.image.width > decoded.image.height)
    assert decoded.camera is not None and "350D" in decoded.camera


def test_every_corpus_raw_decodes_or_is_skipped_with_a_reason(corpus_dir: Path) -> None:
    outcomes: dict[str, str] = {}
    for path in raw_files(corpus_dir):
        try:
            decode_image(path, min_side=224)
            outcomes[path.name] = "indexed"
        except ImageSkip as skip:
            assert skip.reason in (SkipReason.UNSUPPORTED, SkipReason.CORRUPT) and skip.detail
            outcomes[path.name] = f"{skip.reason.value}: {skip.detail}"
    print(outcomes)
    assert outcomes["canon_eos_6d.dng"] == outcomes["DNG.dng"] == "indexed"


def test_raw_files_are_indexed_and_searchable_by_id(
    corpus_dir: Path, tmp_path: Path, toy_model
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "photos"
    folder.mkdir()
    for path in raw_files(corpus_dir):
        shutil.copy(path, folder / path.name)
    with PhotoLibrary.open(tmp_path / "lib.sqlite3") as library:
        summary = library.index(toy_model, [folder], workers=1)
        assert summary.indexed == 2
        records = library.browse(library_filters())
        assert sorted(r.file_type for r in records) == ["dng", "dng"]
        assert {r.camera for r in records} == {"Canon EOS 6D", "Canon EOS 350D DIGITAL"}
        skipped = {s.relpath: s.reason for s in library.store.skipped_files()}
        assert set(skipped) == {"CanonRaw.cr2", "Nikon.nef"}


def library_filters():  # type: ignore[no-untyped-def]
    from photosift.core.library.filters import Filters

    return Filters()
