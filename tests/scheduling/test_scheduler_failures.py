"""A failing duty is tried again after a pause, not at once over and over (e.g. while the database is gone)."""

from __future__ import annotations

import datetime as dt

from scheduling import Scheduler
from scheduling.scheduler import RETRY_AFTER
from storage.db import DatabaseUnavailable
from storage.timestamps import ManualClock

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


class Overdue:
    name = "overdue"

    def __init__(self, error: BaseException | None) -> None:
        self.error = error
        self.runs = 0

    async def next_due(self, now: dt.datetime) -> dt.datetime | None:
        return NOW - dt.timedelta(hours=1)  # something has been due for an hour

    async def run_due(self, now: dt.datetime) -> int:
        self.runs += 1
        if self.error is not None:
            raise self.error
        return 1


async def test_a_failed_duty_waits_before_the_next_try() -> None:
    for error in (DatabaseUnavailable("gone"), RuntimeError("boom")):
        clock = ManualClock(NOW)
        engine = Overdue(error)
        scheduler = Scheduler([engine], clock=clock)
        await scheduler.start()
        try:
            assert engine.runs == 1
            assert scheduler.planned()["overdue"] == NOW + RETRY_AFTER
            await scheduler.reschedule()  # the watch job keeps the pause
            assert scheduler.planned()["overdue"] == NOW + RETRY_AFTER
            engine.error = None
            clock.advance(minutes=2)
            await scheduler.run_pending()
            await scheduler.reschedule()  # after a success it is planned as the engine says again
            assert scheduler.planned()["overdue"] == NOW - dt.timedelta(hours=1)
        finally:
            await scheduler.stop()
