"""XMP sidecars: read back by exiftool (a real XMP reader), merged without losing foreign data."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from photosift.core.tagging.xmp import XmpError, read_keywords, sidecar_path, write_tags

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")

FOREIGN = """<?xpacket begin='\ufeff' id='W5M0MpCehiHzreSzNTczkc9d'?>
<x:xmpmeta xmlns:x='adobe:ns:meta/' x:xmptk='Image::ExifTool 12.57'>
<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>
 <rdf:Description rdf:about='' xmlns:xmp='http://ns.adobe.com/xap/1.0/'
   xmlns:acme='http://example.com/acme/1.0/' xmp:Rating='4' acme:mood='calm'>
  <acme:notes><acme:note kind='private'>keep me</acme:note></acme:notes>
 </rdf:Description>
 <rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/'>
  <dc:creator><rdf:Seq><rdf:li>Ada Lovelace</rdf:li></rdf:Seq></dc:creator>
  <dc:subject><rdf:Bag><rdf:li>holiday</rdf:li></rdf:Bag></dc:subject>
 </rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end='w'?>
"""


def exiftool(path: Path) -> dict:
    out = subprocess.run(
        [EXIFTOOL, "-j", "-struct", "-XMP:all", str(path)],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout)[0]


def as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "IMG_0001.JPG"
    Image.new("RGB", (16, 16), "blue").save(path)
    return path


@needs_exiftool
def test_new_sidecar_round_trips_through_exiftool(photo: Path) -> None:
    before = photo.read_bytes()
    sidecar = write_tags(photo, [("animals", "dog"), ("nature", "beach"), (None, "Ümlaut & <odd>")])
    assert sidecar == photo.with_name("IMG_0001.JPG.xmp") == sidecar_path(photo)
    assert photo.read_bytes() == before
    data = exiftool(sidecar)
    assert sorted(as_list(data["Subject"])) == sorted(["dog", "beach", "Ümlaut & <odd>"])
    assert sorted(as_list(data["HierarchicalSubject"])) == sorted(
        ["PhotoSift|animals|dog", "PhotoSift|nature|beach", "PhotoSift|Ümlaut & <odd>"]
    )
    assert sorted(as_list(data["TagsList"])) == sorted(
        ["PhotoSift/animals/dog", "PhotoSift/nature/beach", "PhotoSift/Ümlaut & <odd>"]
    )


@needs_exiftool
def test_merge_keeps_foreign_content_and_replaces_only_our_tags(photo: Path) -> None:
    sidecar = sidecar_path(photo)
    sidecar.write_text(FOREIGN, encoding="utf-8")
    write_tags(photo, [("animals", "dog"), ("animals", "cat")])
    write_tags(photo, [("animals", "dog"), ("places", "park")])  # cat is no longer a tag
    data = exiftool(sidecar)
    assert data["Rating"] == 4
    assert as_list(data["Creator"]) == ["Ada Lovelace"]
    assert sorted(as_list(data["Subject"])) == ["dog", "holiday", "park"]
    assert sorted(as_list(data["HierarchicalSubject"])) == [
        "PhotoSift|animals|dog",
        "PhotoSift|places|park",
    ]
    text = sidecar.read_text(encoding="utf-8")
    assert (
        'acme:mood="calm"' in text and ">keep me</acme:note>" in text and 'kind="private"' in text
    )
    assert 'xmlns:acme="http://example.com/acme/1.0/"' in text
    write_tags(photo, [])
    data = exiftool(sidecar)
    assert as_list(data["Subject"]) == ["holiday"] and "HierarchicalSubject" not in data


def test_keyword_another_app_also_files_is_not_removed(photo: Path) -> None:
    sidecar_path(photo).write_text(
        FOREIGN.replace(
            "<rdf:li>holiday</rdf:li></rdf:Bag></dc:subject>",
            "<rdf:li>holiday</rdf:li></rdf:Bag></dc:subject>"
            "<lr:hierarchicalSubject xmlns:lr='http://ns.adobe.com/lightroom/1.0/'><rdf:Bag>"
            "<rdf:li>Pets|dog</rdf:li></rdf:Bag></lr:hierarchicalSubject>",
        ),
        encoding="utf-8",
    )
    write_tags(photo, [("animals", "dog")])
    write_tags(photo, [])
    assert sorted(read_keywords(photo)) == ["dog", "holiday"]


def test_broken_sidecar_is_left_alone(photo: Path) -> None:
    sidecar = sidecar_path(photo)
    sidecar.write_text("<x:xmpmeta this is not xml", encoding="utf-8")
    with pytest.raises(XmpError, match="Cannot read the sidecar"):
        write_tags(photo, [("animals", "dog")])
    assert sidecar.read_text(encoding="utf-8") == "<x:xmpmeta this is not xml"
    assert sorted(p.name for p in photo.parent.iterdir()) == sorted([photo.name, sidecar.name])
