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


async def test_reply_with_edit_message_edits_that_message_and_survives_the_outbox() -> None:
    from telegram import Bot

    from bot.telegram_adapter import send_replies
    from tests.auxil.recording_request import RecordingRequest, buttons_of

    request = RecordingRequest()
    bot = Bot("0:offline", request=request)
    await bot.initialize()
    progress = Reply("Verstuurd: 3 van 10", Reply.rows([Button("Pauzeren", "om:pause:1")]), edit_message=55)
    again = Reply.from_dict(progress.to_dict())
    assert again == progress and Reply.from_dict(Reply("x").to_dict()).edit_message is None
    await send_replies(bot, 8000, [again])
    [edit] = request.sent("editMessageText")
    assert edit["message_id"] == 55 and edit["chat_id"] == 8000 and edit["text"] == "Verstuurd: 3 van 10"
    assert buttons_of(edit) == [("Pauzeren", "om:pause:1")]
    assert request.sent("sendMessage") == []  # an edit, never a new message
