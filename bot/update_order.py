"""Many residents at once, each resident's messages in the order they were sent.

By default python-telegram-bot handles one update at a time: while it waits for Telegram to
accept one reply (tens to hundreds of milliseconds over the internet), every other resident
waits too. With plain concurrent updates, two quick messages of the same resident could be
handled out of order, or both against the same conversation step.

This processor runs updates of different residents concurrently and those of one resident one
after the other. python-telegram-bot hands updates to it in the order Telegram sent them,
through a first-in-first-out semaphore, and an ``asyncio.Lock`` wakes its waiters in the order
they came, so each resident's updates keep their order.

An update waits for its resident's turn *before* it takes one of the concurrency slots: one
resident who sends 300 messages in two seconds holds one slot, not all of them. And before
even that, the flood guard (``pacing.flood``) drops what a resident sends beyond their budget,
telling them once; staff are exempt.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from pacing.flood import FloodGuard, Verdict

log = logging.getLogger(__name__)

EXEMPT_CACHE_SECONDS = 60.0

# python-telegram-bot's own default for concurrent updates. An update waiting for the same
# resident's previous one holds a place too, so leave room.
MAX_CONCURRENT_UPDATES = 256


def resident_key(update: object) -> int | None:
    """Whose update this is: the user (or else the chat) it comes from; None for anything else."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


def counts_as_message(update: object) -> bool:
    """What the flood guard counts: messages and button presses, not membership changes."""
    return isinstance(update, Update) and (update.message is not None or update.callback_query is not None)


class PerResidentOrder(BaseUpdateProcessor):
    """Concurrent across residents, in order per resident, with flood control per resident.

    ``is_exempt(user_id)`` (staff) is asked only when someone goes over the budget;
    ``on_flood(update)`` is called once per flood, to tell the resident."""

    __slots__ = ("_exempt", "_locks", "_users", "flood", "is_exempt", "on_flood")

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES, *,
                 flood: FloodGuard | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # updates holding or waiting for each lock
        self.flood = flood
        self.is_exempt: Callable[[int], Awaitable[bool]] | None = None
        self.on_flood: Callable[[Update], None] | None = None
        self._exempt: dict[int, tuple[bool, float]] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Drop a flood early; otherwise wait for the resident's turn, then for a slot."""
        key = resident_key(update)
        if key is not None and self.flood is not None and counts_as_message(update):
            assert isinstance(update, Update)
            verdict = self.flood.check(key, button=update.callback_query is not None)
            if verdict is not Verdict.ADMIT and not await self._exempted(key):
                if hasattr(coroutine, "close"):
                    coroutine.close()  # never started: nothing to clean up
                if verdict is Verdict.WARN:
                    log.info("flood control: dropping a resident's messages for a minute")
                    if self.on_flood is not None:
                        self.on_flood(update)
                return
        if key is None:
            async with self._semaphore:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock, self._semaphore:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # nobody else is waiting: forget the lock
                del self._users[key]
                del self._locks[key]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine  # process_update above does the ordering

    async def _exempted(self, user_id: int) -> bool:
        if self.is_exempt is None:
            return False
        cached = self._exempt.get(user_id)
        now = time.monotonic()
        if cached is None or now - cached[1] > EXEMPT_CACHE_SECONDS:
            cached = (await self.is_exempt(user_id), now)
            self._exempt[user_id] = cached
        if cached[0] and self.flood is not None:
            self.flood.pardon(user_id)
        return cached[0]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def residents_in_progress(self) -> int:
        return len(self._locks)
