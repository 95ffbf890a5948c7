"""A harness for hostile input: the real Application offline, fed as python-telegram-bot feeds it.

Updates go through the application's update processor (per-resident ordering, and whatever guard
sits there) into ``Application.process_update``, as ``run_polling`` does, but in-process and
without a network, so a corpus of many cases stays fast.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import RequestData

from storage import Database
from tests.auxil.recording_request import RecordingRequest
from tests.auxil.updates import callback_update, message_update, user

# What a resident's message can make the bot send.
SENDING = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument", "sendMediaGroup", "copyMessage")

_ids = itertools.count(50_000)


class FaultyRequest(RecordingRequest):
    """The offline Bot API, which can be told to answer every send with an HTTP error."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_status: int | None = None  # e.g. 401: every call after this is refused

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None,
                         connect_timeout: Any = None, pool_timeout: Any = None) -> tuple[int, bytes]:
        if self.fail_status is None:
            return await super().do_request(url, method, request_data, read_timeout, write_timeout,
                                            connect_timeout, pool_timeout)
        self.calls.append((url.rsplit("/", 1)[-1], dict(request_data.parameters) if request_data else {}))
        body = {"ok": False, "error_code": self.fail_status, "description": "Unauthorized"}
        return self.fail_status, json.dumps(body).encode()


class Harness:
    """One running application, its offline Bot API and its database file."""

    def __init__(self, app: Application, api: FaultyRequest, db_path: str) -> None:
        self.app = app
        self.api = api
        self.db_path = db_path
        self.records_above_warning: list[logging.LogRecord] = []  # of the hostile input
        self.log_text = ""  # everything logged while handling it, tracebacks included

    @property
    def db(self) -> Database:
        return self.app.bot_data["database"]

    async def feed(self, update: Update) -> None:
        """As the application does for each update it takes from its queue."""
        await self.app.update_processor.process_update(update, self.app.process_update(update))

    async def say(self, text: str | None, user_id: int = 42, **extra: Any) -> None:
        await self.feed(message_update(self.app.bot, user_id, text, **extra))

    async def press(self, data: str, user_id: int = 42, **extra: Any) -> None:
        await self.feed(callback_update(self.app.bot, user_id, data, **extra))

    async def raw(self, **fields: Any) -> None:
        """An update of any type, as Telegram's JSON."""
        await self.feed(Update.de_json({"update_id": next(_ids), **fields}, self.app.bot))

    def sent(self) -> list[tuple[str, dict[str, Any]]]:
        return [(name, params) for name, params in self.api.calls if name in SENDING]

    def texts(self) -> str:
        return "\n".join(str(p.get("text") or p.get("caption") or "") for _, p in self.sent())


def message(user_id: int = 42, chat: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A message as Telegram sends it, without text unless given."""
    return {"message_id": next(_ids), "date": int(time.time()),
            "chat": chat or {"id": user_id, "type": "private"}, "from": user(user_id), **fields}


def db_files(db_path: str) -> list[Path]:
    return [Path(db_path + suffix) for suffix in ("", "-wal", "-shm")]
