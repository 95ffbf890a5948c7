"""Many residents at once, each resident's messages in the order they were sent.

By default python-telegram-bot handles one update at a time: while it waits for Telegram to
accept one reply (tens to hundreds of milliseconds over the internet), every other resident
waits too. With plain concurrent updates, two quick messages of the same resident could be
handled out of order, or both against the same conversation step.

This processor runs updates of different residents concurrently and those of one resident one
after the other. python-telegram-bot hands updates to it in the order Telegram sent them,
through a first-in-first-out semaphore, and an ``asyncio.Lock`` wakes its waiters in the order
they came, so each resident's updates keep their order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

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


class PerResidentOrder(BaseUpdateProcessor):
    """Concurrent across residents, in order per resident."""

    __slots__ = ("_locks", "_users")

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # updates holding or waiting for each lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = resident_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # nobody else is waiting: forget the lock
                del self._users[key]
                del self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def residents_in_progress(self) -> int:
        return len(self._locks)
