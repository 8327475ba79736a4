"""RAW+JPEG pairs shot together are one photo (core/library/raw_pairs.py): the JPEG is listed,
the RAW is known as its companion; a library setting (on by default) shows both again.

Rows are written directly (no decoder needed for the pairing, which is by folder and name);
the corpus test at the end catalogues a real DNG beside a real JPEG of the same name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from photosift.core.library.filters import Filters
from photosift.core.library.raw_pairs import RAW_PAIRS_SETTING, PairRole, hidden_raw_clause
from photosift.core.library.scan_records import PhotoWrite
from photosift.core.library.store import Store
from photosift.core.paths import encode_relpath
from photosift.service.library import PhotoLibrary

FILES = [
    "IMG_0001.CR2",  # pair 1 (upper-case extensions, as cameras write them)
    "IMG_0001.JPG",
    "trip/DSC_7.nef",  # pair 2, in a sub-folder
    "trip/DSC_7.jpeg",
    "IMG_0002.CR2",  # a RAW alone
    "IMG_0003.JPG",  # a JPEG alone
    "other/IMG_0002.JPG",  # same name, other folder: not a pair
    "IMG_0004.png",  # same name as a RAW, not a JPEG: not a pair
    "IMG_0004.dng",
]


def write_photos(store: Store, root_id: int, names: list[str]) -> dict[str, int]:
    rows = [
        PhotoWrite(
            root_id=root_id,
            relpath=encode_relpath(name),
            size=10,
            mtime_ns=i + 1,
            fingerprint=f"fp-{name}",
            file_type=name.rsplit(".", 1)[1].lower(),
            width=4,
            height=3,
            taken_at=None,
            camera=None,
            vector=None,
        )
        for i, name in enumerate(names)
    ]
    ids = store.commit_batch(None, rows, [])
    return dict(zip(names, ids, strict=True))


def add_raw_twins(
    db: Path, jpegs: list[Path], suffix: str = ".CR2", *, analysed: bool = True
) -> list[int]:
    """Give indexed JPEGs (or HEIFs) a RAW twin (IMG.jpg -> IMG.CR2) without a RAW decoder: a
    file the scan finds unchanged (size and time as recorded) and, in an indexed library, the
    JPEG's own vector (none when not `analysed`), so a rescan keeps it and a search ranks it
    right beside its JPEG. Returns the RAW photos' ids."""
    with Store(db) as store:
        models = store.models()
        model_id = models[0].id if models else None
        ids, vectors = store.load_vectors(model_id) if model_id is not None else ([], None)
        rows = []
        for jpeg in jpegs:
            raw = jpeg.with_suffix(suffix)
            raw.write_bytes(b"raw sensor data")
            stat = raw.stat()
            root = next(r for r in store.roots() if Path(r.path) in raw.parents)
            vector = None if vectors is None else vectors[list(ids).index(store.photo_id_at(jpeg))]
            rows.append(PhotoWrite(
                root_id=root.id, relpath=encode_relpath(raw.relative_to(root.path).as_posix()),
                size=stat.st_size, mtime_ns=stat.st_mtime_ns, fingerprint=f"fp-{raw.name}",
                file_type=suffix.lstrip(".").lower(), width=4, height=3, taken_at=None,
                camera=None, vector=vector if analysed else None,
            ))  # fmt: skip
        return store.commit_batch(model_id if analysed else None, rows, [])


def write_heif(path: Path) -> None:
    """A real HEIF file (pillow-heif's HEVC encoder), as a camera set to RAW+HEIF writes."""
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("pillow-heif has no HEIF encoder here")
    from PIL import Image

    pillow_heif.from_pillow(Image.new("RGB", (64, 48), (200, 40, 40))).save(path, quality=60)


@pytest.fixture
def library(tmp_path: Path):
    folder = tmp_path / "photos"
    folder.mkdir()
    with PhotoLibrary.open(tmp_path / "lib.sqlite3") as library:
        root = library.store.add_root(folder)
        library.ids = write_photos(library.store, root.id, FILES)  # type: ignore[attr-defined]
        yield library


def names(library: PhotoLibrary, ids) -> set[str]:
    by_id = {v: k for k, v in library.ids.items()}  # type: ignore[attr-defined]
    return {by_id[int(i)] for i in ids}


