"""CLIP's byte-pair tokenizer without torch, for the ONNX text tower.

open_clip's ``SimpleTokenizer`` (a copy of OpenAI's) returns a torch tensor and lives in a module
that imports torch, which costs a `photosift search` seconds. This is the same algorithm over
the same vocabulary file (read from the installed open_clip package without importing it):
clean with ftfy and html unescaping, lower-case, split with CLIP's regex, merge byte pairs by
rank, wrap in start/end tokens, truncate to the context length with the end token kept last.
A unit test checks it against open_clip's tokenizer token for token.
"""

from __future__ import annotations

import functools
import gzip
import html
import importlib.util
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_MERGES = 49152 - 256 - 2  # the merges CLIP's vocabulary uses, after the header line


def vocabulary_file() -> Path:
    """open_clip's BPE vocabulary, found without executing open_clip's package import."""
    found = importlib.util.find_spec("open_clip")
    if found is None or not found.submodule_search_locations:
        raise FileNotFoundError("open_clip is not installed, and its BPE vocabulary comes with it")
    return Path(next(iter(found.submodule_search_locations))) / "bpe_simple_vocab_16e6.txt.gz"


@functools.lru_cache(maxsize=1)
def _bytes_to_unicode() -> dict[int, str]:
    """CLIP's reversible map of UTF-8 bytes to printable characters."""
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, codes)))


class ClipTokenizer:
    """Texts -> (N, context_length) int64 token ids, as open_clip's SimpleTokenizer makes them."""

    def __init__(self, context_length: int = 77, vocabulary: Path | None = None) -> None:
        import regex

        with gzip.open(vocabulary or vocabulary_file()) as stream:
            lines = stream.read().decode("utf-8").split("\n")
        merges = [tuple(line.split()) for line in lines[1 : _MERGES + 1]]
        symbols = list(_bytes_to_unicode().values())
        vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges]
        vocab += ["<start_of_text>", "<end_of_text>"]
        self._encoder = {token: index for index, token in enumerate(vocab)}
        self._ranks = {pair: rank for rank, pair in enumerate(merges)}
        self._cache: dict[str, str] = {}
        self._pattern = regex.compile(
            r"<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
            regex.IGNORECASE,
        )
        self.sot, self.eot = self._encoder["<start_of_text>"], self._encoder["<end_of_text>"]
        self.context_length = context_length

    @property
    def encoder(self) -> dict[str, int]:
        """Token to id, as open_clip's tokenizer names it (its vocabulary)."""
        return self._encoder

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        result = np.zeros((len(texts), self.context_length), dtype=np.int64)
        for row, text in enumerate(texts):
            tokens = [self.sot, *self.encode(text), self.eot]
            if len(tokens) > self.context_length:
                tokens = tokens[: self.context_length]
                tokens[-1] = self.eot
            result[row, : len(tokens)] = tokens
        return result

    def encode(self, text: str) -> list[int]:
        import ftfy

        text = " ".join(html.unescape(html.unescape(ftfy.fix_text(text))).strip().split()).lower()
        byte_map = _bytes_to_unicode()
        ids: list[int] = []
        for token in self._pattern.findall(text):
            symbols = "".join(byte_map[b] for b in token.encode("utf-8"))
            ids.extend(self._encoder[piece] for piece in self._bpe(symbols).split(" "))
        return ids

    def _bpe(self, token: str) -> str:
        if token in ("<start_of_text>", "<end_of_text>"):
            return token
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        word = (*token[:-1], token[-1] + "</w>")
        while len(word) > 1:
            pairs = set(itertools.pairwise(word))
            best = min(pairs, key=lambda pair: self._ranks.get(pair, float("inf")))
            if best not in self._ranks:
                break
            merged: list[str] = []
            i = 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
        joined = " ".join(word)
        self._cache[token] = joined
        return joined


__all__ = ["ClipTokenizer", "vocabulary_file"]
