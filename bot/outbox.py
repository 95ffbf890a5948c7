"""Delivers the messages queued in the outbox to Telegram, also those left by a crash.

Flows queue notifications in the same database transaction as what caused them; this
dispatcher sends them soon after (woken at once by ``kick``, and every few seconds anyway).
A message is marked sent only after Telegram accepted it; a temporary failure is retried
with back-off, a permanent one (the person blocked the bot) is marked failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.telegram_adapter import send_replies
from flows.types import Reply
from storage import OutboxRepository
from storage.db import DatabaseUnavailable

log = logging.getLogger(__name__)


class OutboxDispatcher:
    def __init__(self, bot: Bot, outbox: OutboxRepository, *, interval: float = 5.0) -> None:
        self._bot = bot
        self._outbox = outbox
        self._interval = interval
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Deliver soon: something was just queued."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="wijkwijzer-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                await self.deliver()
            except DatabaseUnavailable:
                pass  # logged once by the database; nothing is sent that could not be marked sent
            except Exception:  # never let one bad round stop delivery for good
                log.exception("outbox delivery round failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
            self._wake.clear()

    async def deliver(self) -> int:
        """Send what is due; return how many were sent. One round at a time."""
        sent = 0
        async with self._lock:
            self._outbox.check_writable()  # never send what could not be marked sent afterwards
            for message in await self._outbox.pending():
                try:
                    await send_replies(self._bot, message.chat_id, [Reply.from_dict(message.payload)])
                except RetryAfter as exc:
                    await self._outbox.mark_retry(message, f"flood control: {exc.retry_after}s")
                    break
                except (Forbidden, BadRequest) as exc:
                    log.warning("outbox message %s to %s cannot be delivered: %s", message.id, message.chat_id, exc)
                    await self._outbox.mark_failed(message.id, str(exc))
                except TelegramError as exc:  # network trouble and the like: try again later
                    log.info("outbox message %s will be retried: %s", message.id, exc)
                    await self._outbox.mark_retry(message, str(exc))
                else:
                    await self._outbox.mark_sent(message.id)
                    sent += 1
        return sent
