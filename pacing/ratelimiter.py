"""The pacer plugged into python-telegram-bot, in place of its AIORateLimiter.

python-telegram-bot passes every Bot API call except getUpdates through the Application's
``BaseRateLimiter``, so replies sent by handlers and messages sent by the outbox sender share
one pacer. Message sends and edits wait for their turn; everything else (answering a button
press, setting the command menu) goes at once. On a 429 the pacer holds that chat (or, when
the overall budget was exceeded, the bot) and the same call is tried again, up to
``max_retries`` times; then the RetryAfter goes to the caller (the outbox keeps the message
pending and tries it later).

A message the outbox sender may still withdraw (``CURRENT_HANDOVER``: a broadcast's) is asked,
when its turn comes and once more right before the request goes out, whether it is still wanted;
if not, :class:`~pacing.handover.Withdrawn` goes to the caller and nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from pacing.handover import CURRENT_HANDOVER
from pacing.pacer import Lane, Pacer

log = logging.getLogger(__name__)

MAX_RETRIES = 3
PACED_PREFIXES = ("send", "edit", "copy", "forward")  # what Telegram counts as messages


def is_paced(endpoint: str) -> bool:
    return endpoint.startswith(PACED_PREFIXES) and endpoint != "sendChatAction"


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # int or timedelta, depending on PTB_TIMEDELTA
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class PacingRateLimiter(BaseRateLimiter[Lane]):
    """``rate_limit_args`` may name a :class:`Lane`; otherwise the task's current lane is used."""

    __slots__ = ("max_retries", "pacer")

    def __init__(self, pacer: Pacer, *, max_retries: int = MAX_RETRIES) -> None:
        self.pacer = pacer
        self.max_retries = max_retries

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        await self.pacer.close()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if not is_paced(endpoint):
            return await callback(*args, **kwargs)
        chat = data.get("chat_id")
        chat_id = chat if isinstance(chat, int) else None  # an @channelname: paced overall only
        handover = CURRENT_HANDOVER.get()
        attempt = 0
        while True:
            await self.pacer.turn(chat_id, rate_limit_args, wanted=handover.wanted if handover else None)
            # the last moment it can be withdrawn: nothing is awaited between this and the request
            first = handover is not None and handover.hand_over()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if first and handover is not None:
                    handover.refused()  # Telegram took nothing: it may still be withdrawn
                self.pacer.rate_limited(chat_id, retry_seconds(exc))
                attempt += 1
                if attempt > self.max_retries:
                    raise
