"""XMP sidecars: read back by exiftool (a real XMP reader), merged without losing foreign data."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from photosift.core.tagging.xmp import XmpError, read_keywords, sidecar_path, write_tags
from tests.deadline import raised_within

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


# -- issue 16 (High 3, Medium special files, Low temp files and umask) -----------------------
USER_SIDECAR = """<?xpacket begin='\ufeff' id='W5M0MpCehiHzreSzNTczkc9d'?>
<x:xmpmeta xmlns:x='adobe:ns:meta/'>
<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>
 <rdf:Description rdf:about='' xmlns:xmp='http://ns.adobe.com/xap/1.0/'
   xmlns:dc='http://purl.org/dc/elements/1.1/' xmlns:lr='http://ns.adobe.com/lightroom/1.0/'
   xmlns:digiKam='http://www.digikam.org/ns/1.0/' xmlns:acme='http://example.com/acme/1.0/'
   xmp:Rating='4' acme:mood='calm'>
  <dc:subject><rdf:Bag><rdf:li>holiday</rdf:li><rdf:li>red</rdf:li></rdf:Bag></dc:subject>
  <dc:description><rdf:Alt><rdf:li xml:lang='x-default'>Beach &amp; sea</rdf:li></rdf:Alt></dc:description>
  <lr:hierarchicalSubject><rdf:Bag><rdf:li>Places|Nice</rdf:li></rdf:Bag></lr:hierarchicalSubject>
  <digiKam:TagsList><rdf:Seq><rdf:li>Places/Nice</rdf:li></rdf:Seq></digiKam:TagsList>
  <acme:notes rdf:parseType='Resource'><acme:note>keep me</acme:note><acme:kind>private</acme:kind></acme:notes>
 </rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end='w'?>
"""
USER_KEYWORDS = {"holiday", "red"}
OURS = ("Subject", "HierarchicalSubject", "TagsList", "AddedSubjects")


def test_control_character_never_reaches_a_sidecar(photo: Path) -> None:
    sidecar = sidecar_path(photo)
    sidecar.write_text(USER_SIDECAR, encoding="utf-8")
    before = sidecar.read_bytes()
    with pytest.raises(XmpError, match="U\\+0007"):
        write_tags(photo, [(None, "bell\x07ctrl")])
    with pytest.raises(XmpError, match="U\\+001B"):
        write_tags(photo, [("gr\x1boup", "dog")])
    assert sidecar.read_bytes() == before
    assert sorted(p.name for p in photo.parent.iterdir()) == sorted([photo.name, sidecar.name])


def test_a_sidecar_that_would_not_parse_never_replaces_the_old_one(photo: Path) -> None:
    from photosift.core.tagging import xmp

    sidecar = sidecar_path(photo)
    sidecar.write_text(USER_SIDECAR, encoding="utf-8")
    with pytest.raises(XmpError, match="would not parse"):
        xmp._atomic_write(sidecar, "<x:xmpmeta>\x07</x:xmpmeta>")
    assert sidecar.read_text(encoding="utf-8") == USER_SIDECAR


@needs_exiftool
def test_retagging_never_removes_the_users_own_keyword(photo: Path) -> None:
    """Issue 11 §2: {holiday, red} + tag triangle (and red), then a re-tag that assigns
    nothing, must leave {holiday, red} and every other field as exiftool read it before."""
    sidecar = sidecar_path(photo)
    sidecar.write_text(USER_SIDECAR, encoding="utf-8")
    original = exiftool(sidecar)
    write_tags(photo, [("shapes", "triangle"), ("colours", "red")])
    tagged = exiftool(sidecar)
    assert sorted(as_list(tagged["Subject"])) == ["holiday", "red", "triangle"]
    assert "PhotoSift|colours|red" in as_list(tagged["HierarchicalSubject"])
    write_tags(photo, [])
    assert exiftool(sidecar) == original


@needs_exiftool
def test_users_keywords_survive_any_sequence_of_tag_retag_untag(photo: Path) -> None:
    import random

    sidecar = sidecar_path(photo)
    sidecar.write_text(USER_SIDECAR, encoding="utf-8")
    original = exiftool(sidecar)
    rng = random.Random(11)
    vocabulary = ["red", "triangle", "holiday", "circle", "blue"]
    for _ in range(12):
        wanted = rng.sample(vocabulary, rng.randint(0, 4))
        write_tags(photo, [("g", name) for name in wanted])
        data = exiftool(sidecar)
        assert set(as_list(data.get("Subject", []))) == USER_KEYWORDS | set(wanted)
        assert {k: v for k, v in data.items() if k not in OURS} == {
            k: v for k, v in original.items() if k not in OURS
        }
        assert set(as_list(data["HierarchicalSubject"])) == {"Places|Nice"} | {
            f"PhotoSift|g|{n}" for n in wanted
        }
    write_tags(photo, [])
    assert exiftool(sidecar) == original


def test_a_kill_while_tagging_leaves_every_sidecar_old_or_new(tmp_path: Path) -> None:
    import os
    import signal
    import sys
    import time
    import xml.etree.ElementTree as ET

    photos = []
    for i in range(300):
        path = tmp_path / f"p{i:03d}.jpg"
        path.write_bytes(b"not decoded here")
        sidecar_path(path).write_text(USER_SIDECAR, encoding="utf-8")
        photos.append(path)
    script = (
        "import sys\nfrom photosift.core.tagging.xmp import write_tags\n"
        "paths = sys.argv[1:]\nwhile True:\n"
        "    for p in paths:\n        write_tags(p, [('shapes', 'triangle'), ('c', 'red')])\n"
        "    for p in paths:\n        write_tags(p, [])\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, *map(str, photos)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    time.sleep(2.5)
    child.send_signal(signal.SIGKILL)
    child.wait()
    for path in photos:
        root = ET.fromstring(sidecar_path(path).read_bytes())  # each one parses
        subjects = {li.text for li in root.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")}
        assert subjects >= USER_KEYWORDS


def test_stale_temp_files_of_a_killed_run_are_removed_and_new_sidecars_follow_the_umask(
    photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from photosift.core.tagging import xmp

    stale = photo.parent / f".{photo.name}.xmp.k1ll3d.tmp"
    stale.write_text("half a sidecar")
    os.utime(stale, (1, 1))
    unrelated = photo.parent / ".notes.tmp"
    unrelated.write_text("not ours")
    monkeypatch.setattr(xmp, "_cleaned_folders", set())
    old = os.umask(0o022)
    try:
        sidecar = write_tags(photo, [(None, "dog")])
    finally:
        os.umask(old)
    assert not stale.exists() and unrelated.exists()
    assert sidecar.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"])
def test_special_files_named_like_a_sidecar_are_refused_at_once(photo: Path, kind: str) -> None:
    import os

    sidecar = sidecar_path(photo)
    if kind == "fifo":
        os.mkfifo(sidecar)
    elif kind == "dev-zero":
        sidecar.symlink_to("/dev/zero")
    else:
        with open(sidecar, "wb") as handle:
            handle.truncate(64 * 1024 * 1024)  # sparse: costs no disk
    unblock = (
        (lambda: os.close(os.open(sidecar, os.O_WRONLY | os.O_NONBLOCK)))
        if kind == "fifo"
        else None
    )
    error = raised_within(10, lambda: write_tags(photo, [(None, "dog")]), unblock)
    assert isinstance(error, XmpError), error
    assert os.path.lexists(sidecar)  # left where it was
