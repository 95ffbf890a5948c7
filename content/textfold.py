"""Fold text for matching: lower case, no accents, only letters and digits."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"\w+")  # letters and digits of every script


@lru_cache(maxsize=20_000)
def fold(text: str) -> str:
    """'Wat kost een Straatfeest? Één € !' -> 'wat kost een straatfeest een'."""
    # NFKD splits "é" into "e" and an accent; encoding to ASCII then drops the accents (and
    # symbols such as "€", which matching does not use).
    ascii_text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")
    # "wijk's" reads as one word; hyphens and other punctuation separate words.
    return _NON_WORD.sub(" ", ascii_text.replace("'", "")).strip()


def fold_tokens(text: str) -> list[str]:
    return fold(text).split()


def question_key(text: str) -> str:
    """Two written questions are the same question when their keys are equal: case, accents' composition and
    punctuation aside, every letter kept. Not :func:`fold`, which keeps only a to z: an Arabic or Cyrillic
    question folds to its Latin words, or to nothing, and would equal another."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))
