"""Flood control: how many messages one resident may send before the bot stops reading.

A resident who sends more than ``per_minute`` messages within a minute is told once, kindly,
to slow down; what they send beyond that within the minute is dropped before it is processed
(it takes no concurrency slot and no database work). Button presses count separately, with
three times the budget: tapping through menus is quicker than typing. Staff are exempt.
The decision is pure bookkeeping, so the update processor can make it before anything else.
"""

from __future__ import annotations

import enum
from collections import deque

from pacing.clock import Clock, MonotonicClock

MESSAGES_PER_MINUTE = 20
BUTTON_FACTOR = 3
WINDOW = 60.0


class Verdict(enum.Enum):
    ADMIT = "admit"
    WARN = "warn"  # drop, and tell the resident once
    DROP = "drop"


class FloodGuard:
    def __init__(self, per_minute: int = MESSAGES_PER_MINUTE, *, clock: Clock | None = None) -> None:
        self.per_minute = per_minute
        self.clock = clock or MonotonicClock()
        self._seen: dict[tuple[int, bool], deque[float]] = {}
        self._warned: dict[int, float] = {}  # resident -> when told, within the current flood
        self._swept = self.clock.now()
        self.dropped = 0

    def check(self, user_id: int, *, button: bool = False) -> Verdict:
        """Count one incoming message (or button press) and say whether to handle it."""
        now = self.clock.now()
        if now - self._swept > WINDOW:
            self.forget_quiet()
        limit = self.per_minute * (BUTTON_FACTOR if button else 1)
        seen = self._seen.setdefault((user_id, button), deque())
        while seen and seen[0] <= now - WINDOW:
            seen.popleft()
        if len(seen) < limit:
            seen.append(now)
            return Verdict.ADMIT
        self.dropped += 1
        told = self._warned.get(user_id)
        if told is not None and now - told < WINDOW:
            return Verdict.DROP
        self._warned[user_id] = now
        return Verdict.WARN

    def pardon(self, user_id: int) -> None:
        """The caller lets this one through after all (staff): it was not dropped."""
        self.dropped -= 1
        self._warned.pop(user_id, None)

    def forget_quiet(self) -> None:
        """Drop the bookkeeping of residents who wrote nothing in the last minute."""
        now = self._swept = self.clock.now()
        for key in [k for k, seen in self._seen.items() if not seen or seen[-1] <= now - WINDOW]:
            del self._seen[key]
        for user in [u for u, told in self._warned.items() if now - told >= WINDOW]:
            del self._warned[user]
