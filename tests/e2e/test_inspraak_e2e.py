"""End to end: a resident who follows Transvaalwijk hears when inspraak opens and a day before it closes."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.harness import Emulator, Resident, wijkwijzer_cli

LOCAL = ZoneInfo("Europe/Amsterdam")


def follow(resident: Resident, wijk: str, question: str) -> None:
    resident.say("/mijnwijk")
    resident.receive_text("In welke wijk woont u?")
    resident.say(wijk)
    resident.receive_text("Wilt u berichten over inspraak")
    resident.press(question)
    resident.receive_text("U volgt nu")


def test_opening_notice_then_the_one_day_reminder(emulator: Emulator, start_bot, tmp_path: Path) -> None:
    db_path = tmp_path / "wijkwijzer.sqlite3"
    start_bot(WIJKWIJZER_QUIET_HOURS="off")  # the test must not depend on the time of day it runs
    follower, other = Resident(emulator, 5201), Resident(emulator, 5202)
    follow(follower, "Transvaalwijk", "f:y:WK039210")
    follow(other, "Oude Stad", "f:y:WK039201")

    now = dt.datetime.now(LOCAL)
    opens, closes = now + dt.timedelta(seconds=5), now + dt.timedelta(days=1, seconds=20)
    created = time.monotonic()
    wijkwijzer_cli(db_path, "inspraak", "add", "--title", "Speeltuin Transvaalplein", "--wijk", "Transvaalwijk",
                   "--opens", opens.strftime("%Y-%m-%d %H:%M:%S"), "--closes", closes.strftime("%Y-%m-%d %H:%M:%S"),
                   "--url", "https://www.haarlem.nl/speeltuin")

    opening = follower.receive_text("U kunt nu uw mening geven", timeout=20)
    assert time.monotonic() - created >= 4  # not before it opened
    assert "https://www.haarlem.nl/speeltuin" in opening[-1]["text"]
    reminder = follower.receive_text("Herinnering", timeout=30)
    assert time.monotonic() - created >= 19
    texts = [m["text"] for m in opening + reminder]
    assert sum("Herinnering" in t for t in texts) == 1  # the 1-day reminder only: no 7-day one
    time.sleep(1)
    assert other.receive(lambda messages: True, timeout=1) == []  # another wijk: nothing
