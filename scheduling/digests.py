"""Digests for gebiedsverbinders, on each one's own schedule.

Each gebiedsverbinder's schedule (working days, daily, weekly on one day, or off; at 08:00
Europe/Amsterdam unless set otherwise) gives the moments a digest falls due. A digest is due when a
scheduled moment lies after their previous digest (and after they were linked or changed the
setting). When the assistant was down over one or more such moments, one digest is sent after start
for the latest of them; it covers the whole gap, because its "new" section starts at the previous
digest's high-water mark, not at a moment in time. Quiet hours hold a digest until they end.

A digest is recorded in one transaction with its outbox rows, and only if the recipient's previous
digest is still the one it was composed after (see storage/digests.py); a scheduled moment can be
recorded only once per recipient (a unique index). So neither a crash nor two processes can send a
digest twice or drop a submission from the "new" sections.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from scheduling.quiet import QuietHours, next_allowed
from storage.db import Database
from storage.digests import DigestRepository, Outcome, Recipient, Render, last_moment, next_moment
from storage.timestamps import parse_time

log = logging.getLogger(__name__)

class Digests:
    """The duty engine for digests (see the module docstring)."""

    name = "digests"

    def __init__(self, db: Database, render: Render, *, quiet: QuietHours | None = None,
                 notify: Callable[[], None] = lambda: None) -> None:
        self.repository = DigestRepository(db)
        self._render = render
        self._quiet = quiet
        self._notify = notify

    async def _baseline(self, recipient: Recipient) -> dt.datetime:
        """After this moment the recipient's next scheduled digest falls: their previous digest, their link,
        or their last change of the setting, whichever is latest."""
        moments = [parse_time(recipient.added_at)]
        if recipient.settings.updated_at:
            moments.append(parse_time(recipient.settings.updated_at))
        last = await self.repository.last(recipient.user_id, recipient.stadsdeel)
        if last is not None:
            moments.append(parse_time(last["due_at"]))
        return max(moments)

    async def _due(self, recipient: Recipient) -> dt.datetime | None:
        """The scheduled moment of the recipient's next digest (perhaps already past)."""
        return next_moment(recipient.settings, await self._baseline(recipient))

    async def next_due(self, now: dt.datetime) -> dt.datetime | None:
        moments = []
        for recipient in await self.repository.recipients():
            due = await self._due(recipient)
            if due is not None:
                moments.append(next_allowed(max(due, now), self._quiet))
        return min(moments, default=None)

    async def run_due(self, now: dt.datetime) -> int:
        """Compose every digest that is due; after downtime, one per recipient for the latest missed moment."""
        sent = 0
        for recipient in await self.repository.recipients():
            due = await self._due(recipient)
            if due is None or next_allowed(max(due, now), self._quiet) > now:  # a late one waits out the night
                continue
            latest = last_moment(recipient.settings, now) or due
            outcome = await self.repository.compose(recipient, due=max(due, latest), trigger="schedule", now=now,
                                                    render=self._render)
            sent += self._report(outcome)
        return sent

    async def send_now(self, now: dt.datetime, stadsdeel: str | None = None) -> list[Outcome]:
        """Every recipient's digest at once, whatever the schedule (``digest --now``); 'off' is respected."""
        outcomes = []
        for recipient in await self.repository.recipients(stadsdeel):
            if recipient.settings.schedule == "off":
                continue
            outcome = await self.repository.compose(recipient, due=now, trigger="now", now=now, render=self._render)
            self._report(outcome)
            outcomes.append(outcome)
        return outcomes

    def _report(self, outcome: Outcome) -> int:
        if outcome.digest_id is None:
            return 0
        log.info("digest for %s (%s): %s, %d new, %s", outcome.user_id, outcome.stadsdeel,
                 "queued" if outcome.sent else "nothing new, not sent", outcome.new_total,
                 "+".join(outcome.channels) or "-")
        if outcome.sent:
            self._notify()
        return int(outcome.sent)
