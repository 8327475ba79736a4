"""The search query language: text and images, added, subtracted and weighted.

CLIP reads "a beach without people" as a beach *with* people (it does not understand negation
inside a sentence), so exclusion and emphasis live outside the text, as arithmetic on vectors:
the query vector is the weighted sum of its terms' unit vectors, renormalised to unit length.

Grammar (whitespace separates tokens; only double quotes quote)::

    query   := term+
    term    := marker? body | marker                 (a bare marker applies to the next token)
    marker  := sign weight? | weight                 e.g.  +   -   2:   +0.5:   -3:
    sign    := "+" | "-"                             add (default) or subtract the term
    weight  := NUMBER ":"                            NUMBER > 0, e.g. 2  1.5  .5  (default 1;
                                                     a bare "-" subtracts at 0.5)
    body    := words? text
    words   := "text:"                               match the words written in the photo
    text    := '"' any characters but '"' '"'        a quoted body is taken literally
             | WORD                                  characters up to the next whitespace

How tokens become terms:
- A token with a marker, a quoted token, or an image reference always begins a new term.
  A bare marker joins the next token's own marker when they do not clash: ``red + 3:square``
  is ``red`` plus ``square`` weighted 3; ``+ -dog`` is an error.
- An unmarked bare word continues the current text term, so ``kids on a beach`` is one term
  and ``beach +sunset -people`` three; ``"10:30"`` in quotes is text, not a weight.
- An image reference is ``#ID`` (a photo of the library, by id) or a body ending in an image
  file extension (``./ref.jpg``, ``~/Pictures/cat.HEIC``, ``"my photo.png"``): that file must
  exist; relative paths are read from `base_dir` (default: the current folder).
- A bare ``-TERM`` subtracts at half weight (``-0.5:TERM``): subtracting a whole unit vector
  pushes the query so far from the added term that only its most extreme photos rank first
  (on the toy world, ``red -circle`` ranked red non-circles 0.75 right at weight 1 and 0.92 at
  0.5, tests/benchmarks/relevance.py). ``-1:TERM`` still subtracts fully. The weight orders
  the results; which of them show is decided term by term at every cut-off level but off (a
  photo the subtracted term matches on its own is left out: engine.rank).
- A ``text:`` term searches only the words read in the photos (OCR, core/library/text_pass.py),
  not the picture: ``text:收据``, ``text:"invoice 2024"`` (quote a phrase: an unquoted one ends
  at the first space, and the next words are an ordinary picture term). Added, it keeps only
  photos whose text contains it; subtracted (``-text:draft``), it drops them; its weight is
  not used. A query of only ``text:`` terms lists the photos with those words.
- At least one term must be added (a query of only ``-people`` says what to avoid, not what
  to find); weights must be positive; terms that cancel out (``dog -dog``) are an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photosift.core.errors import QueryError

NEGATIVE_WEIGHT = 0.5  # what a bare "-TERM" subtracts (see the module docstring)

_MARKER = re.compile(r"(?P<sign>[+-])?(?:(?P<weight>\d+(?:\.\d*)?|\.\d+):)?")
_PHOTO_REF = re.compile(r"#(\d+)")
WORDS_PREFIX = "text:"


@dataclass(frozen=True)
class Term:
    kind: str  # "text" | "image" (a file) | "photo" (a library photo id) | "words" (OCR text)
    value: str | Path | int
    weight: float  # signed: negative subtracts

    def describe(self) -> str:
        sign = "-" if self.weight < 0 else "+"
        return f"{sign}{abs(self.weight):g}:{self.value}"


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[Term, ...]

    @property
    def texts(self) -> list[str]:
        return [str(t.value) for t in self.terms if t.kind == "text"]

    @property
    def picture_terms(self) -> tuple[Term, ...]:
        """The terms that make up the query vector (all but the `text:` word terms)."""
        return tuple(t for t in self.terms if t.kind != "words")

    @property
    def words(self) -> tuple[Term, ...]:
        """The `text:` terms: phrases to find among the words read in the photos."""
        return tuple(t for t in self.terms if t.kind == "words")


@dataclass
class _Token:
    sign: str | None
    weight: float | None
    body: str | None  # None: a bare marker
    quoted: bool
    words: bool = False  # prefixed with text:


def parse_query(text: str, *, base_dir: Path | None = None) -> Query:
    """Parse a query string into weighted terms; raises QueryError with what to fix."""
    base = Path.cwd() if base_dir is None else Path(base_dir)
    tokens = _tokens(text)
    if not tokens:
        raise QueryError("The query is empty: type what to look for, e.g. 'dog on a beach'.")
    terms: list[list] = []  # [kind, value, weight, open_text]
    pending: _Token | None = None
    for token in tokens:
        if token.body is None:
            if pending is not None:
                raise QueryError(f"Two markers in a row in '{text}': put a term after each one.")
            pending = token
            continue
        if pending is not None:
            token = _merge_markers(pending, token, text)
            pending = None
        if token.words:
            kind, value = "words", token.body.strip()  # type: ignore[union-attr]
            if not value:
                raise QueryError("'text:' needs words after it, e.g. text:receipt.")
        else:
            kind, value = _classify(token.body, base)  # type: ignore[arg-type]
        marked = token.sign is not None or token.weight is not None
        last = terms[-1] if terms else None
        if kind == "text" and not marked and not token.quoted and last is not None and last[3]:
            last[1] = f"{last[1]} {value}"
            continue
        default = NEGATIVE_WEIGHT if token.sign == "-" else 1.0
        weight = token.weight if token.weight is not None else default
        signed = -weight if token.sign == "-" else weight
        terms.append([kind, value, signed, kind == "text" and not token.quoted])
    if pending is not None:
        raise QueryError(f"The query '{text}' ends with a marker: put a term after the last one.")
    result = tuple(Term(kind, value, weight) for kind, value, weight, _ in terms)
    if not any(t.weight > 0 for t in result):
        raise QueryError(
            f"The query '{text}' only says what to avoid; add what to look for, "
            "e.g. 'beach -people'."
        )
    return Query(text, result)


def _merge_markers(marker: _Token, token: _Token, text: str) -> _Token:
    """A bare marker and the next token's own marker combine when they do not clash ('+ 3:x')."""
    if (marker.sign and token.sign) or (marker.weight is not None and token.weight is not None):
        raise QueryError(f"Two markers in a row in '{text}': put a term after each one.")
    weight = marker.weight if marker.weight is not None else token.weight
    return _Token(marker.sign or token.sign, weight, token.body, token.quoted, token.words)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        marker = _MARKER.match(text, i)
        assert marker is not None  # every part of the pattern is optional: it always matches
        sign, weight_text = marker.group("sign"), marker.group("weight")
        j = marker.end()
        weight = _weight(weight_text, text) if weight_text is not None else None
        words = text[j : j + len(WORDS_PREFIX)].lower() == WORDS_PREFIX
        if words:
            j += len(WORDS_PREFIX)
        if j < n and text[j] == '"':
            end = text.find('"', j + 1)
            if end < 0:
                raise QueryError(f"The query '{text}' has an unclosed quote (\").")
            if end + 1 < n and not text[end + 1].isspace():
                raise QueryError(f"Put a space after the closing quote in '{text}'.")
            tokens.append(_Token(sign, weight, text[j + 1 : end], True, words))
            i = end + 1
            continue
        end = j
        while end < n and not text[end].isspace():
            end += 1
        if words and end == j:
            raise QueryError("'text:' needs words after it, e.g. text:receipt.")
        tokens.append(_Token(sign, weight, text[j:end] or None, False, words))
        i = end
    return tokens


