"""A fake Bot API that enforces Telegram's limits, for tests and benchmarks.

Like :class:`RecordingRequest` it answers offline, but it counts messages (sends, edits,
copies, forwards) as Telegram does and refuses what goes faster than:
- ``overall_rate`` messages in any second for the whole bot, and
- one message per ``1 / per_chat_rate`` seconds in one chat,
with 429 and ``retry_after`` (whole seconds, as Telegram gives them). It answers 403 for the
chat ids in ``blocked``, and ``refuse_first`` makes a chat's first N messages get a 429 anyway.

It also checks the client: a request to a chat during that chat's ``retry_after`` pause, or any
request during a pause after the overall limit was exceeded, is recorded in ``violations``.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter, deque
from typing import Any

from telegram.request import RequestData

from tests.auxil.recording_request import RecordingRequest

MESSAGE_PREFIXES = ("send", "edit", "copy", "forward")


def is_message(method: str) -> bool:
    return method.startswith(MESSAGE_PREFIXES) and method != "sendChatAction"


class LimitedBotApi(RecordingRequest):
    def __init__(self, *, overall_rate: int = 30, per_chat_rate: float = 1.0, latency: float = 0.0,
                 blocked: set[int] | frozenset[int] = frozenset(), refuse_first: dict[int, int] | None = None,
                 refusal_retry_after: int = 2) -> None:
        super().__init__(latency)
        self.overall_rate = overall_rate
        self.chat_interval = 1.0 / per_chat_rate
        self.blocked = set(blocked)
        self.refuse_first = dict(refuse_first or {})
        self.refusal_retry_after = refusal_retry_after
        self._window: deque[float] = deque()  # accepted messages in the last second
        self._last_in_chat: dict[int, float] = {}
        self._chat_pause: dict[int, float] = {}
        self._overall_pause = 0.0
        self.delivered: list[tuple[int, str, float]] = []  # (chat, text, when) of accepted messages
        self.rate_limited = 0  # 429s answered
        self.forbidden = 0
        self.requests = 0  # message requests
        self.violations: list[str] = []

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None,
                         connect_timeout: Any = None, pool_timeout: Any = None) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        if not is_message(api_method):
            return await super().do_request(url, method, request_data, read_timeout, write_timeout,
                                            connect_timeout, pool_timeout)
        params = dict(request_data.parameters) if request_data else {}
        chat_id = int(params["chat_id"])
        refusal = self._judge(chat_id, time.monotonic())
        if refusal is not None:
            return refusal
        self.delivered.append((chat_id, str(params.get("text") or params.get("caption") or ""), time.monotonic()))
        return await super().do_request(url, method, request_data, read_timeout, write_timeout,
                                        connect_timeout, pool_timeout)

    def _judge(self, chat_id: int, now: float) -> tuple[int, bytes] | None:
        self.requests += 1
        if now < self._overall_pause:
            self.violations.append(f"to {chat_id} {self._overall_pause - now:.2f} s before the bot's pause ended")
        elif now < self._chat_pause.get(chat_id, 0.0):
            self.violations.append(f"to {chat_id} {self._chat_pause[chat_id] - now:.2f} s before its pause ended")
        if chat_id in self.blocked:
            self.forbidden += 1
            return _error(403, "Forbidden: bot was blocked by the user")
        if self.refuse_first.get(chat_id, 0) > 0:
            self.refuse_first[chat_id] -= 1
            return self._too_many(chat_id, now, self.refusal_retry_after, overall=False)
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.overall_rate:
            return self._too_many(chat_id, now, math.ceil(self._window[0] + 1.0 - now), overall=True)
        last = self._last_in_chat.get(chat_id)
        if last is not None and now - last < self.chat_interval:
            return self._too_many(chat_id, now, math.ceil(last + self.chat_interval - now), overall=False)
        self._window.append(now)
        self._last_in_chat[chat_id] = now
        return None

    def _too_many(self, chat_id: int, now: float, retry_after: int, *, overall: bool) -> tuple[int, bytes]:
        retry_after = max(retry_after, 1)
        self.rate_limited += 1
        if overall:
            self._overall_pause = max(self._overall_pause, now + retry_after)
        self._chat_pause[chat_id] = max(self._chat_pause.get(chat_id, 0.0), now + retry_after)
        return 429, json.dumps({"ok": False, "error_code": 429,
                                "description": f"Too Many Requests: retry after {retry_after}",
                                "parameters": {"retry_after": retry_after}}).encode()

    # -- for assertions and figures

    def per_chat(self) -> Counter[int]:
        return Counter(chat for chat, _, _ in self.delivered)


def _error(code: int, description: str) -> tuple[int, bytes]:
    return code, json.dumps({"ok": False, "error_code": code, "description": description}).encode()
