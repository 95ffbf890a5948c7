"""Quiet hours: nothing unasked-for is sent at night (default 21:00-08:00, Europe/Amsterdam)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Amsterdam")
_RANGE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class QuietHours:
    start: dt.time  # local time from which nothing is sent
    end: dt.time  # local time from which sending resumes

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """``21:00-08:00``; ``off`` (or empty) gives None. Raises ValueError on anything else."""
        text = text.strip().lower()
        if text in ("off", ""):
            return None
        match = _RANGE.match(text.replace(" ", ""))
        if not match:
            raise ValueError(f"expected HH:MM-HH:MM or off, not {text!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if (h1, m1) == (h2, m2):
            raise ValueError("start and end are the same")
        return cls(dt.time(h1, m1), dt.time(h2, m2))

    def contains(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(LOCAL).time()
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # over midnight

    def next_allowed(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself, or the end of the quiet hours it falls in (in UTC)."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(LOCAL)
        end = dt.datetime.combine(local.date(), self.end, tzinfo=LOCAL)
        if end <= local:
            end = dt.datetime.combine(local.date() + dt.timedelta(days=1), self.end, tzinfo=LOCAL)
        return end.astimezone(dt.UTC)

    def next_start(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself if it falls in quiet hours, else the next start of quiet hours (in UTC)."""
        if self.contains(moment):
            return moment
        local = moment.astimezone(LOCAL)
        start = dt.datetime.combine(local.date(), self.start, tzinfo=LOCAL)
        if start <= local:
            start = dt.datetime.combine(local.date() + dt.timedelta(days=1), self.start, tzinfo=LOCAL)
        return start.astimezone(dt.UTC)


def next_allowed(moment: dt.datetime, quiet: QuietHours | None) -> dt.datetime:
    return moment if quiet is None else quiet.next_allowed(moment)
