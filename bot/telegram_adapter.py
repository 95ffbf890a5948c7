"""Telegram <-> flows: updates become Incoming inputs, Replies become messages.

Texts are sent without a parse mode, so nothing a resident or staff member typed
can be read as markup.

Every text that comes in is made valid Unicode here, at the boundary (bot/text_input.py): a client
can send a lone UTF-16 surrogate, which SQLite refuses to store.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MaybeInaccessibleMessage, Update
from telegram.error import BadRequest

from bot.text_input import valid_text
from flows.types import Button, Incoming, InputKind, Reply

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096  # Telegram's limit for one text message, in characters
MAX_CAPTION = 1024  # and for a photo caption

# What Telegram can send that the flows do not read, by the Message attribute that holds it.
UNSUPPORTED_MEDIA = ("sticker", "voice", "audio", "video", "video_note", "animation", "document",
                     "contact", "poll", "dice", "venue", "game", "story")


def incoming_from_update(update: Update) -> Incoming | None:
    """The channel-neutral input of an update, or None for updates the assistant ignores."""
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    language = valid_text(user.language_code) if user.language_code else None
    name = valid_text(user.full_name + (f" (@{user.username})" if user.username else ""))
    if update.callback_query is not None:
        pressed = update.callback_query.message
        return Incoming(user.id, InputKind.CHOICE, text=valid_text(update.callback_query.data or ""),
                        language_code=language, display_name=name,
                        message_id=pressed.message_id if pressed is not None else None)
    message = update.message
    if message is None:
        return None  # edited messages, channel posts, ...
    if message.text is not None:
        return Incoming.message(user.id, valid_text(message.text), language, display_name=name)
    if message.location is not None and message.venue is None:
        return Incoming(user.id, InputKind.LOCATION, language_code=language,
                        latitude=message.location.latitude, longitude=message.location.longitude)
    if message.photo:
        return Incoming(user.id, InputKind.PHOTO, text=valid_text(message.caption or ""), language_code=language,
                        photo_ids=(message.photo[-1].file_id,), display_name=name)
    media = next((name for name in UNSUPPORTED_MEDIA if getattr(message, name, None)), "other")
    return Incoming(user.id, InputKind.UNSUPPORTED, language_code=language, media=media)


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split a long text into messages, at paragraph, line or word breaks where possible."""
    chunks = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if cut <= 0:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    chunks.append(text)
    return chunks


def truncate(text: str, limit: int) -> str:
    """Cut a text to ``limit`` characters, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    return _keyboard(reply.buttons) if reply.buttons else None


@lru_cache(maxsize=2048)
def _keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    """Keyboards are immutable, and menus and pickers repeat: build each one once."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row] for row in rows]
    )


async def send_replies(bot: Bot, chat_id: int, replies: list[Reply], *,
                       pressed: MaybeInaccessibleMessage | None = None) -> int | None:
    """Send the replies; a reply marked ``edit`` replaces the message whose button was pressed, one with
    ``edit_message`` that earlier message. Return the Telegram id of the last new text message sent, if any."""
    last: int | None = None
    for reply in replies:
        if reply.edit_message is not None:
            await _edit(bot, chat_id, reply.edit_message, reply)
            continue
        if reply.document is not None:
            name, data = reply.document
            await bot.send_document(chat_id, data, filename=name)
        for position, photo in enumerate(reply.photos):
            caption = truncate(reply.text.split("\n", 1)[0], MAX_CAPTION)
            await bot.send_photo(chat_id, photo, caption=f"{caption} ({position + 1}/{len(reply.photos)})")
        chunks = split_text(reply.text)
        markup = keyboard(reply)
        if reply.edit and pressed is not None and len(chunks) == 1:
            try:
                await bot.edit_message_text(chunks[0], chat_id=chat_id, message_id=pressed.message_id,
                                            reply_markup=markup)
                continue
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    continue
                log.info("could not edit message %s, sending a new one: %s", pressed.message_id, exc)
        for i, chunk in enumerate(chunks):
            sent = await bot.send_message(chat_id, chunk, reply_markup=markup if i == len(chunks) - 1 else None)
            last = sent.message_id
    return last


async def _edit(bot: Bot, chat_id: int, message_id: int, reply: Reply) -> None:
    """Replace an earlier message (live progress); a message Telegram cannot edit any more is left as it is."""
    try:
        await bot.edit_message_text(truncate(reply.text, MAX_MESSAGE), chat_id=chat_id, message_id=message_id,
                                    reply_markup=keyboard(reply))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.info("could not edit message %s: %s", message_id, exc)
