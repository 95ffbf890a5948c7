"""Flood control: 20 messages a minute, one notice, then silence until the minute has passed."""

from __future__ import annotations

from pacing import ManualClock
from pacing.flood import FloodGuard, Verdict


async def test_limit_one_warning_then_drops_then_admits_again() -> None:
    clock = ManualClock()
    guard = FloodGuard(20, clock=clock)
    verdicts = [guard.check(1) for _ in range(30)]
    assert verdicts[:20] == [Verdict.ADMIT] * 20
    assert verdicts[20] is Verdict.WARN and verdicts[21:] == [Verdict.DROP] * 9
    assert guard.check(2) is Verdict.ADMIT  # another resident is not affected
    await clock.advance(60.1)
    assert guard.check(1) is Verdict.ADMIT


async def test_buttons_have_their_own_larger_budget() -> None:
    guard = FloodGuard(2, clock=ManualClock())
    assert [guard.check(1) for _ in range(3)] == [Verdict.ADMIT, Verdict.ADMIT, Verdict.WARN]
    assert [guard.check(1, button=True) for _ in range(7)][-1] is Verdict.DROP
    assert guard.dropped == 2


async def test_sliding_window_and_forgetting() -> None:
    clock = ManualClock()
    guard = FloodGuard(3, clock=clock)
    for _ in range(3):
        guard.check(1)
        await clock.advance(20)
    assert guard.check(1) is Verdict.ADMIT  # the first one left the window
    await clock.advance(61)
    guard.check(2)  # now and then a check forgets who has been quiet for a minute
    assert list(guard._seen) == [(2, False)] and guard._warned == {}
