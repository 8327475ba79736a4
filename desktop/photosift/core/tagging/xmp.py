"""Tags as XMP sidecars (``NAME.EXT.xmp`` beside the photo) for other photo apps. Opt-in.

Why it looks like this:
- The photo itself is never touched; the sidecar is the portable place Lightroom, digiKam,
  darktable and exiftool read keywords from. Three properties carry the same tags:
  ``dc:subject`` (flat keywords), ``lr:hierarchicalSubject`` ("PhotoSift|animals|dog") and
  ``digiKam:TagsList`` ("PhotoSift/animals/dog").
- A sidecar may already hold the user's ratings, captions and keywords from other apps, so it
  is merged, not rewritten: every element, attribute and namespace prefix survives; PhotoSift
  only replaces the keywords it wrote itself, recognised by their "PhotoSift|" hierarchy.
- Written atomically (a temp file in the same folder, then os.replace) so a crash never
  leaves half a sidecar. A sidecar that is not valid XML is left alone (XmpError).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
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
}
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
    with _REGISTER_LOCK:
        root = _read(target) if target.exists() else _empty()
        description = _description(root)
        old = _owned_names(root)
        names = [name for _, name in tags]
        hierarchy = [_hierarchy(group, name) for group, name in tags]
        _merge(root, description, "dc", "subject", "Bag", old, names)
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


def read_keywords(photo: str | os.PathLike[str]) -> list[str]:
    """dc:subject of the sidecar (empty when there is none)."""
    target = sidecar_path(photo)
    if not target.exists():
        return []
    with _REGISTER_LOCK:
        return _values(_read(target), "dc", "subject")


def _read(path: Path) -> ET.Element:
    try:
        data = path.read_bytes()
        for _, (prefix, uri) in ET.iterparse(path, events=("start-ns",)):
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


def _owned_names(root: ET.Element) -> set[str]:
    """Flat keywords PhotoSift wrote, minus any another app also files under its own tree."""
    hierarchy = _values(root, "lr", "hierarchicalSubject")
    foreign = {v.split("|")[-1] for v in hierarchy if not _is_owned(v)}
    return {v.split("|")[-1] for v in hierarchy if _is_owned(v)} - foreign


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


def _atomic_write(target: Path, text: str) -> None:
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else None
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            if mode is not None:
                os.chmod(temp, mode)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise XmpError(f"Cannot write the sidecar {target}: {exc.strerror or exc}.") from exc
