"""Data-safety benchmark: the cost of the per-write file check, a backup, an erasure and a retention run.

Usage: python bench/privacy.py [--submissions N]

Creates a temporary database with N submissions (each with a history of three events and an outbox
row) from N/10 residents, and times: the check alone, and single-statement writes with and without the check that
the database file is still the one opened (one stat per write); `backup_to` of the whole database;
/vergeetmij of one resident with 10 submissions; and the retention run anonymising every closed one.
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

from storage import Database  # noqa: E402
from storage.backup import backup_to  # noqa: E402
from storage.privacy import PrivacyRepository  # noqa: E402


async def fill(db: Database, submissions: int) -> None:
    async def run(conn) -> None:
        await conn.executemany(
            "INSERT INTO submissions (id, reference, user_id, kind, wijk_code, stadsdeel, handled_by, theme, text,"
            " latitude, longitude, consent_reply, resident_name, language, status) VALUES"
            " (?, ?, ?, 'signaal', 'WK039210', 'noord', 'noord', 'groen', ?, 52.4, 4.63, 1, ?, 'nl', ?)",
            [(i, f"WW-{i:06d}", 1_000_000 + i % (submissions // 10), "Losse stoeptegels bij de school " * 5,
              f"Bewoner {i % (submissions // 10)}", "afgerond" if i % 2 else "nieuw")
             for i in range(1, submissions + 1)])
        events = []
        for i in range(1, submissions + 1):
            events.append((i, "2024-01-01T00:00:00.000000Z", "resident", 1_000_000 + i % (submissions // 10),
                           "created", "nieuw", None))
            events.append((i, "2024-01-02T00:00:00.000000Z", "staff", 900, "reply", None, "Dank u, we kijken."))
            if i % 2:
                events.append((i, "2024-01-03T00:00:00.000000Z", "staff", 900, "status", "afgerond", None))
        await conn.executemany("INSERT INTO submission_events (submission_id, at, actor, actor_id, action, status,"
                               " text) VALUES (?, ?, ?, ?, ?, ?, ?)", events)
        await conn.executemany("INSERT INTO outbox (chat_id, payload, submission_id, sent_at) VALUES"
                               " (900, '{\"text\": \"x\"}', ?, '2024-01-01T00:00:00.000000Z')",
                               [(i,) for i in range(1, submissions + 1)])

    await db.write(run)


async def writes(db: Database, n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        await db.execute_write("INSERT OR REPLACE INTO residents (user_id, language) VALUES (?, 'nl')", (i,))
    return (time.perf_counter() - start) / n * 1e6


async def run(submissions: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        db = await Database.open(path)
        await fill(db, submissions)
        await writes(db, 500)  # warm up
        start = time.perf_counter()
        for _ in range(100_000):
            db.check_writable()
        check = (time.perf_counter() - start) / 100_000 * 1e6
        identity = db._identity
        with_check, without = [], []
        for _ in range(5):  # alternate, so a busy machine hurts both alike
            with_check.append(await writes(db, 1000))
            db._identity = None  # the check switched off, for comparison only
            without.append(await writes(db, 1000))
            db._identity = identity
        print(f"file check: {check:.1f} µs per write; a single-statement write takes {sorted(with_check)[2]:.0f} µs "
              f"with it and {sorted(without)[2]:.0f} µs without (medians of 5 × 1,000)")

        start = time.perf_counter()
        result = backup_to(path, Path(tmp) / "backup.sqlite3")
        print(f"backup of {result.size / 1e6:.1f} MB ({result.submissions:,} submissions): "
              f"{time.perf_counter() - start:.2f} s")

        privacy = PrivacyRepository(db)
        start = time.perf_counter()
        erasure = await privacy.erase(1_000_001)
        print(f"erasure of one resident ({erasure.submissions_anonymised} submissions) among {submissions:,}: "
              f"{(time.perf_counter() - start) * 1000:.0f} ms")

        now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        start = time.perf_counter()
        done = await privacy.apply_retention(now - dt.timedelta(days=365), 365)
        print(f"retention run anonymising {len(done):,} closed submissions in one transaction: "
              f"{time.perf_counter() - start:.2f} s")
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=20_000)
    args = parser.parse_args()
    asyncio.run(run(args.submissions))


if __name__ == "__main__":
    main()
