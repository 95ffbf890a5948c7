"""Fold text for matching: lower case, no accents, only letters and digits."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^a-z0-9]+")


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
