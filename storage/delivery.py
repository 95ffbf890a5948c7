"""The background loop that delivers the outbox: shared by the Telegram and the e-mail dispatcher.

A dispatcher says what one round does (``deliver``); this loop runs rounds in one task, woken at
once by ``kick`` after something was queued and every ``interval`` seconds anyway (rows queued by
another process, retries that came due). One bad round never stops delivery for good. When the
database is unavailable (its file was deleted or replaced), the database has already said so once at
ERROR; a round then ends quietly, without a traceback every few seconds.

It lives here, beside the outbox it empties, because ``mail`` must not import telegram (and
``pacing`` does).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from storage.db import DatabaseUnavailable


class DeliveryLoop:
    """Subclasses implement :meth:`deliver`; ``name`` names the task, ``label`` the failed round in the log
    (which goes to the subclass's module logger)."""

    name = "delivery"
    label = "delivery"

    def __init__(self, *, interval: float) -> None:
        self._interval = interval
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()  # one round at a time, also when deliver() is called directly
        self._task: asyncio.Task[None] | None = None

    async def deliver(self) -> int:
        """One round: send what is due; return how many were sent."""
        raise NotImplementedError

    def kick(self) -> None:
        """Deliver soon: something was just queued."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"wijkwijzer-{self.name}")

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
                logging.getLogger(type(self).__module__).exception("%s delivery round failed", self.label)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
            self._wake.clear()
