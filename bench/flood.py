"""One resident floods the bot while twenty others ask a question: are the others still answered at once?

Usage: python bench/flood.py [--latency SECONDS] [--baseline]

The real Application (update processor with flood control, pacer, assistant) runs against a
fake Bot API that enforces 1 message/s per chat and 30/s overall (tests/auxil/limited_api.py).
One resident sends 300 messages in 2 s; meanwhile 20 others each ask one FAQ question, spread
over those 2 s. Prints the others' answer times (from the update's arrival to the first message
reaching the Bot API for them). Goal (issue 10): p95 < 2 s.

``--baseline`` runs the same against what the bot had before: python-telegram-bot's
AIORateLimiter (one shared budget; a 429 pauses every request), no flood control, and an update
taking its concurrency slot before waiting for the same resident's previous one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.update_order import PerResidentOrder, resident_key  # noqa: E402
from content import load_content  # noqa: E402
from tests.auxil.app import running  # noqa: E402
from tests.auxil.limited_api import LimitedBotApi  # noqa: E402
from tests.auxil.recording_request import RecordingRequest  # noqa: E402
from tests.auxil.updates import message_update  # noqa: E402

FLOODER = 500
OTHERS = range(1, 21)
FLOOD_MESSAGES = 300
FLOOD_SECONDS = 2.0
QUESTIONS = ["wat is een wijkplatform", "hoeveel subsidie krijgt een wijkplatform",
             "wie is de gebiedsverbinder voor Schalkwijk", "wanneer moet ik de subsidie aanvragen"]


class SlotFirstOrder(PerResidentOrder):
    """The update processor as it was: the slot first, then the resident's turn."""

    async def process_update(self, update, coroutine) -> None:  # type: ignore[no-untyped-def]
        async with self._semaphore:
            key = resident_key(update)
            if key is None:
                await coroutine
                return
            async with self._locks.setdefault(key, asyncio.Lock()):
                await coroutine


def use_baseline(app) -> None:  # type: ignore[no-untyped-def]
    from telegram.ext import AIORateLimiter

    app.bot._rate_limiter = AIORateLimiter(max_retries=3)
    app._update_processor = SlotFirstOrder(app.update_processor.max_concurrent_updates)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


async def run(latency: float, baseline: bool) -> None:
    content = load_content()
    api = LimitedBotApi(latency=latency)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(token="123456:TEST-token", base_url="http://offline.invalid/bot",
                            db_path=str(Path(tmp) / "bench.sqlite3"), content_dir=None)
        app = build_application(settings, content, request=api, get_updates_request=RecordingRequest())
        if baseline:
            use_baseline(app)
        async with running(app):
            await app.start()
            asked: dict[int, float] = {}
            started = time.monotonic()
            steps = 20
            others = list(OTHERS)
            for step in range(steps):  # 15 flood messages every 0.1 s, one other resident each step
                for i in range(FLOOD_MESSAGES // steps):
                    await app.update_queue.put(message_update(app.bot, FLOODER, f"spam {step}-{i}"))
                user = others[step % len(others)]
                asked[user] = time.monotonic()
                await app.update_queue.put(message_update(app.bot, user, QUESTIONS[user % len(QUESTIONS)]))
                await asyncio.sleep(max(0.0, started + (step + 1) * FLOOD_SECONDS / steps - time.monotonic()))
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not all(api.per_chat()[u] for u in OTHERS):
                await asyncio.sleep(0.05)
            report(api, asked, app, baseline, time.monotonic() - started, latency)
            if baseline:  # stopping would first work through the whole flood, at 1 message a second
                sys.stdout.flush()
                os._exit(0)
            await app.stop()


def report(api: LimitedBotApi, asked: dict[int, float], app, baseline: bool, span: float,  # type: ignore[no-untyped-def]
           latency: float) -> None:
    first: dict[int, float] = {}
    for chat, _, when in api.delivered:
        first.setdefault(chat, when)
    waits = [first[u] - asked[u] for u in OTHERS if u in first]
    flood = app.update_processor.flood
    dropped = flood.dropped if flood is not None else 0
    print("BASELINE: AIORateLimiter, no flood control, slot before turn" if baseline else "Wijkwijzer's pacing")
    print(f"flood: {FLOOD_MESSAGES} messages in {FLOOD_SECONDS:.0f} s from one resident; {len(OTHERS)} others ask one "
          f"question each; network round trip {latency * 1000:.0f} ms")
    if waits:
        print(f"others answered: {len(waits)} of {len(OTHERS)}; answer time median {statistics.median(waits):.3f} s, "
              f"p95 {percentile(waits, 0.95):.3f} s, max {max(waits):.3f} s")
    else:
        print(f"others answered: 0 of {len(OTHERS)} within {span:.0f} s")
    print(f"flooder: {api.per_chat()[FLOODER]} messages received so far, {dropped} updates dropped by flood control; "
          f"429 answers: {api.rate_limited}; requests during a retry_after pause: {len(api.violations)}; "
          f"measured over {span:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--baseline", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.latency, args.baseline))


if __name__ == "__main__":
    main()
