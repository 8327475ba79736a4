"""Which queries the loaded model can read, asked of the toy model's real tokenizer (open_clip's
English BPE) and of a stand-in for a multilingual Hugging Face tokenizer."""

from __future__ import annotations

import pytest

from photosift.core.search.readability import (
    Issue,
    check_query,
    is_emoji,
    is_multilingual,
)


@pytest.fixture(scope="module")
def tokenizer(toy_model):  # type: ignore[no-untyped-def]
    return toy_model.tokenizer


class MultilingualTokenizer:
    """Like open_clip's HFTokenizer: no BPE `encoder` vocabulary of whole words."""

    def __call__(self, texts: list[str]) -> None:
        raise AssertionError("the check never runs the tokenizer")


def issues(text: str, tokenizer) -> list[Issue]:  # type: ignore[no-untyped-def]
    return [n.issue for n in check_query(text, tokenizer)]


@pytest.mark.parametrize(
    "text", ["a red circle", "kids on a beach at sunset", "zebra", "3 dogs", "café"]
)
def test_english_queries_pass(tokenizer, text: str) -> None:  # type: ignore[no-untyped-def]
    assert not is_multilingual(tokenizer)
    assert issues(text, tokenizer) == []


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("红色圆形", "Cjk"),
        ("красный круг", "Cyrillic"),
        ("دائرة حمراء", "Arabic"),
        ("赤い丸 red", "Cjk"),
    ],
)
def test_other_scripts_are_unreadable(tokenizer, text: str, script: str) -> None:  # type: ignore[no-untyped-def]
    [notice] = check_query(text, tokenizer)
    assert notice.issue is Issue.FOREIGN_SCRIPT and notice.unreadable
    assert f"{script} script" in notice.message


def test_a_few_foreign_letters_in_an_english_query_pass(tokenizer) -> None:  # type: ignore[no-untyped-def]
    assert issues("a red circle on the 東京 street at night", tokenizer) == []


def test_mostly_unknown_words_are_unreadable(tokenizer) -> None:  # type: ignore[no-untyped-def]
    [notice] = check_query("cercle xqzt spreadsheetz", tokenizer)
    assert notice.issue is Issue.UNKNOWN_WORDS and "'cercle'" in notice.message
    assert issues("a red cercle on the grass", tokenizer) == []  # one unknown word of four


def test_emoji_are_kept_and_said(tokenizer) -> None:  # type: ignore[no-untyped-def]
    assert issues("🐶", tokenizer) == [Issue.EMOJI_ONLY]
    assert issues("👩‍👩‍👧 🎉", tokenizer) == [Issue.EMOJI_ONLY]
    [notice] = check_query("a dog 🐶 on the beach", tokenizer)
    assert notice.issue is Issue.EMOJI and "🐶" in notice.message and not notice.unreadable
    assert is_emoji("☀") and not is_emoji("a") and not is_emoji("红")


def test_a_multilingual_model_reads_every_script() -> None:
    tokenizer = MultilingualTokenizer()
    assert is_multilingual(tokenizer)
    assert issues("红色圆形", tokenizer) == [] and issues("Hund am Strand", tokenizer) == []
    assert issues("🐶", tokenizer) == [Issue.EMOJI_ONLY]
