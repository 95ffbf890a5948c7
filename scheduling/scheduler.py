"""APScheduler jobs derived from the database, for every duty engine.

At start, everything that fell due while the assistant was down is carried out (each engine
decides what is still meaningful). Then each engine gets one date job at its ``next_due``
moment; after a run, and every few seconds (so windows added by the CLI in another process are
seen), the jobs are derived again from the database. Jobs run however late they are
(``misfire_grace_time=None``) and a job missed several times runs once (``coalesce``): lateness
is harmless because each run carries out everything due at that moment, exactly once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from storage.db import DatabaseUnavailable
from storage.timestamps import utc_now

log = logging.getLogger(__name__)

WATCH_SECONDS = 2.0
# After a failed run an engine waits this long: its next_due still lies in the past, and without a
# pause the job would run again at once, over and over (e.g. while the database file is gone).
RETRY_AFTER = dt.timedelta(minutes=1)


class DutyEngine(Protocol):
    name: str

    async def next_due(self, now: dt.datetime) -> dt.datetime | None: ...

    async def run_due(self, now: dt.datetime) -> int: ...


class Scheduler:
    def __init__(self, engines: Sequence[DutyEngine], *, clock: Callable[[], dt.datetime] = utc_now,
                 watch_seconds: float = WATCH_SECONDS) -> None:
        self.engines = list(engines)
        self._clock = clock
        self._watch_seconds = watch_seconds
        self._locks = {engine.name: asyncio.Lock() for engine in self.engines}
        self._retry_at: dict[str, dt.datetime] = {}  # engine name -> not before, after a failure
        self._aps = AsyncIOScheduler(timezone=dt.UTC)

    async def start(self) -> None:
        """Catch up on what fell due while the assistant was down, then keep the jobs up to date."""
        await self.run_pending()
        self._aps.start()
        await self.reschedule()
        self._aps.add_job(self.reschedule, "interval", seconds=self._watch_seconds, id="watch",
                          coalesce=True, max_instances=1, misfire_grace_time=None)

    async def stop(self) -> None:
        if self._aps.running:
            self._aps.shutdown(wait=False)

    async def run_pending(self) -> int:
        """Run every engine for what is due now (also used by the terminal shell after each turn)."""
        total = 0
        for engine in self.engines:
            total += await self._run(engine)
        return total

    async def reschedule(self) -> None:
        """Derive each engine's job from the database again."""
        now = self._clock()
        for engine in self.engines:
            try:
                moment = await engine.next_due(now)
            except Exception:
                log.exception("could not plan %s", engine.name)
                continue
            self.plan(engine, moment)

    def plan(self, engine: DutyEngine, moment: dt.datetime | None) -> None:
        job_id = f"duty:{engine.name}"
        retry_at = self._retry_at.get(engine.name)
        if moment is not None and retry_at is not None and moment < retry_at:
            moment = retry_at
        if moment is None:
            if self._aps.get_job(job_id) is not None:
                self._aps.remove_job(job_id)
            return
        self._aps.add_job(self._job, "date", run_date=moment, args=[engine], id=job_id, replace_existing=True,
                          misfire_grace_time=None, coalesce=True, max_instances=1)

    def planned(self) -> dict[str, dt.datetime]:
        """Engine name -> the moment its next job runs (for tests and the operator)."""
        return {job.id.removeprefix("duty:"): job.next_run_time for job in self._aps.get_jobs()
                if job.id.startswith("duty:") and job.next_run_time is not None}

    def changed(self) -> None:
        """Something that may change a schedule was saved in this process: plan again soon."""
        if self._aps.running:
            asyncio.get_running_loop().create_task(self.reschedule())

    async def _job(self, engine: DutyEngine) -> None:
        await self._run(engine)
        self.plan(engine, await engine.next_due(self._clock()))

    async def _run(self, engine: DutyEngine) -> int:
        async with self._locks[engine.name]:
            now = self._clock()
            try:
                done = await engine.run_due(now)
            except DatabaseUnavailable:  # logged once by the database; nothing can be recorded until a restart
                self._retry_at[engine.name] = now + RETRY_AFTER
                return 0
            except Exception:  # one engine's failure must not stop the others or the bot
                log.exception("scheduled duty %s failed; it is tried again in %s", engine.name, RETRY_AFTER)
                self._retry_at[engine.name] = now + RETRY_AFTER
                return 0
            self._retry_at.pop(engine.name, None)
            return done
