"""End to end: a staff member sends a broadcast with /omroep and watches its progress message change."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.harness import Emulator, Resident, buttons, wijkwijzer_cli
from tests.e2e.test_inspraak_e2e import follow

STAFF = 6101


def test_omroep_reaches_followers_and_progress_is_edited(emulator: Emulator, start_bot, tmp_path: Path) -> None:
    db_path = tmp_path / "wijkwijzer.sqlite3"
    start_bot(WIJKWIJZER_QUIET_HOURS="off")
    follower, other = Resident(emulator, 5301), Resident(emulator, 5302)
    follow(follower, "Europawijk", "f:y:WK039218")
    wijkwijzer_cli(db_path, "staff", "add", str(STAFF), "--role", "staff")
    staff = Resident(emulator, STAFF)

    staff.say("/omroep")
    staff.receive_text("Typ het bericht voor bewoners")
    staff.say("Informatieavond wijkplatform Schalkwijk op 3 december.")
    staff.receive_text("Engelse versie")
    for action, expect in (("om:skip", "Wie moet het krijgen?"), ("om:sdl", "Welk stadsdeel?"),
                           ("om:sd:schalkwijk", "Wanneer moet het weg?"), ("om:now", "Ontvangers nu: 1")):
        staff.press(action)
        staff.receive_text(expect)
    [summary] = [m for m in emulator.messages(STAFF) if ("Versturen", "om:send") in buttons(m)]
    staff.press("om:send", message_id=summary["message_id"])

    received = follower.receive_text("Informatieavond wijkplatform Schalkwijk")
    assert ("Stop deze berichten", "f:s") in buttons(received[-1])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = next(m for m in emulator.messages(STAFF) if m["message_id"] == summary["message_id"])
        if "Klaar" in now["text"]:
            break
        time.sleep(0.2)
    assert "Bericht #1 aan volgers in stadsdeel Schalkwijk" in now["text"], now
    assert "Verstuurd: 1 van 1" in now["text"] and "Klaar" in now["text"]
    staff.receive_text("Klaar: er is niets meer te versturen.")  # and a new message, which notifies
    assert emulator.sent("Informatieavond").get(other.chat["id"]) is None
    status = wijkwijzer_cli(db_path, "broadcast", "list").stdout
    assert "   1  done" in status, status
