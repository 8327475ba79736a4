"""Tags as XMP sidecars (``NAME.EXT.xmp`` beside the photo) for other photo apps. Opt-in.

Why it looks like this:
- The photo itself is never touched; the sidecar is the portable place Lightroom, digiKam,
  darktable and exiftool read keywords from. Three properties carry the same tags:
  ``dc:subject`` (flat keywords), ``lr:hierarchicalSubject`` ("PhotoSift|animals|dog") and
  ``digiKam:TagsList`` ("PhotoSift/animals/dog").
- A sidecar may already hold the user's ratings, captions and keywords from other apps, so it
  is merged, not rewritten: every element, attribute and namespace prefix survives. PhotoSift
  only removes keywords it wrote itself: the flat ``dc:subject`` keywords it added are listed
  in its own ``photosift:AddedSubjects`` bag (a keyword the user already had is never listed,
  so it is never removed, even when it is also a PhotoSift label); the hierarchy entries are
  recognised by their "PhotoSift|" root. A sidecar without that bag (written before it
  existed) loses no flat keyword at all.
- Everything written is XML-escaped, and text XML cannot hold (control characters) is refused.
- Written atomically (a temp file in the same folder, flushed to disk, checked to parse, then
  os.replace) so a crash never leaves half a sidecar; temp files a killed run left behind are
  removed on the next write. A new sidecar gets the permissions the user's umask gives.
- Only regular files are read, up to MAX_SIDECAR_BYTES: a FIFO or a link to /dev/zero named
  like a sidecar is refused at once. A sidecar that is not valid XML is left alone (XmpError).
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path

from photosift.core.errors import PhotoSiftError

SETTING_KEY = "xmp_sidecars"  # settings row: true = write sidecars when tags change
ROOT_TAG = "PhotoSift"
NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "lr": "http://ns.adobe.com/lightroom/1.0/",
    "digiKam": "http://www.digikam.org/ns/1.0/",
    "photosift": "https://photosift.app/ns/xmp/1.0/",
}
#: PhotoSift's record of the dc:subject keywords it added (and so may remove again).
ADDED_SUBJECTS = "AddedSubjects"
MAX_SIDECAR_BYTES = 16 * 1024 * 1024
STALE_TEMP_SECONDS = 600.0  # a temp file of ours this old belongs to a run that was killed
# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RDF = f"{{{NS['rdf']}}}"
_XMPMETA = f"{{{NS['x']}}}xmpmeta"
_PACKET_BEGIN = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
_PACKET_END = '\n<?xpacket end="w"?>\n'
_REGISTER_LOCK = threading.Lock()  # ElementTree's prefix registry is process-wide


class XmpError(PhotoSiftError):
    """A sidecar exists but cannot be read or written."""


def sidecar_path(photo: str | os.PathLike[str]) -> Path:
    path = Path(photo)
    return path.with_name(path.name + ".xmp")


def write_tags(photo: str | os.PathLike[str], tags: Sequence[tuple[str | None, str]]) -> Path:
    """Make the sidecar's PhotoSift keywords exactly `tags` ((group, name) pairs)."""
    target = sidecar_path(photo)
    for group, name in tags:
        _check_text(name, target)
        if group:
            _check_text(group, target)
    with _REGISTER_LOCK:
        root = _read(target) if os.path.lexists(target) else _empty()
        description = _description(root)
        names = [name for _, name in tags]
        subjects = _values(root, "dc", "subject")
        # A keyword another app also files under its own hierarchy is its keyword too.
        added = set(_values(root, "photosift", ADDED_SUBJECTS)) - _foreign_leaves(root)
        # Ours to remove: what we added before. Ours from now on: what we add now, and what we
        # added before and still want; a keyword already there without our record is the user's.
        now_added = [n for n in names if n in added or n not in subjects]
        _merge(root, description, "dc", "subject", "Bag", added, names)
        _merge(root, description, "photosift", ADDED_SUBJECTS, "Bag", added, now_added)
        hierarchy = [_hierarchy(group, name) for group, name in tags]
        _merge(
            root,
            description,
            "lr",
            "hierarchicalSubject",
            "Bag",
            {v for v in _values(root, "lr", "hierarchicalSubject") if _is_owned(v)},
            hierarchy,
        )
        _merge(
            root,
            description,
            "digiKam",
            "TagsList",
            "Seq",
            {v for v in _values(root, "digiKam", "TagsList") if v.split("/")[0] == ROOT_TAG},
            [h.replace("|", "/") for h in hierarchy],
        )
        ET.indent(root, space=" ")
        text = ET.tostring(root, encoding="unicode")
    _atomic_write(target, _PACKET_BEGIN + text + _PACKET_END)
    return target


def _check_text(value: str, target: Path) -> None:
    bad = _NOT_XML.search(value)
    if bad:
        raise XmpError(
            f"Cannot write the tag {value!r} to {target}: XML cannot hold the character "
            f"U+{ord(bad.group()):04X}. Rename the label."
        )


def read_keywords(photo: str | os.PathLike[str]) -> list[str]:
    """dc:subject of the sidecar (empty when there is none)."""
    target = sidecar_path(photo)
    if not target.exists():
        return []
    with _REGISTER_LOCK:
        return _values(_read(target), "dc", "subject")


