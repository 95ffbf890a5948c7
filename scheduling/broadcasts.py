"""The duty engine of broadcasts: start planned ones when due, and report progress to staff.

- A planned broadcast (status 'scheduled') starts at its ``send_at``, moved to the end of the quiet
  hours unless staff chose to send anyway. Starting writes all its outbox rows in one transaction that
  also sets it to 'sending' (only if it is still 'scheduled'): also after downtime it starts exactly
  once, and never twice when two processes run it.
- A broadcast still sending when the quiet hours begin waits for their end (unless staff chose to send
  anyway): its unsent messages are held in the outbox until then (stored, so a restart keeps them
  held); the outbox sender itself takes none of them in the quiet hours, and withdraws those it had
  already taken before their first request goes out (bot/outbox.py). The progress message says when
  sending goes on.
- While a broadcast is sending or paused, every few seconds its progress (sent, still to send,
  blocked, failed, time left) is queued for the staff member who started it, as an edit of their
  progress message (started on the command line with --as: the first report is a new message, which
  then becomes it); when nothing is left it is marked done and the final report is queued (the edited
  message, and a new message so that they are notified). A cancelled broadcast is no longer reported
  here: whoever cancels it shows that on the progress message (flows/broadcast_view.show_cancelled).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from scheduling.quiet import QuietHours, next_allowed
from storage.broadcasts import Broadcast, BroadcastRepository, Progress
from storage.db import Database

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 5.0

# payloads(broadcast) -> language -> the outbox payload residents get
RenderMessage = Callable[[Broadcast], dict[str, dict[str, Any]]]
# progress(broadcast, progress, language, now) -> the payload of the progress message (Reply.to_dict())
RenderProgress = Callable[[Broadcast, Progress, str, dt.datetime], dict[str, Any]]


class BroadcastDuties:
    name = "broadcasts"

    def __init__(self, db: Database, areas: Mapping[str, Sequence[str]], render_message: RenderMessage,
                 render_progress: RenderProgress, *, quiet: QuietHours | None,
                 notify: Callable[[], None] = lambda: None, every: float = PROGRESS_SECONDS) -> None:
        self.broadcasts = BroadcastRepository(db, areas)
        self._render_message = render_message
        self._render_progress = render_progress
        self._quiet = quiet
        self._notify = notify
        self._every = dt.timedelta(seconds=every)
        self._next_report: dt.datetime | None = None
        self._reported: dict[int, tuple[str, Progress]] = {}

    def _start_at(self, broadcast: Broadcast) -> dt.datetime:
        assert broadcast.send_at is not None
        return broadcast.send_at if broadcast.quiet_override else next_allowed(broadcast.send_at, self._quiet)

    async def next_due(self, now: dt.datetime) -> dt.datetime | None:
        moments = [self._start_at(b) for b in await self.broadcasts.scheduled()]
        active = await self.broadcasts.active()
        if active:
            moments.append(self._next_report or now)
        if self._quiet is not None and not self._quiet.contains(now) and any(self._holds(b) for b in active):
            moments.append(self._quiet.next_start(now))  # hold them when the quiet hours begin, not seconds later
        return min(moments, default=None)

    def _holds(self, broadcast: Broadcast) -> bool:
        """Whether the quiet hours hold this broadcast's messages."""
        return self._quiet is not None and broadcast.status == "sending" and not broadcast.quiet_override

    def _resumes_at(self, broadcast: Broadcast, now: dt.datetime) -> dt.datetime | None:
        if not self._holds(broadcast) or self._quiet is None or not self._quiet.contains(now):
            return None
        return self._quiet.next_allowed(now)

    async def run_due(self, now: dt.datetime) -> int:
        """Start what is due and report progress; return how many messages were queued."""
        queued = 0
        for broadcast in await self.broadcasts.scheduled():
            if self._start_at(broadcast) > now:
                continue
            count = await self.broadcasts.start(broadcast, self._render_message(broadcast), now)
            if count is not None:
                log.info("broadcast %s started: %d recipients", broadcast.id, count)
                queued += count
        quiet_now = self._quiet is not None and self._quiet.contains(now)
        for broadcast in await self.broadcasts.active() if quiet_now else ():  # no extra reads by day
            until = self._resumes_at(broadcast, now)
            if until is not None and (held := await self.broadcasts.hold_until(broadcast.id, until)):
                log.info("broadcast %s: %d messages wait for the end of the quiet hours", broadcast.id, held)
                self._next_report = None  # say so now
        if self._next_report is None or now >= self._next_report:
            queued += await self.report(now)
            self._next_report = now + self._every
        if queued:
            self._notify()
        return queued

    async def report(self, now: dt.datetime) -> int:
        """Queue the progress of every active broadcast that changed; finish those with nothing left."""
        queued = 0
        active = await self.broadcasts.active()
        self._reported = {b.id: self._reported[b.id] for b in active if b.id in self._reported}  # forget ended
        for broadcast in active:
            progress = await self.broadcasts.progress(broadcast.id)
            if progress.pending and (until := self._resumes_at(broadcast, now)) is not None:
                progress = replace(progress, resumes_at=until)
            if broadcast.status == "sending" and progress.pending == 0:
                if await self.broadcasts.finish_if_complete(broadcast.id):
                    log.info("broadcast %s done: %s", broadcast.id, progress)
                    done = await self.broadcasts.get(broadcast.id)
                    queued += await self._queue(done or broadcast, progress, now, final=True)
                continue
            if self._reported.get(broadcast.id) != (broadcast.status, progress):
                queued += await self._queue(broadcast, progress, now, final=False)
        return queued

    async def _queue(self, broadcast: Broadcast, progress: Progress, now: dt.datetime, *, final: bool) -> int:
        if broadcast.progress_chat is None:
            return 0  # nobody to tell (from the CLI without --as)
        language = await self.broadcasts.starter_language(broadcast)
        payload = self._render_progress(broadcast, progress, language, now)
        # not queued when its status changed meanwhile (paused, cancelled): the next report shows that
        if not final:  # an edit of their progress message, or the first one (--as)
            if not await self.broadcasts.queue_live_progress(broadcast, payload):
                return 0
            self._reported[broadcast.id] = (broadcast.status, progress)
            return 1
        payloads = [payload] if broadcast.progress_message is not None else []
        # an edit does not notify: the final report also comes as a new message
        payloads.append({**{k: v for k, v in payload.items() if k != "edit_message"}, "buttons": []})
        return len(payloads) if await self.broadcasts.queue_progress(broadcast, *payloads) else 0
