"""The pacer, on a manual clock: limits, lanes and 429 holds, to the millisecond."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import RetryAfter

from pacing import CURRENT_HANDOVER, Handover, Lane, ManualClock, Pacer, PacingRateLimiter, Withdrawn
from pacing.pacer import SAFETY


class Sends:
    """Start turns and remember when each was granted."""

    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer
        self.granted: list[tuple[str, float]] = []
        self.tasks: list[asyncio.Task[None]] = []

    def ask(self, name: str, chat_id: int, lane: Lane) -> None:
        async def go() -> None:
            await self.pacer.turn(chat_id, lane)
            self.granted.append((name, self.pacer.clock.now()))

        self.tasks.append(asyncio.create_task(go()))

    def names(self) -> list[str]:
        return [name for name, _ in self.granted]


@pytest.fixture
async def clock_and_pacer():
    clock = ManualClock()
    pacer = Pacer(clock=clock)
    yield clock, pacer
    await pacer.close()


async def test_overall_rate_is_spread_evenly_and_stays_under_30_per_second(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    sends = Sends(pacer)
    for chat in range(100):
        sends.ask(f"b{chat}", chat, Lane.BROADCAST)
    await clock.advance(0)
    assert len(sends.granted) == 1  # no burst
    await clock.advance(1.0)
    in_first_second = len(sends.granted)
    assert 28 <= in_first_second <= 30
    await clock.advance(10.0)
    times = [t for _, t in sends.granted]
    for i in range(len(times) - 30):  # any 30 consecutive turns span more than a second
        assert times[i + 30] - times[i] > 1.0
    assert len(times) == 100


async def test_one_chat_gets_one_message_per_second_without_holding_others(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    sends = Sends(pacer)
    for i in range(3):
        sends.ask(f"a{i}", 1, Lane.REPLY)
    sends.ask("b", 2, Lane.BROADCAST)
    await clock.advance(0.1)
    assert sends.names() == ["a0", "b"]  # b does not wait behind a's second message
    await clock.advance(2.5)
    times = dict(sends.granted)
    assert times["a1"] - times["a0"] == pytest.approx(1 / SAFETY)
    assert times["a2"] - times["a1"] == pytest.approx(1 / SAFETY)


async def test_replies_go_before_notifications_before_broadcasts(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    sends = Sends(pacer)
    for chat in range(50):
        sends.ask(f"broadcast{chat}", chat, Lane.BROADCAST)
    await clock.advance(0)
    sends.ask("notice", 1000, Lane.NOTIFICATION)
    sends.ask("reply", 1001, Lane.REPLY)
    await clock.advance(0.1)
    names = sends.names()
    assert names[1:3] == ["reply", "notice"]  # the very next turns, ahead of 49 broadcasts


async def test_429_for_a_busy_chat_holds_only_that_chat(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    sends = Sends(pacer)
    sends.ask("first", 1, Lane.REPLY)
    sends.ask("second", 1, Lane.REPLY)
    await clock.advance(1.1)
    pacer.rate_limited(1, 30)  # the second message in a second: this chat's own limit
    sends.granted.clear()
    sends.ask("held", 1, Lane.REPLY)
    for chat in range(2, 12):
        sends.ask(f"other{chat}", chat, Lane.BROADCAST)
    await clock.advance(29.9)
    assert "held" not in sends.names() and len(sends.granted) == 10
    await clock.advance(0.2)
    assert sends.names()[-1] == "held"
    assert pacer.stats.global_holds == 0


async def test_429_for_a_quiet_chat_holds_the_whole_bot(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    sends = Sends(pacer)
    sends.ask("only", 1, Lane.BROADCAST)
    await clock.advance(0.1)
    pacer.rate_limited(1, 5)  # its first message: the overall budget was exceeded
    for chat in range(3, 8):
        sends.ask(f"c{chat}", chat, Lane.REPLY)
    await clock.advance(4.8)
    assert sends.names() == ["only"]
    await clock.advance(0.22)  # the hold ends 5 s after the 429
    assert len(sends.granted) == 2 and pacer.stats.global_holds == 1


async def test_429s_for_two_busy_chats_hold_the_whole_bot(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    sends = Sends(pacer)
    for chat in (1, 2):
        sends.ask(f"{chat}a", chat, Lane.REPLY)
        sends.ask(f"{chat}b", chat, Lane.REPLY)
    await clock.advance(1.1)
    sends.granted.clear()
    pacer.rate_limited(1, 5)
    assert pacer.stats.global_holds == 0
    await clock.advance(0.5)
    pacer.rate_limited(2, 5)
    for chat in range(3, 8):
        sends.ask(f"c{chat}", chat, Lane.REPLY)
    await clock.advance(4.9)
    assert sends.granted == []
    await clock.advance(0.12)
    assert len(sends.granted) == 1 and pacer.stats.global_holds == 1


async def test_cancelled_waiter_does_not_use_a_turn(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    sends = Sends(pacer)
    sends.ask("first", 1, Lane.BROADCAST)
    sends.ask("cancelled", 2, Lane.BROADCAST)
    sends.ask("third", 3, Lane.BROADCAST)
    await clock.advance(0)
    sends.tasks[1].cancel()
    await clock.advance(0.04)
    assert sends.names() == ["first", "third"]


class FakeCall:
    """A Bot API call that answers 429 for the first ``refusals`` attempts."""

    def __init__(self, clock: ManualClock, refusals: int, retry_after: int = 3) -> None:
        self.clock = clock
        self.refusals = refusals
        self.retry_after = retry_after
        self.attempts: list[float] = []

    async def __call__(self) -> dict[str, bool]:
        self.attempts.append(self.clock.now())
        if len(self.attempts) <= self.refusals:
            raise RetryAfter(self.retry_after)
        return {"ok": True}


async def test_rate_limiter_retries_the_same_call_after_retry_after(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    limiter = PacingRateLimiter(pacer, max_retries=2)
    call = FakeCall(clock, refusals=1)
    task = asyncio.create_task(limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 5}, None))
    await clock.advance(2.9)
    assert len(call.attempts) == 1  # nothing during the pause
    await clock.advance(0.2)
    assert await task == {"ok": True}
    assert call.attempts[1] - call.attempts[0] >= 3


async def test_rate_limiter_gives_up_after_max_retries_and_lets_other_calls_through(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    limiter = PacingRateLimiter(pacer, max_retries=1)
    call = FakeCall(clock, refusals=5, retry_after=1)
    task = asyncio.create_task(limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 5}, None))
    answered = FakeCall(clock, refusals=0)
    button = asyncio.create_task(limiter.process_request(answered, (), {}, "answerCallbackQuery", {}, None))
    await clock.advance(0)
    assert await button == {"ok": True}  # not a message: not paced
    await clock.advance(3)
    with pytest.raises(RetryAfter):
        await task
    assert len(call.attempts) == 2


async def test_a_waiter_no_longer_wanted_is_withdrawn_without_using_a_turn(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    sends = Sends(pacer)
    sends.ask("first", 1, Lane.BROADCAST)
    await clock.advance(0)
    withdrawn = asyncio.create_task(pacer.turn(2, Lane.BROADCAST, wanted=lambda: False))  # its broadcast paused
    sends.ask("third", 3, Lane.BROADCAST)
    await clock.advance(0.04)  # one spacing: one turn
    with pytest.raises(Withdrawn):
        await withdrawn
    assert sends.names() == ["first", "third"]  # the withdrawn one's turn went to the next
    assert pacer.stats.withdrawn == 1 and pacer.stats.granted == 2


class Paused:
    """Whether a broadcast is stopped, as the outbox sender knows it."""

    def __init__(self) -> None:
        self.stopped = False

    def handover(self) -> Handover:
        return Handover(lambda: not self.stopped)


def send_as(limiter: PacingRateLimiter, handover: Handover, call: FakeCall, endpoint: str = "sendMessage"):
    """A request of the outbox sender for one message, with its handover in the task's context."""
    async def go():
        CURRENT_HANDOVER.set(handover)
        return await limiter.process_request(call, (), {}, endpoint, {"chat_id": 5}, Lane.BROADCAST)

    return asyncio.create_task(go())