def test_a_pair_is_listed_once_through_its_jpeg(library: PhotoLibrary) -> None:
    ids = library.ids  # type: ignore[attr-defined]
    assert library.joins_raw_pairs()  # the default
    hidden = {"IMG_0001.CR2", "trip/DSC_7.nef"}
    assert names(library, library.photo_ids(Filters())) == set(FILES) - hidden
    assert names(library, library.store.hidden_photo_ids()) == hidden
    records = {r.relpath: r for r in library.store.photos(list(ids.values()))}
    assert records["IMG_0001.JPG"].pair_role is PairRole.SHOWN
    assert records["IMG_0001.JPG"].pair_id == ids["IMG_0001.CR2"]
    assert records["IMG_0001.CR2"].pair_role is PairRole.HIDDEN
    assert records["IMG_0001.CR2"].pair_id == ids["IMG_0001.JPG"]
    assert records["trip/DSC_7.jpeg"].pair_id == ids["trip/DSC_7.nef"]
    for alone in ("IMG_0002.CR2", "IMG_0003.JPG", "other/IMG_0002.JPG", "IMG_0004.dng"):
        assert records[alone].pair_id is None and records[alone].pair_role is PairRole.NONE
    # The in-memory form of the filters (the grid's) agrees with the SQL form.
    listed = {r.relpath for r in records.values() if Filters().matches(r)}
    assert listed == set(FILES) - hidden
    # Asking for RAW types (and no JPEG) lists the RAW files themselves, paired or not.
    raw_only = Filters(file_types=("cr2", "nef"))
    raws = {"IMG_0001.CR2", "trip/DSC_7.nef", "IMG_0002.CR2"}
    assert names(library, library.photo_ids(raw_only)) == raws
    assert {r.relpath for r in records.values() if raw_only.matches(r)} == raws
    both = Filters(file_types=("cr2", "jpg"))
    listed = {
        "IMG_0001.JPG",
        "trip/DSC_7.jpeg",
        "IMG_0002.CR2",
        "IMG_0003.JPG",
        "other/IMG_0002.JPG",
    }
    assert names(library, library.photo_ids(both)) == listed
    assert {r.relpath for r in records.values() if both.matches(r)} == listed


def test_turning_the_setting_off_lists_both_files(library: PhotoLibrary) -> None:
    library.set_joins_raw_pairs(False)
    assert library.store.get_setting(RAW_PAIRS_SETTING) is False
    assert names(library, library.photo_ids(Filters())) == set(FILES)
    assert len(library.store.hidden_photo_ids()) == 0
    records = library.store.photos(list(library.ids.values()))  # type: ignore[attr-defined]
    assert {r.pair_role for r in records} == {PairRole.NONE}
    assert sum(r.pair_id is not None for r in records) == 4  # the pairs are still known
    library.set_joins_raw_pairs(True)
    assert len(library.photo_ids(Filters())) == len(FILES) - 2


def test_a_raw_whose_jpeg_is_gone_is_listed_again(library: PhotoLibrary) -> None:
    ids = library.ids  # type: ignore[attr-defined]
    library.store.apply_scan([], [ids["IMG_0001.JPG"]], [])  # the JPEG was deleted
    listed = names(library, library.photo_ids(Filters()))
    assert "IMG_0001.CR2" in listed and "IMG_0001.JPG" not in listed
    (raw,) = library.store.photos([ids["IMG_0001.CR2"]])
    assert raw.pair_id is None and raw.pair_role is PairRole.NONE


def test_pairs_are_found_through_the_index(library: PhotoLibrary) -> None:
    """At a million photos a scan per RAW would take minutes: the lookups must use the index."""
    plan = library.store.db.execute(
        f"EXPLAIN QUERY PLAN SELECT p.id FROM photos p WHERE {hidden_raw_clause('p')}"
    ).fetchall()
    details = " | ".join(row[-1] for row in plan)
    assert "photos_pair" in details and "SCAN p " not in details + " ", details


def _library_at(path: Path, version: int, names: tuple[str, ...] = ()) -> None:
    """A library file as PhotoSift at schema `version` left it, with `names` in one folder."""
    import sqlite3

    import sqlite_utils

    from photosift.core.library.store import MIGRATIONS

    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    for step in range(1, version + 1):
        MIGRATIONS[step](db)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO roots (path, added_at) VALUES (?, 0)", [str(path.parent)])
    for name in names:
        conn.execute(
            "INSERT INTO photos (root_id, relpath, size, mtime_ns, fingerprint, file_type, "
            "added_at) VALUES (1, ?, 1, 1, ?, ?, 0)",
            [name, f"fp-{name}", name.rsplit(".", 1)[1].lower()],
        )
    conn.commit()
    conn.close()


def _pair_index_sql(store: Store) -> str:
    row = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'photos_pair'").fetchone()
    return row[0] if row else ""


