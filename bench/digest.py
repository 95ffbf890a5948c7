"""Digest benchmark: 5 stadsdelen, 50,000 stored submissions and 20,000 logged questions (issue 8).

Usage: python bench/digest.py [--submissions N] [--questions N]

Fills a temporary database (submissions over the last 90 days with their events, a third with a
status change, some with an answer; unanswered questions in ~2,000 distinct wordings), links one
gebiedsverbinder per stadsdel with an e-mail address, and times composing each digest (reading,
rendering for Telegram and e-mail with the unanswered questions grouped by meaning by the sentence
model as in the bot, recording and queueing, in one transaction): first the very first
digest (everything ever is new, the worst case), then a day later with 200 new submissions and 400
new questions. Prints seconds per digest and peak memory. Goal: < 1 s per digest, < 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.duties import build_digests  # noqa: E402
from content import load_content  # noqa: E402
from matching.semantic import shared_encoder  # noqa: E402
from storage import Database, StaffRepository  # noqa: E402
from storage.timestamps import to_text  # noqa: E402

WORDS = ("wanneer vergadert wijkraad", "hoe vraag ik subsidie aan", "waar staat de container", "parkeervergunning",
         "speeltuin kapot", "wie beslist over bomen", "hoeveel geld krijgt de wijk", "kan ik meedoen")


async def fill(db: Database, content, submissions: int, questions: int, now: dt.datetime, first_id: int = 1,
               spread: dt.timedelta = dt.timedelta(days=90)) -> None:
    rng = random.Random(first_id)
    stadsdelen = list(content.stadsdelen)
    wijken = {s: [w.code for w in content.stadsdelen[s].wijken] for s in stadsdelen}
    themes = [t.id for t in content.themes]

    async def run(conn) -> None:
        rows, events = [], []
        for i in range(first_id, first_id + submissions):
            stadsdeel = stadsdelen[i % len(stadsdelen)]
            created = now - spread * rng.random()
            status = rng.choice(("nieuw", "nieuw", "ontvangen", "in_behandeling", "afgerond"))
            rows.append((i, f"WW-B-{i:06d}", 1000 + i, rng.choice(("idee", "signaal", "vraag")),
                         rng.choice(wijken[stadsdeel]), stadsdeel, stadsdeel, rng.choice(themes),
                         f"Bench inzending {i}: " + " ".join(rng.choices(WORDS, k=6)), int(rng.random() < 0.6),
                         "nl", status, to_text(created), to_text(created)))
            events.append((i, to_text(created), "resident", "created", "nieuw", None))
            if status != "nieuw":
                events.append((i, to_text(created + (now - created) / 2), "staff", "status", status, None))
            if rng.random() < 0.2:
                events.append((i, to_text(created + (now - created) * 0.7), "staff", "reply", None, "Dank u"))
        await conn.executemany(
            "INSERT INTO submissions (id, reference, user_id, kind, wijk_code, stadsdeel, handled_by, theme, text,"
            " consent_reply, language, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        await conn.executemany("INSERT INTO submission_events (submission_id, at, actor, action, status, text)"
                               " VALUES (?, ?, ?, ?, ?, ?)", events)
        qrows = []
        for i in range(questions):
            wording = f"{rng.choice(WORDS)} {rng.randrange(250)}"
            qrows.append((wording, wording, "nl", "no_match", stadsdelen[i % len(stadsdelen)],
                          to_text(now - spread * rng.random())))
        await conn.executemany("INSERT INTO unanswered_questions (text, normalized, language, outcome, stadsdeel,"
                               " asked_at) VALUES (?, ?, ?, ?, ?, ?)", qrows)

    await db.write(run)


async def timed(engine, now: dt.datetime, label: str) -> list[float]:
    seconds = []
    for recipient in await engine.repository.recipients():
        start = time.perf_counter()
        await engine.repository.compose(recipient, due=now, trigger="now", now=now, render=engine._render)
        seconds.append(time.perf_counter() - start)
    print(f"{label}: {len(seconds)} digests, mean {sum(seconds) / len(seconds):.3f} s, slowest {max(seconds):.3f} s"
          " per digest (goal < 1 s)")
    return seconds


async def run(submissions: int, questions: int) -> None:
    content = load_content()
    settings = Settings.from_env({"SMTP_HOST": "127.0.0.1", "SMTP_FROM": "bench@example.org"})
    now = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.sqlite3")
        start = time.perf_counter()
        await fill(db, content, submissions, questions, now - dt.timedelta(days=1))
        for n, stadsdeel in enumerate(content.stadsdelen):
            await StaffRepository(db).add(9000 + n, "gebiedsverbinder", stadsdeel, f"GV {stadsdeel}",
                                          f"{stadsdeel}@example.org")
        print(f"filled {submissions:,} submissions and {questions:,} questions in {time.perf_counter() - start:.1f} s")
        encoder = shared_encoder()  # as in the bot: unanswered questions grouped by meaning
        engine = build_digests(db, content, settings, encoder=encoder)
        encoder.encode(["warm up"])
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        tracemalloc.start()
        await timed(engine, now, "first digest (all stored submissions new)")
        await fill(db, content, 200, 400, now + dt.timedelta(days=1), first_id=submissions + 1,
                   spread=dt.timedelta(hours=20))
        await timed(engine, now + dt.timedelta(days=1), "next day (200 new submissions, 400 new questions)")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        outbox = (await db.fetchone("SELECT COUNT(*) FROM outbox"))[0]
        await db.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"outbox rows: {outbox}; peak Python memory while composing: {peak / 2**20:.1f} MB; peak resident size"
          f" of the whole process: {rss_before:.0f} MB before composing (content, database, sentence model),"
          f" {rss:.0f} MB after (goal < 200 MB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=50_000)
    parser.add_argument("--questions", type=int, default=20_000)
    args = parser.parse_args()
    asyncio.run(run(args.submissions, args.questions))


if __name__ == "__main__":
    main()
