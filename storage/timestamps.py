"""Timestamps as the database stores them: UTC, ISO 8601 with microseconds and a Z, and the clock.

The same form as the SQL defaults (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), so stored
values compare correctly as text.

``utc_now()`` is the one clock of the assistant's own decisions (scheduled notices, digests,
dates of windows). Tests replace it with a :class:`ManualClock` (``use_clock``) so scheduled
behaviour is tested without waiting.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator

FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

_clock: Callable[[], dt.datetime] | None = None


def utc_now() -> dt.datetime:
    return _clock() if _clock is not None else dt.datetime.now(dt.UTC)


class ManualClock:
    """A clock that only moves when told to (for tests and the benchmarks)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start.astimezone(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now

    def set(self, moment: dt.datetime) -> dt.datetime:
        self.now = moment.astimezone(dt.UTC)
        return self.now


@contextlib.contextmanager
def use_clock(clock: Callable[[], dt.datetime]) -> Iterator[Callable[[], dt.datetime]]:
    """Let ``utc_now()`` read ``clock`` inside the block."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield clock
    finally:
        _clock = previous


def to_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(FORMAT)


def parse_time(value: str) -> dt.datetime:
    """A stored timestamp as an aware datetime."""
    return dt.datetime.strptime(value, FORMAT).replace(tzinfo=dt.UTC)
