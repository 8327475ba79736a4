"""Whether the loaded model can read a text query at all.

CLIP's English tokenizer never fails: '红色圆形' becomes byte pieces the text tower never saw
in training, and search returns *something* with full confidence. So before trusting the
results we ask, per query:

- Is it written in a script the model was trained on? open_clip's own BPE tokenizer
  (``SimpleTokenizer``) belongs to the English-only CLIP models; a query whose letters are
  mostly in another script (CJK, Cyrillic, Arabic...) cannot be read. Models with a Hugging
  Face tokenizer (the catalog's xlm-roberta model) are multilingual and read every script.
- Are its words in the model's vocabulary? With the English tokenizer a whole word is one
  vocabulary entry (``word</w>``); when most words of three letters or more are not, the
  query is in another language or misspelt (``Hund am Strand``, ``cercle rouge``).
- Emoji are kept in the query (CLIP learned common ones from captions, and dropping them
  would change an emoji-only query into nothing), and said: an emoji-only query gets a
  warning that words work better.

Qt-free and cheap (no model call), so the CLI and the GUI check each query as it runs.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Any

FOREIGN_SHARE = 0.3  # share of letters in another script that makes a query unreadable
UNKNOWN_SHARE = 0.5  # share of unknown words that makes a query unreadable
_MIN_WORD = 3  # shorter words ("am", "de") are too often both known and foreign to count


class Issue(Enum):
    FOREIGN_SCRIPT = "foreign-script"  # letters of a script the model was not trained on
    UNKNOWN_WORDS = "unknown-words"  # most words are not in the model's vocabulary
    EMOJI = "emoji"  # the query holds emoji (kept)
    EMOJI_ONLY = "emoji-only"  # the query is nothing but emoji (kept; words work better)


@dataclass(frozen=True)
class QueryNotice:
    issue: Issue
    message: str  # one line for the user

    @property
    def unreadable(self) -> bool:
        """The model cannot read the query: a multilingual model may."""
        return self.issue in (Issue.FOREIGN_SCRIPT, Issue.UNKNOWN_WORDS)


def is_multilingual(tokenizer: Any) -> bool:
    """open_clip's own BPE (`encoder` = its vocabulary) is the English CLIP tokenizer; the
    multilingual models use a Hugging Face tokenizer."""
    return not hasattr(tokenizer, "encoder")


def check_query(text: str, tokenizer: Any) -> list[QueryNotice]:
    """What the user should know about how the model reads `text` (empty: nothing)."""
    notices: list[QueryNotice] = []
    emoji = [c for c in text if is_emoji(c)]
    words_text = "".join(" " if is_emoji(c) else c for c in text)
    if emoji:
        shown = "".join(dict.fromkeys(emoji))
        if not any(c.isalnum() for c in words_text):
            notices.append(
                QueryNotice(
                    Issue.EMOJI_ONLY,
                    f"The query is only emoji ({shown}); they are searched as the model learned "
                    "them from captions, which is seldom well: words work better.",
                )
            )
        else:
            notices.append(
                QueryNotice(Issue.EMOJI, f"Emoji ({shown}) are kept in the query as written.")
            )
    if is_multilingual(tokenizer):
        return notices
    letters = [c for c in words_text if c.isalpha()]
    foreign = [c for c in letters if _script(c) != "LATIN"]
    if letters and len(foreign) >= FOREIGN_SHARE * len(letters):
        script = max(
            set(map(_script, foreign)), key=lambda s: sum(_script(c) == s for c in foreign)
        )
        notices.append(
            QueryNotice(
                Issue.FOREIGN_SCRIPT,
                f"This model reads English only; '{text.strip()}' is written in {script.title()} "
                "script, so the results are guesses. Use the Multilingual model.",
            )
        )
        return notices
    words = [w for w in _words(words_text) if len(w) >= _MIN_WORD]
    unknown = [w for w in words if not _known(w, tokenizer.encoder)]
    if words and len(unknown) > UNKNOWN_SHARE * len(words):
        notices.append(
            QueryNotice(
                Issue.UNKNOWN_WORDS,
                f"This model reads English only and does not know {', '.join(repr(w) for w in unknown)}; "
                "the results are guesses. Rephrase in English or use the Multilingual model.",
            )
        )
    return notices


def is_emoji(char: str) -> bool:
    """Pictographs, symbols and the joiners/selectors that build emoji sequences."""
    code = ord(char)
    if code in (0x200D, 0xFE0F) or 0x1F3FB <= code <= 0x1F3FF:  # ZWJ, VS16, skin tones
        return True
    return unicodedata.category(char) == "So" and (
        code >= 0x1F000 or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF
    )


def _script(char: str) -> str:
    """The script of a letter from its Unicode name ('LATIN SMALL LETTER A' -> 'LATIN')."""
    name = unicodedata.name(char, "")
    if name.startswith(("CJK", "IDEOGRAPHIC")):
        return "CJK"
    return name.split(" ")[0] if name else "UNKNOWN"


def _known(word: str, vocabulary: dict) -> bool:
    """A whole-word vocabulary entry, as typed or without accents ("café" is "cafe")."""
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return f"{word}</w>" in vocabulary or f"{plain}</w>" in vocabulary


def _words(text: str) -> list[str]:
    cleaned = "".join(c.lower() if c.isalpha() else " " for c in text)
    return cleaned.split()
