"""An offline Bot API for tests and benchmarks: records every call, answers like Telegram."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 777000, "is_bot": True, "first_name": "Wijkwijzer", "username": "WijkwijzerTestBot"}


class RecordingRequest(BaseRequest):
    """Answers Bot API methods without a network and keeps (method, parameters) of each call."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency  # seconds per call: the round trip to Telegram, for benchmarks
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._message_ids = itertools.count(1000)

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None,
                         connect_timeout: Any = None, pool_timeout: Any = None) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append((api_method, params))
        if self.latency:
            await asyncio.sleep(self.latency)
        return 200, json.dumps({"ok": True, "result": self._result(api_method, params)}).encode()

    def _result(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "getMe":
            return BOT_USER
        if api_method in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument"):
            message = {
                "message_id": params.get("message_id") or next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        if api_method == "getUpdates":
            return []
        return True

    # -- helpers for assertions

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    def texts(self) -> list[str]:
        return [params["text"] for name, params in self.calls if name in ("sendMessage", "editMessageText")]

    def clear(self) -> None:
        self.calls.clear()


def buttons_of(params: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback data) of the inline keyboard in a sendMessage/editMessageText call."""
    markup = params.get("reply_markup") or {}
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]
