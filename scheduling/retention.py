"""Retention: personal data in closed submissions is removed WIJKWIJZER_RETENTION_DAYS after closing.

Once a day (and at start, for what passed its time while the assistant was down) every submission
closed longer ago than the period loses the link to the resident, their name, photos and exact
location, in one transaction with an audit entry (storage/privacy.py); the counts are logged.
"""

from __future__ import annotations

import datetime as dt
import logging

from storage.db import Database
from storage.privacy import PrivacyRepository
from storage.timestamps import to_text

log = logging.getLogger(__name__)

INTERVAL = dt.timedelta(days=1)


class Retention:
    name = "retention"

    def __init__(self, db: Database, days: int) -> None:
        self._privacy = PrivacyRepository(db)
        self._days = days
        self._next: dt.datetime | None = None  # None: at start

    async def next_due(self, now: dt.datetime) -> dt.datetime | None:
        return self._next or now

    async def run_due(self, now: dt.datetime) -> int:
        if self._next is not None and now < self._next:
            return 0
        cutoff = now - dt.timedelta(days=self._days)
        done = await self._privacy.apply_retention(cutoff, self._days)
        self._next = now + INTERVAL
        log.info("retention: personal data removed from %d closed submissions (closed before %s, %d days)",
                 len(done), to_text(cutoff)[:10], self._days)
        return len(done)
