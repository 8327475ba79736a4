"""`photosift search|similar|tag|tags|vocabulary` end to end on a real toy library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from photosift.cli import main
from photosift.core.library.store import Store
from tests.unit.test_search import ToyLibrary, build_toy_library


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, toy_model) -> ToyLibrary:  # type: ignore[no-untyped-def]
    return build_toy_library(tmp_path_factory.mktemp("toy-cli"), toy_model)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_search_prints_score_and_path_best_first(
    library: ToyLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "search", "a", "red", "circle", "--top", 5, "--cutoff", "off", "--db", library.db
    )
    assert code == 0, err
    lines = [line.split("\t") for line in out.splitlines()]
    assert len(lines) == 5
    scores = [float(score) for score, _ in lines]
    assert scores == sorted(scores, reverse=True)
    assert all(Path(path).is_file() and "_red_" in Path(path).name for _, path in lines)


def test_search_json_and_filters(library: ToyLibrary, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "search",
        "blue -star",
        "--json",
        "--top",
        30,
        "--cutoff",
        "off",
        "--folder",
        library.folder / "b",
        "--type",
        "jpg,png",
        "--db",
        library.db,
    )
    data = json.loads(out)
    assert code == 0 and len(data["results"]) == 30 and data["considered"] == 144
    assert all(
        "/b/" in r["path"] and set(r) >= {"photo_id", "score", "relevance"} for r in data["results"]
    )
    code, out, _ = run(
        capsys,
        "search",
        "red",
        "--json",
        "--before",
        "2021-01-01",
        "--after",
        "2020-01-01",
        "--db",
        library.db,
        "--cutoff",
        "off",
    )
    assert code == 0 and json.loads(out)["considered"] == 144


def test_similar_by_file_and_by_id(library: ToyLibrary, capsys: pytest.CaptureFixture[str]) -> None:
    reference = next(library.extra.glob("*_green_*.jpg"))
    code, out, err = run(
        capsys, "similar", reference, "--top", 3, "--cutoff", "off", "--db", library.db
    )
    assert code == 0, err
    assert all("_green_" in line for line in out.splitlines()) and len(out.splitlines()) == 3
    photo_id = next(iter(library.kinds))
    code, out, _ = run(capsys, "similar", f"#{photo_id}", "--json", "--top", 3, "--db", library.db)
    assert code == 0 and photo_id not in [r["photo_id"] for r in json.loads(out)["results"]]


def test_nonsense_is_cut(library: ToyLibrary, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "search",
        "quantum tax invoice spreadsheet",
        "--top",
        1000,
        "--json",
        "--db",
        library.db,
    )
    assert code == 0 and len(json.loads(out)["results"]) < len(library.kinds) / 4


def test_errors_are_one_clear_line(
    library: ToyLibrary, tmp_path: Path, toy_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "search", "--db", library.db, "--", "-people")
    assert code == 1 and "only says what to avoid" in err and len(err.splitlines()) == 1
    other = shutil.copytree(toy_model_dir, tmp_path / "other")
    code, _, err = run(capsys, "search", "red", "--model", f"local-dir:{other}", "--db", library.db)
    with Store(library.db) as store:
        indexed = store.library_model_specs()[0]
    assert (
        code == 1
        and f"This library was indexed with {indexed}; the loaded model is local-dir:{other}."
        in err
    )
    with Store(tmp_path / "empty.sqlite3"):
        pass
    code, _, err = run(capsys, "search", "red", "--db", tmp_path / "empty.sqlite3")
    assert code == 1 and "no indexed photos yet" in err
    code, _, err = run(capsys, "search", "red", "--db", tmp_path / "missing.sqlite3")
    assert code == 1 and "No library database" in err


def test_tag_tags_and_vocabulary(library: ToyLibrary, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "tag",
        library.folder / "a",
        "--labels",
        "circle,square,triangle,star,red,green,blue,yellow,purple,orange",
        "--db",
        library.db,
    )
    assert code == 0, err
    assert "Tagged 144 photos with 10 labels" in out and "Added to the vocabulary: circle" in err
    assert not list(library.folder.rglob("*.xmp"))
    photo = next(p for p in (library.folder / "a").glob("*_red_circle.jpg"))
    code, out, _ = run(capsys, "tags", photo, "--top", 3, "--db", library.db)
    assert code == 0 and len(out.splitlines()) == 3 and out.startswith("[x]")
    code, out, _ = run(capsys, "tags", photo, "--json", "--db", library.db)
    scores = json.loads(out)
    red = next(s for s in scores if s["label"] == "red")
    assert scores.index(red) < 3 and red["state"] == "assigned" and red["source"] == "auto"
    assert scores[0]["score"] >= scores[-1]["score"] and len(scores) > 200  # the whole vocabulary
    code, out, _ = run(capsys, "vocabulary", "list", "--json", "--db", library.db)
    names = {label["name"] for label in json.loads(out)}
    assert code == 0 and {"dog", "circle", "receipt"} <= names
    assert run(capsys, "vocabulary", "rename", "red", "crimson red", "--db", library.db)[0] == 0
    code, out, _ = run(capsys, "tags", photo, "--json", "--db", library.db)
    assert "crimson red" in {s["label"] for s in json.loads(out) if s["state"] == "assigned"}
    add = ["vocabulary", "add", "shiny", "--prompt", "a shiny thing", "--threshold", "0.3"]
    assert run(capsys, *add, "--db", library.db)[0] == 0
    with pytest.raises(SystemExit):
        run(capsys, "vocabulary", "add", "dull", "--threshold", "3", "--db", library.db)
    assert run(capsys, "vocabulary", "remove", "shiny", "--db", library.db)[0] == 0
    code, _, err = run(capsys, "vocabulary", "remove", "shiny", "--db", library.db)
    assert code == 1 and "No label named 'shiny'" in err


def test_tag_writes_sidecars_only_when_asked(
    library: ToyLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = next(p for p in (library.folder / "b").glob("*_blue_star.jpg"))
    code, out, err = run(
        capsys, "tag", photo, "--labels", "star,blue", "--write-xmp", "--db", library.db
    )
    assert code == 0, err
    assert "Wrote 1 XMP sidecars." in out
    assert [p.name for p in library.folder.rglob("*.xmp")] == [photo.name + ".xmp"]
    (library.folder / "b" / (photo.name + ".xmp")).unlink()


def test_a_control_character_label_is_one_line_and_the_users_sidecar_is_untouched(
    library: ToyLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = next(p for p in (library.folder / "a").glob("*.jpg"))
    sidecar = photo.with_name(photo.name + ".xmp")
    sidecar.write_text(
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
        "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description rdf:about='' "
        "xmlns:xmp='http://ns.adobe.com/xap/1.0/' xmp:Rating='4'/></rdf:RDF></x:xmpmeta>",
        encoding="utf-8",
    )
    before = sidecar.read_bytes()
    try:
        code, out, err = run(
            capsys, "tag", photo, "--write-xmp", "--labels", "bell\x07ctrl", "--db", library.db
        )
        assert code == 1 and len(err.strip().splitlines()) == 1 and "U+0007" in err, err
        assert sidecar.read_bytes() == before
    finally:
        sidecar.unlink()


@pytest.mark.parametrize(
    "argv",
    [
        ("search", "#99999999999999999999999"),
        ("similar", "#99999999999999999999999"),
        ("tags", "#99999999999999999999999"),
    ],
)
def test_an_overflowing_photo_id_is_one_line(
    library: ToyLibrary, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    code, _, err = run(capsys, *argv, "--db", library.db)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_an_overflowing_weight_still_finds_photos(
    library: ToyLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "1" + "0" * 300  # 1e300: its square overflows a float
    code, out, err = run(capsys, "search", f"{huge}:red", "--top", 5, "--db", library.db)
    plain = run(capsys, "search", "red", "--top", 5, "--db", library.db)[1]
    assert code == 0 and out == plain and len(out.splitlines()) == 5, err


def test_tags_top_zero_is_refused_as_a_usage_error(
    library: ToyLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "tags", "#1", "--top", 0, "--db", library.db)
    assert exit_.value.code == 2 and "at least 1" in capsys.readouterr().err


def test_a_newline_in_a_file_name_does_not_split_a_search_line() -> None:
    from photosift.cli.common import plain_path

    assert plain_path("/p/two\nlines\t.jpg") == "/p/two\\nlines\\t.jpg"
    assert "\n" not in plain_path("/p/a\rb\nc.jpg")


def test_a_query_the_model_cannot_read_is_one_warning_line(
    library: ToyLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "search", "红色圆形", "--db", library.db)
    warnings = [line for line in err.splitlines() if line.startswith("photosift: warning:")]
    assert code == 0 and len(warnings) == 1
    assert "English only" in warnings[0] and "Cjk script" in warnings[0]
    assert "xlm-roberta" in warnings[0]  # how to get the multilingual model
    code, out, err = run(capsys, "search", "a red circle", "--db", library.db)
    assert "warning" not in err
    code, out, err = run(capsys, "search", "🔴", "--json", "--db", library.db)
    assert "only emoji" in json.loads(out)["warning"]


def test_hidden_results_are_counted_with_the_flag_that_shows_them(
    library: ToyLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "search", "a red circle", "--top", 100, "--db", library.db)
    shown = len(out.splitlines())
    assert code == 0 and 0 < shown < 100
    assert (
        f"{100 - shown} weaker results hidden by the normal cut-off; --cutoff off shows them."
        in err
    )
    code, out, _ = run(
        capsys, "search", "a red circle", "--top", 100, "--cutoff", "off", "--db", library.db
    )
    assert len(out.splitlines()) == 100


def test_similar_to_a_missing_file_says_it_does_not_exist(
    library: ToyLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "similar", tmp_path / "no" / "such.jpg", "--db", library.db)
    assert code == 1 and "does not exist" in err and len(err.splitlines()) == 1


def test_tags_review_from_the_command_line(
    library: ToyLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = next(p for p in (library.folder / "b").glob("*_yellow_square.jpg"))
    code, out, err = run(
        capsys,
        "tags",
        photo,
        "--add",
        "sunny,bright",
        "--reject",
        "dog",
        "--json",
        "--db",
        library.db,
    )
    assert code == 0, err
    state = {s["label"]: (s["state"], s["source"]) for s in json.loads(out)}
    assert state["sunny"] == ("assigned", "manual") and state["bright"] == ("assigned", "manual")
    assert state["dog"][0] == "rejected"
    code, out, err = run(
        capsys, "tags", photo, "--remove", "sunny", "--accept", "dog", "--json", "--db", library.db
    )
    state = {s["label"]: (s["state"], s["source"]) for s in json.loads(out)}
    assert state["dog"] == ("assigned", "manual") and state["sunny"][0] != "assigned"
    code, _, err = run(capsys, "tags", photo, "--accept", "no such label", "--db", library.db)
    assert code == 1 and "No label named 'no such label'" in err
