"""Splitting long texts and turning replies into Telegram keyboards."""

from __future__ import annotations

import pytest

from bot.telegram_adapter import MAX_MESSAGE, keyboard, split_text
from flows.types import Button, Reply


def test_short_text_is_one_message() -> None:
    assert split_text("hallo") == ["hallo"]


def test_long_text_is_split_at_breaks_within_the_limit() -> None:
    paragraph = ("Een wijkplatform is een netwerk van mensen. " * 40).strip()
    text = "\n\n".join([paragraph] * 6)
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(len(c) <= MAX_MESSAGE for c in chunks)
    assert "".join(chunks).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_text_without_breaks_is_cut_hard() -> None:
    chunks = split_text("x" * (MAX_MESSAGE * 2 + 5))
    assert [len(c) for c in chunks] == [MAX_MESSAGE, MAX_MESSAGE, 5]


def test_keyboard_rows() -> None:
    reply = Reply("t", ((Button("Één", "a"), Button("Twee", "b")), (Button("Drie", "c"),)))
    markup = keyboard(reply)
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Één", "Twee"], ["Drie"]]
    assert keyboard(Reply("t")) is None


def test_button_action_longer_than_64_bytes_is_refused() -> None:
    with pytest.raises(ValueError):
        Button("x", "t:" + "é" * 32)
