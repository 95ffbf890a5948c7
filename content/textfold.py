"""Fold text for matching: lower case, no accents, only letters and digits."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """'Wat kost een Straatfeest? Één € !' -> 'wat kost een straatfeest een'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # "wijk's" and "wijk-platform" read as one word: drop apostrophes, hyphens become spaces.
    stripped = stripped.replace("'", "").replace("\u2019", "")
    return _NON_WORD.sub(" ", stripped).strip()


def fold_tokens(text: str) -> list[str]:
    return fold(text).split()
