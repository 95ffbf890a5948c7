"""Broadcast start benchmark: counting the audience and queueing one outbox row per recipient (issue 9).

Usage: python bench/broadcast_start.py [--followers N]

Creates a temporary database with N residents following wijken all over Haarlem (a quarter of them in
English, a few inactive, some following a theme as well), then times the recipient count of the
preview and the start of a broadcast to everyone who follows something: the broadcast, its audience
and every outbox row in one transaction. (Delivery itself, paced at Telegram's limits, is measured by
bench/broadcast.py.)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content import load_content  # noqa: E402
from flows.broadcast_view import payloads  # noqa: E402
from storage import Database, OutboxRepository  # noqa: E402
from storage.broadcasts import BroadcastRepository, NewBroadcast, areas_of  # noqa: E402


async def run(followers: int) -> None:
    content = load_content()
    wijken = list(content.wijken)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.sqlite3")

        async def fill(conn):
            await conn.executemany("INSERT INTO residents (user_id, language, inactive_at) VALUES (?, ?, ?)",
                                   [(i, "en" if i % 4 == 0 else None, "2026-01-01T00:00:00.000Z" if i % 97 == 0
                                     else None) for i in range(1, followers + 1)])
            await conn.executemany("INSERT INTO followings (user_id, kind, code) VALUES (?, 'wijk', ?)",
                                   [(i, wijken[i % len(wijken)]) for i in range(1, followers + 1)])
            await conn.executemany("INSERT INTO followings (user_id, kind, code) VALUES (?, 'theme', 'groen')",
                                   [(i,) for i in range(1, followers + 1, 3)])

        await db.write(fill)
        repo = BroadcastRepository(db, areas_of(content.stadsdelen))
        start = time.perf_counter()
        counts = await repo.count((("all", ""),))
        counted = time.perf_counter() - start
        start = time.perf_counter()
        broadcast = await repo.create(NewBroadcast("Informatieavond", (("all", ""),), text_en="Information evening"),
                                      payloads("Informatieavond", "Information evening", None))
        queued = time.perf_counter() - start
        start = time.perf_counter()
        await repo.progress(broadcast.id)
        progress = time.perf_counter() - start
        outbox = OutboxRepository(db)
        start = time.perf_counter()
        await outbox.pending()
        pending = time.perf_counter() - start
        await repo.pause(broadcast.id)
        start = time.perf_counter()
        await outbox.pending()
        paused = time.perf_counter() - start
        await db.close()
    print(f"followers: {followers:,}  recipients: {broadcast.recipients:,} ({counts['nl']:,} nl, {counts['en']:,} en)")
    print(f"recipient count for the preview: {counted * 1000:.0f} ms")
    print(f"broadcast started (every outbox row, one transaction): {queued:.2f} s")
    print(f"progress figures (one query): {progress * 1000:.0f} ms")
    print(f"the dispatcher's next batch: {pending * 1000:.1f} ms; with the whole broadcast paused (every row "
          f"skipped): {paused * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=20_000)
    asyncio.run(run(parser.parse_args().followers))


if __name__ == "__main__":
    main()