def test_an_old_library_gets_the_pair_index(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _library_at(path, 5)
    with Store(path) as store:
        assert "lower(" in _pair_index_sql(store)


def test_names_pair_whatever_their_letter_case(library: PhotoLibrary) -> None:
    """A tool that renamed one half (img_0005.jpg beside IMG_0005.CR2) leaves one shot."""
    root = library.store.roots()[0]
    ids = write_photos(library.store, root.id, ["IMG_0005.CR2", "img_0005.jpg", "Dsc_6.HIF"])
    ids |= write_photos(library.store, root.id, ["DSC_6.arw", "IMG_0007.CR2", "IMG_0008.jpg"])
    listed = {r.relpath for r in library.browse(Filters())}
    assert "img_0005.jpg" in listed and "IMG_0005.CR2" not in listed
    assert "Dsc_6.HIF" in listed and "DSC_6.arw" not in listed
    assert {"IMG_0007.CR2", "IMG_0008.jpg"} <= listed  # other names: not pairs
    (jpeg, heif) = library.store.photos([ids["img_0005.jpg"], ids["Dsc_6.HIF"]])
    assert jpeg.pair_id == ids["IMG_0005.CR2"] and heif.pair_id == ids["DSC_6.arw"]
    assert jpeg.pair_role is PairRole.SHOWN


def test_a_schema_6_library_pairs_names_of_other_case_once_migrated(tmp_path: Path) -> None:
    """Schema 6 indexed the name as stored; opening the library rebuilds the index on the
    lower-cased name (keeping a backup), and the lookups use the new index."""
    from photosift.core.library.store import SCHEMA_VERSION

    path = tmp_path / "v6.sqlite3"
    _library_at(path, 6, ("IMG_0001.CR2", "img_0001.JPG", "IMG_0002.NEF", "IMG_0002.JPG"))
    import sqlite3

    with sqlite3.connect(path) as conn:
        (old,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'photos_pair'").fetchone()
    assert "lower(" not in old  # what schema 6 made
    with PhotoLibrary.open(path) as library:
        store = library.store
        assert store.schema_version() == SCHEMA_VERSION
        assert "lower(" in _pair_index_sql(store)
        assert {r.relpath for r in library.browse(Filters())} == {"img_0001.JPG", "IMG_0002.JPG"}
        plan = store.db.execute(
            f"EXPLAIN QUERY PLAN SELECT p.id FROM photos p WHERE {hidden_raw_clause('p')}"
        ).fetchall()
        assert "photos_pair" in " | ".join(row[-1] for row in plan)
    assert (tmp_path / "v6.sqlite3.v6.bak").is_file()


def test_a_raw_beside_a_heif_of_the_same_name_is_one_photo(tmp_path: Path) -> None:
    """RAW+HEIF cameras: Canon's .HIF beside a .CR3, Sony's .HEIF beside an .ARW, Fujifilm's
    .HEIC beside a .RAF. Real HEIF files, catalogued; the RAW files are named files."""
    folder = tmp_path / "camera"
    folder.mkdir()
    heifs = {"IMG_0001.HIF": ".CR3", "DSC_2.HEIF": ".ARW", "DSCF3.HEIC": ".RAF"}
    for name in [*heifs, "IMG_0004.HIF"]:  # the last one has no RAW
        write_heif(folder / name)
    db = tmp_path / "lib.sqlite3"
    with PhotoLibrary.open(db) as library:
        assert library.catalog([folder], workers=1).catalogued == 4
    raws = {}
    for name, suffix in heifs.items():
        (raw_id,) = add_raw_twins(db, [folder / name], suffix)
        raws[name] = raw_id
    with PhotoLibrary.open(db) as library:
        listed = library.browse(Filters())
        assert sorted(r.abspath.name for r in listed) == sorted([*heifs, "IMG_0004.HIF"])
        for record in listed:
            if record.abspath.name in raws:
                assert record.pair_role is PairRole.SHOWN
                assert record.pair_id == raws[record.abspath.name]
            else:
                assert record.pair_role is PairRole.NONE and record.pair_id is None
        hidden = library.store.photos(list(raws.values()))
        assert {r.pair_role for r in hidden} == {PairRole.HIDDEN}
        assert {r.abspath.name for r in hidden} == {"IMG_0001.CR3", "DSC_2.ARW", "DSCF3.RAF"}
        assert {r.abspath.name for r in library.browse(Filters(file_types=("hif",)))} == {
            "IMG_0001.HIF", "IMG_0004.HIF",
        }  # fmt: skip
        raw_only = library.browse(Filters(file_types=("cr3", "arw")))
        assert {r.abspath.name for r in raw_only} == {"IMG_0001.CR3", "DSC_2.ARW"}
        assert not Filters(file_types=("cr3",)).shows_pairs_as_rendered
        assert Filters(file_types=("cr3", "heic")).shows_pairs_as_rendered
        library.set_joins_raw_pairs(False)
        assert len(library.browse(Filters())) == 7


def test_corpus_raw_and_jpeg_of_the_same_name_catalogue_as_one_photo(
    corpus_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("rawpy")
    folder = tmp_path / "camera"
    folder.mkdir()
    shutil.copy(corpus_dir / "camera/raw/canon_eos_6d.dng", folder / "IMG_0100.DNG")
    shutil.copy(corpus_dir / "camera/orientation/landscape_1.jpg", folder / "IMG_0100.JPG")
    shutil.copy(corpus_dir / "camera/raw/DNG.dng", folder / "IMG_0200.dng")
    with PhotoLibrary.open(tmp_path / "lib.sqlite3") as library:
        summary = library.catalog([folder], workers=1)
        assert summary.catalogued == 3
        listed = library.browse(Filters())
        assert sorted(r.abspath.name for r in listed) == ["IMG_0100.JPG", "IMG_0200.dng"]
        (jpeg,) = [r for r in listed if r.file_type == "jpg"]
        assert jpeg.pair_role is PairRole.SHOWN
        (raw,) = library.store.photos([jpeg.pair_id])
        assert raw.abspath.name == "IMG_0100.DNG" and raw.pair_role is PairRole.HIDDEN
        library.set_joins_raw_pairs(False)
        assert len(library.browse(Filters())) == 3
        assert np.isin(raw.id, library.photo_ids(Filters()))


def test_cli_lists_and_searches_a_pair_once_and_the_flag_switches(
    tmp_path: Path, toy_model, toy_model_spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`photosift list|search --json` show one entry per pair, naming its RAW; `index
    --separate-raw-pairs|--join-raw-pairs` change the library setting as --text does."""
    import json

    from photosift.cli import main
    from tests.toyworld import generate_photos

    folder = tmp_path / "photos"
    generate_photos(folder, 6, seed=3)
    db = tmp_path / "lib.sqlite3"

    def run(*argv: object) -> str:
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    model_args = ("--model", toy_model_spec, "--workers", 1)
    run("index", folder, "--db", db, *model_args)
    jpegs = sorted(folder.glob("*.jpg"))[:2]
    add_raw_twins(db, jpegs)

    def listed() -> dict[str, str | None]:
        rows = json.loads(run("list", "--json", "--db", db))
        return {Path(r["path"]).name: r["raw"] and Path(r["raw"]).name for r in rows}

    expected = {j.name: None for j in sorted(folder.glob("*.jpg"))}
    expected.update({j.name: j.with_suffix(".CR2").name for j in jpegs})
    assert listed() == expected
    found = json.loads(run("search", "a shape", "--json", "--cutoff", "off", "--db", db))
    results = {Path(r["path"]).name: r["raw"] and Path(r["raw"]).name for r in found["results"]}
    assert results == expected

    run("index", "--separate-raw-pairs", "--db", db, *model_args)
    both = listed()
    assert len(both) == 8 and all(raw is None for raw in both.values())
    found = json.loads(run("search", "a shape", "--json", "--cutoff", "off", "--db", db))
    assert len(found["results"]) == 8
    run("index", "--join-raw-pairs", "--db", db, *model_args)
    assert listed() == expected


def test_hidden_ids_are_kept_until_the_library_changes(library: PhotoLibrary, tmp_path) -> None:
    """Search asks for the hidden ids every time; they are re-read only after a change, made
    on this connection or committed by another one (an indexing lane, the CLI)."""
    ids = library.ids  # type: ignore[attr-defined]
    store = library.store
    first = store.hidden_photo_ids()
    assert store.hidden_photo_ids() is first  # nothing changed: the same answer
    assert not first.flags.writeable
    library.set_joins_raw_pairs(False)  # a write on this connection
    assert len(store.hidden_photo_ids()) == 0
    with Store(store.path) as other:  # a commit by another connection
        other.set_setting(RAW_PAIRS_SETTING, True)
    assert names(library, store.hidden_photo_ids()) == {"IMG_0001.CR2", "trip/DSC_7.nef"}
    with Store(store.path) as other:
        other.apply_scan([], [ids["IMG_0003.JPG"]], [])
    assert names(library, store.hidden_photo_ids()) == {
        "IMG_0001.CR2", "trip/DSC_7.nef", "IMG_0003.JPG",
    }  # fmt: skip
    assert len(store.hidden_photo_ids(include_offline=True)) == 3
