"""Generated photos with planted duplicates, for the duplicate tests and benchmark.

Originals are toy-world photos (tests.toyworld); each planted group is an original plus
copies made the ways people make them: the same bytes under another name, recompressed at
another JPEG quality, resized to half, cropped by 3 %, and a burst of slightly shifted
frames. The other photos are distinct but "look alike": the toy world has only a few colours
and shapes, so many photos show the same coloured shape elsewhere in the frame.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from tests.toyworld import generate_photos

VARIANTS = ("copy", "quality", "half", "crop", "burst1", "burst2")


@dataclass
class PlantedWorld:
    folder: Path
    groups: list[set[Path]] = field(default_factory=list)  # the truth: original + variants
    lookalikes: list[Path] = field(default_factory=list)  # distinct photos


def plant(folder: Path, originals: int, distinct: int, seed: int = 7) -> PlantedWorld:
    """`originals` groups of 1 + len(VARIANTS) files, plus `distinct` unrelated photos."""
    source = folder.parent / f".{folder.name}-source"
    photos = generate_photos(source, originals + distinct, size=(320, 240), seed=seed)
    world = PlantedWorld(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for number, photo in enumerate(photos[:originals]):
        group_dir = folder / f"group{number:03d}"
        group_dir.mkdir()
        original = group_dir / photo.path.name
        shutil.copy(photo.path, original)
        world.groups.append({original, *make_variants(original)})
    for photo in photos[originals:]:
        target = folder / "distinct" / photo.path.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(photo.path, target)
        world.lookalikes.append(target)
    shutil.rmtree(source)
    return world


def make_variants(original: Path) -> list[Path]:
    image = Image.open(original).convert("RGB")
    width, height = image.size
    stem, folder = original.stem, original.parent
    made = []
    copy = folder / f"{stem} (copy).jpg"
    shutil.copy(original, copy)
    made.append(copy)
    image.save(folder / f"{stem}_q60.jpg", quality=60)
    made.append(folder / f"{stem}_q60.jpg")
    image.resize((width // 2, height // 2), Image.Resampling.LANCZOS).save(
        folder / f"{stem}_half.jpg", quality=90
    )
    made.append(folder / f"{stem}_half.jpg")
    dx, dy = round(width * 0.03), round(height * 0.03)
    image.crop((dx, dy, width, height)).save(folder / f"{stem}_crop.jpg", quality=90)
    made.append(folder / f"{stem}_crop.jpg")
    for frame, shift in enumerate((2, 4), start=1):  # a burst: the camera moved a little
        shifted = image.crop((shift, shift // 2, width, height)).resize((width, height))
        shifted.save(folder / f"{stem}_burst{frame}.jpg", quality=88)
        made.append(folder / f"{stem}_burst{frame}.jpg")
    return made


def precision_recall(found: list[set[Path]], truth: list[set[Path]]) -> tuple[float, float]:
    """Pairwise precision and recall of the groups: over all pairs of photos put together."""

    def pairs(groups: list[set[Path]]) -> set[frozenset[Path]]:
        return {frozenset((a, b)) for g in groups for a in g for b in g if a != b}

    got, want = pairs(found), pairs(truth)
    precision = len(got & want) / len(got) if got else 1.0
    recall = len(got & want) / len(want) if want else 1.0
    return precision, recall


def use_temporary_trash(monkeypatch, data: Path) -> Path:  # type: ignore[no-untyped-def]
    """Point send2trash's freedesktop trash at `data`/Trash; returns its files folder."""
    from send2trash import plat_other

    data.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", bytes(data))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", bytes(data / "Trash"))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(data / "Trash"))
    monkeypatch.setattr("send2trash.send2trash", plat_other.send2trash)
    return data / "Trash" / "files"
