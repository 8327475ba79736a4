"""The query grammar: terms, markers, weights, quotes, image terms and helpful errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photosift.core.errors import QueryError
from photosift.core.search.query import combine, parse_query


def described(text: str, base: Path | None = None) -> list[str]:
    return [t.describe() for t in parse_query(text, base_dir=base).terms]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("kids on a beach", ["+1:kids on a beach"]),
        ("beach +sunset -people", ["+1:beach", "+1:sunset", "-0.5:people"]),
        ("red -circle", ["+1:red", "-0.5:circle"]),
        ("red -1:circle", ["+1:red", "-1:circle"]),
        ("red + 3:square", ["+1:red", "+3:square"]),
        ("3:red + square", ["+3:red", "+1:square"]),
        ("2: -dog cat +.5:grass", ["-2:dog cat", "+0.5:grass"]),
        ('"10:30" train', ["+1:10:30", "+1:train"]),
        ('beach -"red car" parked', ["+1:beach", "-0.5:red car", "+1:parked"]),
        ("t-shirt mom's birthday", ["+1:t-shirt mom's birthday"]),
        ("#12 -dog", ["+1:12", "-0.5:dog"]),
    ],
)
def test_terms(text: str, terms: list[str]) -> None:
    assert described(text) == terms


def test_photo_reference_kind() -> None:
    term = parse_query("#12").terms[0]
    assert (term.kind, term.value) == ("photo", 12)


def test_image_paths_are_image_terms(tmp_path: Path) -> None:
    Image.new("RGB", (8, 8), "red").save(tmp_path / "ref.jpg")
    (tmp_path / "my photo.PNG").write_bytes((tmp_path / "ref.jpg").read_bytes())
    query = parse_query('2:dog + ./ref.jpg sunny "my photo.PNG"', base_dir=tmp_path)
    assert [(t.kind, t.weight) for t in query.terms] == [
        ("text", 2.0),
        ("image", 1.0),
        ("text", 1.0),
        ("image", 1.0),
    ]
    assert query.terms[1].value == tmp_path / "ref.jpg"
    assert query.texts == ["dog", "sunny"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("dog -", "ends with a marker"),
        ("-people", "only says what to avoid"),
        ("0:dog", "positive"),
        ('a "b', "unclosed quote"),
        ('"red"car', "space after the closing quote"),
        ("+ -dog", "Two markers"),
        ('""', "empty"),
        ("./missing.jpg", "no image file"),
    ],
)
def test_errors_say_what_to_fix(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(text)


def test_combine_renormalises_weighted_sum() -> None:
    a, b = np.array([1.0, 0.0, 0.0], np.float32), np.array([0.0, 2.0, 0.0], np.float32)
    vector = combine([a, b], [3.0, 1.0])
    assert np.isclose(np.linalg.norm(vector), 1.0)
    np.testing.assert_allclose(vector, np.array([3, 1, 0]) / np.sqrt(10), rtol=1e-6)
    with pytest.raises(QueryError, match="cancel"):
        combine([a, a], [1.0, -1.0])