def _weight(number: str, text: str) -> float:
    value = float(number)
    if not math.isfinite(value) or value <= 0:
        raise QueryError(
            f"Weights must be positive numbers ('{number}:' in '{text}'), e.g. '2:dog'."
        )
    return value


def _classify(body: str, base: Path) -> tuple[str, str | Path | int]:
    ref = _PHOTO_REF.fullmatch(body)
    if ref:
        return "photo", int(ref.group(1))
    if _looks_like_image(body):
        path = (base / Path(body).expanduser()).resolve()
        if not path.is_file():
            raise QueryError(
                f"There is no image file '{body}'. Terms ending in an image extension are "
                "read as files; check the path."
            )
        return "image", path
    if not body.strip():
        raise QueryError("A quoted term is empty; put words between the quotes.")
    return "text", body


def _looks_like_image(body: str) -> bool:
    from photosift.core.imaging.decode import IMAGE_EXTENSIONS

    suffix = Path(body).suffix.lower().lstrip(".")
    return bool(suffix) and suffix in IMAGE_EXTENSIONS


def combine(vectors: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """Weighted sum of unit vectors, renormalised; QueryError when the terms cancel out."""
    total = np.zeros_like(np.asarray(vectors[0], dtype=np.float64))
    # Only the weights' ratios matter; dividing by the largest keeps 1e300:dog from
    # overflowing into a NaN vector that silently matches nothing.
    scale = max((abs(w) for w in weights), default=1.0) or 1.0
    for vector, weight in zip(vectors, weights, strict=True):
        v = np.asarray(vector, dtype=np.float64)
        total += (weight / scale) * v / max(float(np.linalg.norm(v)), 1e-12)
    norm = float(np.linalg.norm(total))
    if norm < 1e-6:
        raise QueryError("The query's terms cancel each other out; change a term or a weight.")
    return (total / norm).astype(np.float32)
