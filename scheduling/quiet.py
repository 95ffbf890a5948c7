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
        return _next_at(moment, self.end) if self.contains(moment) else moment

    def next_start(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself if it falls in quiet hours, else the next start of quiet hours (in UTC)."""
        return moment if self.contains(moment) else _next_at(moment, self.start)


def _next_at(moment: dt.datetime, at: dt.time) -> dt.datetime:
    """The first local time ``at`` after ``moment`` (in UTC)."""
    local = moment.astimezone(LOCAL)
    candidate = dt.datetime.combine(local.date(), at, tzinfo=LOCAL)
    if candidate <= local:
        candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), at, tzinfo=LOCAL)
    return candidate.astimezone(dt.UTC)


def next_allowed(moment: dt.datetime, quiet: QuietHours | None) -> dt.datetime:
    return moment if quiet is None else quiet.next_allowed(moment)