def _read(path: Path) -> ET.Element:
    try:
        data = _read_regular(path)
        for _, (prefix, uri) in ET.iterparse(io.BytesIO(data), events=("start-ns",)):
            if prefix and not re.fullmatch(r"ns\d+", prefix):
                ET.register_namespace(prefix, uri)
        parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True, insert_pis=True))
        root = ET.fromstring(data, parser=parser)
    except (OSError, ET.ParseError) as exc:
        raise XmpError(
            f"Cannot read the sidecar {path}: {exc}. Fix or move it, then tag again."
        ) from exc
    if root.tag == _RDF + "RDF":
        wrapper = ET.Element(_XMPMETA)
        wrapper.append(root)
        root = wrapper
    if root.find(_RDF + "RDF") is None:
        raise XmpError(f"The sidecar {path} holds no XMP (rdf:RDF); move it aside, then tag again.")
    return root


def _empty() -> ET.Element:
    for prefix, uri in NS.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(_XMPMETA)
    ET.SubElement(ET.SubElement(root, _RDF + "RDF"), _RDF + "Description", {_RDF + "about": ""})
    return root


def _description(root: ET.Element) -> ET.Element:
    for prefix, uri in NS.items():
        ET.register_namespace(prefix, uri)
    rdf = root.find(_RDF + "RDF")
    found = rdf.find(_RDF + "Description")  # type: ignore[union-attr]
    if found is None:
        found = ET.SubElement(rdf, _RDF + "Description", {_RDF + "about": ""})  # type: ignore[arg-type]
    return found


def _property(root: ET.Element, prefix: str, name: str) -> ET.Element | None:
    return root.find(f"{_RDF}RDF/{_RDF}Description/{{{NS[prefix]}}}{name}")


def _values(root: ET.Element, prefix: str, name: str) -> list[str]:
    prop = _property(root, prefix, name)
    return [] if prop is None else [li.text or "" for li in prop.iter(_RDF + "li")]


def _foreign_leaves(root: ET.Element) -> set[str]:
    """Last levels of the hierarchy entries other apps wrote ("Pets|dog" -> "dog")."""
    hierarchy = _values(root, "lr", "hierarchicalSubject")
    return {v.split("|")[-1] for v in hierarchy if not _is_owned(v)}


def _is_owned(value: str) -> bool:
    return value.split("|")[0] == ROOT_TAG


def _hierarchy(group: str | None, name: str) -> str:
    return "|".join([ROOT_TAG, *([group] if group else []), name])


def _merge(
    root: ET.Element,
    description: ET.Element,
    prefix: str,
    name: str,
    kind: str,
    owned: Iterable[str],
    wanted: Sequence[str],
) -> None:
    """Replace PhotoSift's old entries of one array property by `wanted`, keeping the rest."""
    prop = _property(root, prefix, name)
    if prop is None:
        if not wanted:
            return
        prop = ET.SubElement(description, f"{{{NS[prefix]}}}{name}")
    container = next((c for c in prop if c.tag.startswith(_RDF)), None)
    if container is None:
        container = ET.SubElement(prop, _RDF + kind)
    drop = set(owned) - set(wanted)
    kept = []
    for li in list(container.findall(_RDF + "li")):
        if (li.text or "") in drop:
            container.remove(li)
        else:
            kept.append(li.text or "")
    for value in wanted:
        if value not in kept:
            ET.SubElement(container, _RDF + "li").text = value
            kept.append(value)
    if not kept:  # an empty array would be read back as an empty keyword list: drop it
        for parent in root.iter(_RDF + "Description"):
            if prop in list(parent):
                parent.remove(prop)


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file of sane size; anything else is refused without blocking
    (a FIFO would hang a plain open, a link to /dev/zero would be read until memory runs out)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise XmpError(
                f"The sidecar {path} is not a regular file; move it aside, then tag again."
            )
        if info.st_size > MAX_SIDECAR_BYTES:
            raise XmpError(
                f"The sidecar {path} is {info.st_size:,} bytes, too large for XMP "
                f"(limit {MAX_SIDECAR_BYTES:,}); move it aside, then tag again."
            )
        return handle.read(MAX_SIDECAR_BYTES + 1)


def _atomic_write(target: Path, text: str) -> None:
    try:
        ET.fromstring(text.encode("utf-8"))  # never replace a good sidecar with a broken one
    except ET.ParseError as exc:
        raise XmpError(
            f"Refused to write the sidecar {target}: the result would not parse ({exc})."
        ) from exc
    _remove_stale_temps(target)
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise XmpError(f"Cannot write the sidecar {target}: {exc.strerror or exc}.") from exc


_cleaned_folders: set[str] = set()
_cleaned_lock = threading.Lock()
_OUR_TEMP = re.compile(r"\..+\.xmp\.[^.]+\.tmp", re.DOTALL)


def _remove_stale_temps(target: Path) -> None:
    """Temp sidecars of ours (``.NAME.xmp.XXXX.tmp``) that a killed run left in this folder;
    each folder is looked at once per process, so tagging 10k photos lists it once."""
    folder = str(target.parent)
    with _cleaned_lock:
        if folder in _cleaned_folders:
            return
        _cleaned_folders.add(folder)
    try:
        with os.scandir(folder) as entries:
            leftovers = [e for e in entries if _OUR_TEMP.fullmatch(e.name)]
        for entry in leftovers:
            if time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS:
                os.unlink(entry.path)
    except OSError:
        pass


def _umask() -> int:
    """The process umask, read without changing it (os.umask would, for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
