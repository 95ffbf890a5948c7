"""Build Telegram updates as a resident's client would send them."""

from __future__ import annotations

import itertools
import time
from typing import Any

from telegram import Bot, Update

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def user(user_id: int, language_code: str | None = "nl") -> dict[str, Any]:
    data = {"id": user_id, "is_bot": False, "first_name": f"Bewoner{user_id}"}
    if language_code:
        data["language_code"] = language_code
    return data


def message_update(bot: Bot, user_id: int, text: str | None = None, *, language_code: str | None = "nl",
                   chat_type: str = "private", **extra: Any) -> Update:
    chat = {"id": user_id if chat_type == "private" else -100123, "type": chat_type}
    if chat_type != "private":
        chat["title"] = "Buurtgroep"
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": user(user_id, language_code),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    message.update(extra)
    return Update.de_json({"update_id": next(_update_ids), "message": message}, bot)


def callback_update(bot: Bot, user_id: int, data: str, *, message_id: int = 1000,
                    language_code: str | None = "nl", chat_type: str = "private") -> Update:
    chat = {"id": user_id if chat_type == "private" else -100123, "type": chat_type}
    return Update.de_json({
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user(user_id, language_code),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat,
                "from": {"id": 777000, "is_bot": True, "first_name": "Wijkwijzer"},
                "text": "…",
            },
        },
    }, bot)
