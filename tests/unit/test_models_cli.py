"""`photosift models`: the curated list, with sizes and what is already downloaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from photosift.cli import main
from photosift.core.model.catalog import CATALOG, DEFAULT_MODEL_SPEC
from photosift.core.paths import model_cache_dir

COMMIT = "fedcba9876543210fedcba9876543210fedcba98"


def cache_weights(repo: str) -> None:
    """Put a weights file where the Hugging Face client would have downloaded it."""
    repo_dir = model_cache_dir() / f"models--{repo.replace('/', '--')}"
    snapshot = repo_dir / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    (repo_dir / "refs").mkdir()
    (repo_dir / "refs" / "main").write_text(COMMIT)
    (snapshot / "open_clip_model.safetensors").write_bytes(b"weights")


def default_entry():
    return next(entry for entry in CATALOG if entry.spec == DEFAULT_MODEL_SPEC)


def test_models_lists_the_catalog_and_marks_cached_ones(capsys: pytest.CaptureFixture[str]) -> None:
    cache_weights(default_entry().hf_repo)
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    rows = {
        line.split()[0]: line
        for line in out.splitlines()
        if line and line.split()[0] in {entry.spec for entry in CATALOG}
    }
    assert set(rows) == {entry.spec for entry in CATALOG}
    assert "xlm-roberta-base-ViT-B-32/laion5b_s13b_b90k" in rows  # queries in Chinese
    default_row = rows[DEFAULT_MODEL_SPEC]
    assert default_row.split()[1:4] == ["151M", "605", "MB"]
    assert default_row.split()[4] == "yes"
    assert "(default)" in default_row
    for spec, row in rows.items():
        if spec != DEFAULT_MODEL_SPEC:
            assert row.split()[4] == "no", row
    assert "needs:" not in out  # transformers is installed in the test environment
    assert f"Model cache: {model_cache_dir()}" in out


def test_models_marks_a_missing_extra_package(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)  # how Python marks "not importable"
    assert main(["models"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "needs:" in line]
    assert len(rows) == 1
    assert rows[0].startswith("xlm-roberta-base-ViT-B-32/laion5b_s13b_b90k")
    assert rows[0].endswith("[needs: transformers]")


def test_models_json(capsys: pytest.CaptureFixture[str]) -> None:
    cache_weights("laion/CLIP-ViT-L-14-DataComp.XL-s13B-b90K")
    assert main(["models", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["default"] == DEFAULT_MODEL_SPEC
    assert data["cache_dir"] == str(model_cache_dir())
    by_spec = {model["spec"]: model for model in data["models"]}
    assert list(by_spec) == [entry.spec for entry in CATALOG]
    assert by_spec["ViT-L-14/datacomp_xl_s13b_b90k"]["cached"] is True
    assert by_spec[DEFAULT_MODEL_SPEC]["cached"] is False
    assert by_spec[DEFAULT_MODEL_SPEC]["default"] is True
    assert [m["default"] for m in data["models"]].count(True) == 1
    for model in data["models"]:
        assert model["params_m"] > 0 and model["download_mb"] > 0 and model["good_for"]


def test_models_command_runs_as_a_program(tmp_path: Path) -> None:
    """End to end, with --db after the subcommand as every subcommand allows."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "photosift",
            "models",
            "--json",
            "--db",
            str(tmp_path / "x.sqlite3"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [model["spec"] for model in data["models"]] == [entry.spec for entry in CATALOG]
    assert result.stderr == ""
