"""Intake benchmark: residents completing 'Idee of signaal doorgeven' through the real Application.

Usage: python bench/intake.py [--residents N]

Each resident sends /idee, chooses the kind, types a wijk, describes the idea, skips photos, picks a
theme and both consents, and sends: 9 updates, each stored in SQLite (WAL) before the reply, the
last one storing the submission with its history and its notifications in one transaction. The
outbox dispatcher runs as in production and delivers those notifications to the offline Bot API.
Prints completed submissions per second and the latency per update. Goal (issue 3): p99 < 20 ms.
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

from content import load_content  # noqa: E402
from storage import StaffRepository  # noqa: E402
from tests.auxil.app import offline_application, running  # noqa: E402
from tests.auxil.updates import callback_update, message_update  # noqa: E402

WIJKEN = ["Vogelenwijk", "Meerwijk", "Oude Stad", "Parkwijk", "Duinwijk", "2034", "garenkokers", "Delftwijk"]
THEMES = ["groen", "verkeer", "veiligheid", "jeugd", "ontmoeting", "duurzaamheid", "overig"]


def intake_updates(bot, user_id: int, i: int) -> list:
    wijk = WIJKEN[i % len(WIJKEN)]
    updates = [
        message_update(bot, user_id, "/idee"),
        callback_update(bot, user_id, "in:kind:" + ("idee", "signaal", "vraag")[i % 3]),
        message_update(bot, user_id, wijk),
    ]
    if wijk == "2034":  # a postcode in two wijken: the resident picks one
        updates.append(callback_update(bot, user_id, "in:w:WK039218"))
    updates += [
        message_update(bot, user_id, f"Bewoner {i}: graag meer groen en een bankje bij het speelveld."),
        callback_update(bot, user_id, "in:photos:done"),
        callback_update(bot, user_id, f"in:theme:{THEMES[i % len(THEMES)]}"),
        callback_update(bot, user_id, "in:reply:yes"),
        callback_update(bot, user_id, "in:name:no"),
        callback_update(bot, user_id, "in:send"),
    ]
    return updates


async def main(residents: int) -> None:
    content = load_content()
    with tempfile.TemporaryDirectory() as tmp:
        app, api = offline_application(str(Path(tmp) / "intake.sqlite3"), content)
        async with running(app):
            db = app.bot_data["database"]
            for n, stadsdeel in enumerate(content.stadsdelen):
                await StaffRepository(db).add(900 + n, "gebiedsverbinder", stadsdeel)
            conversations = [intake_updates(app.bot, 200_000 + i, i) for i in range(residents)]
            latencies = []
            start = time.perf_counter()
            for updates in conversations:
                for update in updates:
                    t0 = time.perf_counter()
                    await app.process_update(update)
                    latencies.append((time.perf_counter() - t0) * 1000)
            elapsed = time.perf_counter() - start
            await app.bot_data["outbox"].deliver()
            stored = (await db.fetchone("SELECT COUNT(*) FROM submissions"))[0]
            delivered = (await db.fetchone("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL"))[0]
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{residents} residents, {len(latencies)} updates, {stored} submissions stored, "
          f"{delivered} notifications delivered")
    print(f"completed submissions/s: {stored / elapsed:.0f}   updates/s: {len(latencies) / elapsed:.0f}")
    print(f"latency per update: p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms, max {ordered[-1]:.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=1000)
    asyncio.run(main(parser.parse_args().residents))