async def test_rate_limiter_withdraws_a_message_stopped_while_it_waits(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    limiter = PacingRateLimiter(pacer)
    broadcast = Paused()
    first, held = FakeCall(clock, refusals=0), FakeCall(clock, refusals=0)
    send_as(limiter, broadcast.handover(), first)
    waiting = send_as(limiter, broadcast.handover(), held)
    await clock.advance(0)
    assert len(first.attempts) == 1 and held.attempts == []  # the second waits for its chat's turn
    broadcast.stopped = True
    await clock.advance(2)
    with pytest.raises(Withdrawn):
        await waiting
    assert held.attempts == [] and pacer.stats.withdrawn == 1 and pacer.stats.granted == 1


async def test_rate_limiter_sends_the_rest_of_a_message_whose_first_request_went(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    limiter = PacingRateLimiter(pacer)
    broadcast = Paused()
    handover = broadcast.handover()
    photo, text = FakeCall(clock, refusals=0), FakeCall(clock, refusals=0)
    sent = send_as(limiter, handover, photo, "sendPhoto")
    await clock.advance(0)
    assert await sent == {"ok": True}
    broadcast.stopped = True  # between the photo and its text
    task = send_as(limiter, handover, text)
    await clock.advance(2)
    assert await task == {"ok": True}  # half a message would be worse
    assert len(photo.attempts) == len(text.attempts) == 1


async def test_rate_limiter_may_withdraw_a_message_telegram_refused_with_429(clock_and_pacer) -> None:
    clock, pacer = clock_and_pacer
    limiter = PacingRateLimiter(pacer)
    broadcast = Paused()
    call = FakeCall(clock, refusals=1, retry_after=3)
    task = send_as(limiter, broadcast.handover(), call)
    await clock.advance(1)
    assert len(call.attempts) == 1  # refused: nothing of it went
    broadcast.stopped = True
    await clock.advance(3)
    with pytest.raises(Withdrawn):
        await task
    assert len(call.attempts) == 1
