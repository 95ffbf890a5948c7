"""Text as it comes in from any channel, made valid Unicode before anything else sees it.

A Telegram client can send a lone UTF-16 surrogate ("\\ud83d" without its pair), and a terminal
with a non-UTF-8 locale gives bytes it cannot decode as surrogates too. Python holds them in a str,
but SQLite and every encoder refuse them, so the first database write of such a text would fail.
"""

from __future__ import annotations


def valid_text(text: str) -> str:
    """The text with every lone surrogate replaced by U+FFFD (a pair that was split is joined again)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
