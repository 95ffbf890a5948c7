"""Inspraak notices benchmark: an opening notice to 20,000 followers is queued in < 2 s (issue 8).

Usage: python bench/notices.py [--followers N]

Creates a temporary database with N residents following wijken of one stadsdeel (a quarter of them
in English, a few inactive), a window for that stadsdeel, and times the run that queues the
opening notice: the notices, the duty and one outbox row per resident in one transaction.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content import load_content  # noqa: E402
from flows.inspraak import notice  # noqa: E402
from scheduling.inspraak import InspraakNotices  # noqa: E402
from storage import Database  # noqa: E402
from storage.inspraak import InspraakRepository, NewWindow  # noqa: E402


async def run(followers: int) -> None:
    content = load_content()
    wijken = [w.code for w in content.stadsdelen["noord"].wijken]
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.sqlite3")

        async def fill(conn):
            await conn.executemany("INSERT INTO residents (user_id, language, inactive_at) VALUES (?, ?, ?)",
                                   [(i, "en" if i % 4 == 0 else None, "2026-01-01T00:00:00.000Z" if i % 97 == 0
                                     else None) for i in range(1, followers + 1)])
            await conn.executemany("INSERT INTO followings (user_id, kind, code) VALUES (?, 'wijk', ?)",
                                   [(i, wijken[i % len(wijken)]) for i in range(1, followers + 1)])

        await db.write(fill)
        now = dt.datetime.now(dt.UTC)
        await InspraakRepository(db).create(NewWindow("Bench", now, now + dt.timedelta(days=20),
                                                      scope=(("stadsdeel", "noord"),)))
        engine = InspraakNotices(db, content, lambda w, k, lang, at: notice(content, w, k, lang, at), quiet=None)
        start = time.perf_counter()
        queued = await engine.run_due(now + dt.timedelta(seconds=1))
        elapsed = time.perf_counter() - start
        outbox = (await db.fetchone("SELECT COUNT(*) FROM outbox"))[0]
        await db.close()
    print(f"followers: {followers:,}  queued: {queued:,}  outbox rows: {outbox:,}")
    print(f"opening notice queued in {elapsed:.2f} s (goal < 2 s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=20_000)
    asyncio.run(run(parser.parse_args().followers))


if __name__ == "__main__":
    main()
