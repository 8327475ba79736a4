"""`photosift add` and `photosift list` without a model, then `index` and a search that
says what is still pending."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_index_cli import photosift
from tests.samples import write_samples
from tests.toyworld import generate_photos


def test_add_lists_without_a_model_then_index_makes_them_searchable(
    tmp_path: Path, toy_model_spec: str
) -> None:
    db = tmp_path / "lib.sqlite3"
    write_samples(tmp_path / "lib" / "samples")
    generate_photos(tmp_path / "lib" / "shapes", 6, size=(96, 72), seed=3)

    added = photosift("add", tmp_path / "lib", "--db", db)
    assert added.returncode == 0, added.stderr
    assert "in 1 folder " in added.stdout and "0 of " in added.stdout
    assert "ready for search" in added.stdout and "photosift index" in added.stdout

    canon = json.loads(photosift("list", "--db", db, "--camera", "canon", "--json").stdout)
    assert canon and all(row["camera"] == "Canon EOS 40D" for row in canon)
    shapes = photosift(
        "list", "--db", db, "--folder", tmp_path / "lib" / "shapes", "--sort", "path"
    )
    lines = shapes.stdout.splitlines()
    assert len(lines) == 6 and all(line.endswith(".jpg") and "\t96x72\t" in line for line in lines)
    assert lines == sorted(lines, key=lambda line: line.rsplit("\t", 1)[1])
    old = photosift("list", "--db", db, "--before", "2022-01-01", "--json")
    assert {Path(r["path"]).parent.name for r in json.loads(old.stdout)} == {"camera"}
    pngs = json.loads(photosift("list", "--db", db, "--type", "png", "--json").stdout)
    assert pngs and {r["type"] for r in pngs} == {"png"}

    index = photosift("index", "--db", db, "--model", toy_model_spec, "--json")
    total = json.loads(index.stdout)["total"]
    generate_photos(tmp_path / "lib" / "later", 2, size=(96, 72), seed=4)
    again = photosift("add", "--db", db, "--json")
    assert (json.loads(again.stdout)["catalogued"], json.loads(again.stdout)["ready"]) == (2, total)
    search = photosift("search", "a red circle", "--db", db, "--json")
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)["pending"] == 2
    text = photosift("search", "a red circle", "--db", db)
    assert f"Searched {total} of {total + 2} photos; 2 not analysed yet" in text.stderr
