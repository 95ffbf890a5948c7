"""Crash test: `wijkwijzer run` is killed with SIGKILL part-way through a broadcast to 500 residents.

After a restart the broadcast continues by itself: every eligible resident has it, nobody else does,
and the only duplicates are messages that were in flight at the kill (Telegram had them, the database
had not yet recorded them as sent).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from storage import Database
from tests.e2e.harness import Emulator, wijkwijzer_cli

FOLLOWERS = 500
TEXT = "Omroep e2e: informatieavond wijkplatform"


def seed(db_path: Path) -> set[int]:
    """500 followers (eligible), 10 who follow but blocked the bot, 10 who never opted in."""
    async def migrate() -> None:
        await (await Database.open(db_path)).close()

    asyncio.run(migrate())
    eligible = set(range(10_000, 10_000 + FOLLOWERS))
    with sqlite3.connect(db_path) as conn:
        conn.executemany("INSERT INTO followings (user_id, kind, code) VALUES (?, 'wijk', 'WK039218')",
                         [(u,) for u in eligible | set(range(20_000, 20_010))])
        conn.executemany("INSERT INTO residents (user_id, inactive_at) VALUES (?, '2026-11-01T00:00:00.000000Z')",
                         [(u,) for u in range(20_000, 20_010)])
        conn.executemany("INSERT INTO residents (user_id, wijk_code) VALUES (?, 'WK039218')",
                         [(u,) for u in range(30_000, 30_010)])
    return eligible


def sent_in_database(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'broadcast' AND sent_at IS NOT NULL").fetchone()
    return int(row[0])


def wait_for(condition, timeout: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout}s")


def test_sigkill_mid_broadcast_then_restart(emulator: Emulator, start_bot, tmp_path: Path) -> None:
    db_path = tmp_path / "wijkwijzer.sqlite3"
    eligible = seed(db_path)
    result = wijkwijzer_cli(db_path, "broadcast", "send", "--text", TEXT, "--audience", "all",
                            "--ignore-quiet-hours")
    assert result.stdout.startswith(f"Broadcast 1: {FOLLOWERS} recipients, sending now")

    bot = start_bot(WIJKWIJZER_QUIET_HOURS="off")
    wait_for(lambda: sum(emulator.sent(TEXT).values()) >= 1, 120, "the first message")
    first = time.monotonic()
    wait_for(lambda: sum(emulator.sent(TEXT).values()) >= FOLLOWERS // 3, 120, "a third of the broadcast")
    bot.kill()
    killed_after = time.monotonic() - first
    at_kill = sum(emulator.sent(TEXT).values())
    recorded = sent_in_database(db_path)
    in_flight = at_kill - recorded  # Telegram has them, the database does not know
    assert 0 <= in_flight and at_kill < FOLLOWERS, (at_kill, recorded)

    start_bot(WIJKWIJZER_QUIET_HOURS="off")
    wait_for(lambda: set(emulator.sent(TEXT)) >= eligible, 180, "delivery to every eligible resident")
    time.sleep(1)  # anything still on its way would show up as a duplicate
    counts = emulator.sent(TEXT)
    duplicates = sum(n - 1 for n in counts.values())
    rate = at_kill / killed_after if killed_after > 0 else 0
    print(f"\nkilled after {at_kill} messages ({rate:.0f}/s through the emulator); in flight at the kill: "
          f"{in_flight}; duplicates after restart: {duplicates}")
    assert set(counts) == eligible  # nobody skipped; no inactive or not-following resident
    assert duplicates <= in_flight
    status = wijkwijzer_cli(db_path, "broadcast", "status", "1").stdout
    assert f"sent {FOLLOWERS} · pending 0" in status
