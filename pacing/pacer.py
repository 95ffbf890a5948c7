"""One pacer for every message the bot sends: Telegram's limits, interactive replies first.

Telegram accepts about 30 messages per second from a bot overall and about 1 per second in one
chat, and answers 429 (``retry_after``) beyond that. Every send asks the pacer for a turn with
:meth:`Pacer.turn`; one scheduler hands out turns:

- at most ``overall_rate`` turns per second, evenly spaced (a turn given late, because the
  event loop was busy, lets the next follow sooner, but never more than ``overall_rate`` in
  any second), and at most ``per_chat_rate`` per second in one chat: a chat that had its turn
  waits, the others do not;
- among the requests that may go now, the highest lane first (a resident's reply, then
  notifications and notices, then broadcasts), first come first served within a lane. A
  broadcast thus only uses the turns nobody else needs, and a reply waits at most one
  spacing (~35 ms) for the overall budget;
- after a 429 for a chat nothing goes to that chat until ``retry_after`` has passed. Telegram
  does not say which limit was exceeded, so the pacer reasons: a chat that had another message
  within the last two seconds may have hit its own limit (hold that chat only); a chat that had
  none cannot have, so the overall budget was exceeded and the whole bot is held; so it is too
  when 429s come for two different chats within a second;
- a request may say it is no longer wanted (``wanted``: a paused broadcast's message): when its
  turn would come it gets :class:`~pacing.handover.Withdrawn` instead, and the turn goes to the
  next.

Both rates are used at ``SAFETY`` (97 %) so that timing jitter never pushes a second past
Telegram's limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import enum
import heapq
import itertools
import logging
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from pacing.clock import Clock, MonotonicClock
from pacing.handover import Withdrawn

log = logging.getLogger(__name__)

OVERALL_RATE = 30.0  # messages per second for the whole bot (Telegram's documented ~30)
PER_CHAT_RATE = 1.0  # messages per second in one chat
SAFETY = 0.97  # fraction of each budget used
GLOBAL_429_WINDOW = 1.0  # 429s for two chats within this many seconds: the overall budget is exceeded
CATCH_UP = 2  # turns given late may be made up, at most this many at once
RECENT_IN_CHAT = 2.0  # a 429 for a chat with no other message this recent: the overall budget is exceeded


class Lane(enum.IntEnum):
    """Who goes first when turns are scarce: higher first."""

    BROADCAST = 0
    NOTIFICATION = 1  # notifications, notices, digests: someone is waiting, but did not just write
    REPLY = 2  # the answer to a resident who just wrote


# The lane of the sends made by the current task. Handlers of the Application run with the
# default (REPLY); the outbox sender sets it per message it delivers.
CURRENT_LANE: contextvars.ContextVar[Lane] = contextvars.ContextVar("pacing_lane", default=Lane.REPLY)


def lane_for_priority(priority: int) -> Lane:
    """Outbox priority (higher first) to lane: below 0 is a broadcast."""
    return Lane.BROADCAST if priority < 0 else Lane.NOTIFICATION


@dataclass(order=True)
class _Waiter:
    sort_key: tuple[int, int]
    chat_id: int | None = field(compare=False)
    future: asyncio.Future[None] = field(compare=False)
    since: float = field(compare=False, default=0.0)  # when it began waiting
    wanted: Callable[[], bool] | None = field(compare=False, default=None)


@dataclass
class PacerStats:
    granted: int = 0
    rate_limited: int = 0  # 429s reported
    global_holds: int = 0  # of which held the whole bot
    withdrawn: int = 0  # requests no longer wanted when their turn came


class Pacer:
    def __init__(self, *, overall_rate: float = OVERALL_RATE, per_chat_rate: float = PER_CHAT_RATE,
                 clock: Clock | None = None, safety: float = SAFETY) -> None:
        self.clock = clock or MonotonicClock()
        self._spacing = 1.0 / (overall_rate * safety)
        self._chat_spacing = 1.0 / (per_chat_rate * safety)
        self._waiting: list[_Waiter] = []  # a heap: highest lane, then oldest, first
        self._order = itertools.count()
        self._next_overall = 0.0  # when the next turn may start
        self._hold_until = 0.0  # the whole bot waits after Telegram's overall limit was exceeded
        self._window_cap = max(1, math.floor(overall_rate * safety))  # turns in any one second
        self._recent: deque[float] = deque()  # turns given in the last second
        self._next_in_chat: dict[int, float] = {}
        self._last_429: tuple[float, int | None] | None = None
        self._grants_in_chat: dict[int, tuple[float, float | None]] = {}  # last two turns per chat
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.stats = PacerStats()

    async def turn(self, chat_id: int | None, lane: Lane | None = None, *,
                   wanted: Callable[[], bool] | None = None) -> None:
        """Wait until a message to ``chat_id`` may be sent now (``None``: counts only overall).

        ``wanted`` is asked when the turn would be given: False raises Withdrawn, and the turn is not used."""
        lane = CURRENT_LANE.get() if lane is None else lane
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, _Waiter((-int(lane), next(self._order)), chat_id, future, self.clock.now(),
                                              wanted))
        self._ensure_running()
        self._wake.set()
        await future  # a turn granted to a request cancelled meanwhile is simply unused

    def rate_limited(self, chat_id: int | None, retry_after: float) -> None:
        """Telegram answered 429 for ``chat_id``: nothing more to it before ``retry_after``."""
        now = self.clock.now()
        until = now + retry_after
        self.stats.rate_limited += 1
        if chat_id is not None:
            self._next_in_chat[chat_id] = max(self._next_in_chat.get(chat_id, 0.0), until)
        previous, self._last_429 = self._last_429, (now, chat_id)
        before = self._grants_in_chat.get(chat_id, (None, None))[1] if chat_id is not None else None
        chat_was_busy = before is not None and now - before <= RECENT_IN_CHAT
        overall = not chat_was_busy or (previous is not None and previous[1] != chat_id
                                        and now - previous[0] <= GLOBAL_429_WINDOW)
        if overall:
            self.stats.global_holds += 1
            self._hold_until = max(self._hold_until, until)
            log.warning("Telegram's overall limit was reached: every send waits %.1f s", retry_after)
        else:
            log.info("Telegram asked to wait %.1f s before the next message to one chat", retry_after)
        self._wake.set()

    @property
    def waiting(self) -> int:
        return sum(1 for w in self._waiting if not w.future.done())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for waiter in self._waiting:
            waiter.future.cancel()
        self._waiting.clear()

    # -- the scheduler

    def _ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="wijkwijzer-pacer")

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            delay = self._grant(self.clock.now())
            if delay is not None and delay <= 0:
                continue
            await self._sleep_or_wake(delay)

    async def _sleep_or_wake(self, delay: float | None) -> None:
        woken = asyncio.ensure_future(self._wake.wait())
        waits: set[asyncio.Future[object]] = {woken}
        if delay is not None:
            waits.add(asyncio.ensure_future(self.clock.sleep(delay)))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    def _grant(self, now: float) -> float | None:
        """Give turns that may go now; return how long until the next might, None if nobody waits."""
        while self._waiting and self._waiting[0].future.done():  # cancelled while waiting
            heapq.heappop(self._waiting)
        if not self._waiting:
            return None
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        ready_at = max(self._next_overall, self._hold_until)
        if len(self._recent) >= self._window_cap:
            ready_at = max(ready_at, self._recent[0] + 1.0)
        if now < ready_at:
            return ready_at - now
        held: list[_Waiter] = []  # waiting for their chat, looked at in order
        soonest: float | None = None
        granted = False
        while self._waiting:
            waiter = heapq.heappop(self._waiting)
            if waiter.future.done():
                continue
            if waiter.wanted is not None and not waiter.wanted():
                waiter.future.set_exception(Withdrawn())
                self.stats.withdrawn += 1
                continue
            chat_ready = self._next_in_chat.get(waiter.chat_id, 0.0) if waiter.chat_id is not None else 0.0
            if chat_ready > now:
                held.append(waiter)
                soonest = chat_ready if soonest is None else min(soonest, chat_ready)
                continue
            waiter.future.set_result(None)
            self.stats.granted += 1
            self._recent.append(now)
            # When could this turn have been given? Later than that means the loop was busy:
            # the next turns may follow sooner, making up at most CATCH_UP turns.
            due = max(self._next_overall, self._hold_until, waiter.since, chat_ready)
            self._next_overall = max(due, now - CATCH_UP * self._spacing) + self._spacing
            if waiter.chat_id is not None:
                self._next_in_chat[waiter.chat_id] = now + self._chat_spacing
                last = self._grants_in_chat.get(waiter.chat_id, (None, None))[0]
                self._grants_in_chat[waiter.chat_id] = (now, last)
            granted = True
            break
        for waiter in held:
            heapq.heappush(self._waiting, waiter)
        self._forget_idle_chats(now)
        if granted:
            return 0.0 if self._waiting else None  # the next round computes when
        return None if soonest is None else max(soonest - now, 0.0)

    def _forget_idle_chats(self, now: float) -> None:
        if len(self._next_in_chat) > 10_000:
            self._next_in_chat = {c: t for c, t in self._next_in_chat.items() if t > now}
            self._grants_in_chat = {c: g for c, g in self._grants_in_chat.items() if g[0] > now - RECENT_IN_CHAT}
