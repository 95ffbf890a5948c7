"""A broadcast to 10,000 residents at Telegram's limits, while a resident keeps asking questions.

Usage: python bench/broadcast.py [--recipients N] [--latency SECONDS]

The real Application (pacer, outbox sender, assistant) runs against a fake Bot API that
enforces 30 messages/s overall and 1 message/s per chat, answering 429 with retry_after
beyond that (tests/auxil/limited_api.py), with a network round trip of ``--latency``. The
outbox holds one broadcast row (low priority) per recipient, as a confirmed broadcast writes
them. Meanwhile a FAQ question arrives every second through the update queue, asked by five
residents in turn: one resident asking every second would be slowed by Telegram's own limit of
one message per second in their chat, and stopped by flood control (20 messages a minute).

Prints achieved messages/s, 429s, duplicates, losses, total time and the p95 reply latency.
Goals (issue 9): >= 27 messages/s, <= 1 % 429, 0 lost, 0 duplicated, p95 <= 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from content import load_content  # noqa: E402
from flows.types import Reply  # noqa: E402
from storage.broadcasts import BROADCAST_PRIORITY  # noqa: E402
from storage.outbox import enqueue_many  # noqa: E402
from tests.auxil.app import running  # noqa: E402
from tests.auxil.limited_api import LimitedBotApi  # noqa: E402
from tests.auxil.recording_request import RecordingRequest  # noqa: E402
from tests.auxil.updates import message_update  # noqa: E402

FIRST_RECIPIENT = 1_000_000
ASKERS = [42, 43, 44, 45, 46]
QUESTIONS = ["wat is een wijkplatform", "hoeveel subsidie krijgt een wijkplatform",
             "wie is de gebiedsverbinder voor Schalkwijk", "wanneer moet ik de subsidie aanvragen"]
TEXT = ("Informatieavond wijkplatform Schalkwijk op 3 december, 19:30 in het wijkcentrum. "
        "Iedereen is welkom.")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] if ordered else float("nan")


async def run(recipients: int, latency: float) -> None:
    content = load_content()
    api = LimitedBotApi(latency=latency)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(token="123456:TEST-token", base_url="http://offline.invalid/bot",
                            db_path=str(Path(tmp) / "bench.sqlite3"), content_dir=None, outbox_paused=True)
        app = build_application(settings, content, request=api, get_updates_request=RecordingRequest())
        async with running(app):
            db = app.bot_data["database"]
            chats = list(range(FIRST_RECIPIENT, FIRST_RECIPIENT + recipients))

            async def queue(conn) -> None:  # one transaction, as a confirmed broadcast does
                payload = Reply(TEXT).to_dict()
                await enqueue_many(conn, [(chat, payload) for chat in chats], kind="broadcast",
                                   priority=BROADCAST_PRIORITY)

            await db.write(queue)
            await app.start()
            started = time.monotonic()
            delivery = asyncio.create_task(app.bot_data["outbox"].deliver())
            asked: list[tuple[int, float]] = []
            while not delivery.done():
                asker = ASKERS[len(asked) % len(ASKERS)]
                asked.append((asker, time.monotonic()))
                await app.update_queue.put(message_update(app.bot, asker, QUESTIONS[len(asked) % len(QUESTIONS)]))
                await asyncio.wait({delivery}, timeout=1.0)
            await delivery
            await asyncio.sleep(1.5)  # the last question's answer
            await app.stop()
            pending = (await db.fetchone("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"))[0]

    broadcast = [(chat, when) for chat, _, when in api.delivered if chat >= FIRST_RECIPIENT]
    counts = api.per_chat()
    duplicates = sum(counts[c] - 1 for c in chats if counts[c] > 1)
    lost = sum(1 for c in chats if counts[c] == 0)
    span = max(when for _, when in broadcast) - started
    # each question is answered with one message, in order (a resident's updates keep their order)
    latencies: list[float] = []
    replies = 0
    for asker in ASKERS:
        questions = [when for who, when in asked if who == asker]
        answers = sorted(when for chat, _, when in api.delivered if chat == asker)
        replies += len(answers)
        latencies += [answer - question for question, answer in zip(questions, answers, strict=False)]
    unanswered = len(asked) - replies
    print(f"recipients {recipients}, network round trip {latency * 1000:.0f} ms")
    print(f"broadcast: {len(broadcast)} messages in {span:.1f} s = {len(broadcast) / span:.1f} messages/s")
    print(f"429 answers: {api.rate_limited} of {api.requests} requests ({100 * api.rate_limited / api.requests:.2f} %)"
          f"; requests during a retry_after pause: {len(api.violations)}")
    print(f"duplicates: {duplicates}, lost: {lost}, still pending in the outbox: {pending}")
    print(f"questions: {len(asked)}, answer messages {replies} (unanswered: {unanswered}); "
          f"reply latency median {statistics.median(latencies):.3f} s, p95 {percentile(latencies, 0.95):.3f} s, "
          f"max {max(latencies):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    asyncio.run(run(args.recipients, args.latency))


if __name__ == "__main__":
    main()
