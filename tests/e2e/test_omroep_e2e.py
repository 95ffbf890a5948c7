"""End to end: a staff member sends a broadcast with /omroep and watches its progress message change."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from tests.e2e.harness import Emulator, Resident, buttons, wijkwijzer_cli
from tests.e2e.test_inspraak_e2e import follow

STAFF, COLLEAGUE = 6101, 6102


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


def edited(emulator: Emulator, chat_id: int, message: dict, needle: str, timeout: float = 30) -> dict:
    """The bot's ``message`` in ``chat_id`` as it is once an edit put ``needle`` in it."""
    deadline = time.monotonic() + timeout
    while True:
        now = next(m for m in emulator.messages(chat_id) if m["message_id"] == message["message_id"])
        if needle in now["text"] or time.monotonic() > deadline:
            assert needle in now["text"], now
            return now
        time.sleep(0.2)


def test_cancelled_by_a_colleague_shows_on_the_starters_message(emulator: Emulator, start_bot,
                                                                  tmp_path: Path) -> None:
    db_path = tmp_path / "wijkwijzer.sqlite3"
    start_bot(WIJKWIJZER_QUIET_HOURS="off")
    follow(Resident(emulator, 5303), "Europawijk", "f:y:WK039218")
    for user_id in (STAFF, COLLEAGUE):
        wijkwijzer_cli(db_path, "staff", "add", str(user_id), "--role", "staff")
    staff, colleague = Resident(emulator, STAFF), Resident(emulator, COLLEAGUE)
    later = (dt.datetime.now() + dt.timedelta(days=10)).strftime("%d-%m-%Y 10:00")  # stays planned
    staff.say("/omroep")
    staff.receive_text("Typ het bericht voor bewoners")
    staff.say("Informatieavond wijkplatform Schalkwijk op 3 december.")
    staff.receive_text("Engelse versie")
    for action, expect in (("om:skip", "Wie moet het krijgen?"), ("om:sdl", "Welk stadsdeel?"),
                           ("om:sd:schalkwijk", "Wanneer moet het weg?")):
        staff.press(action)
        staff.receive_text(expect)
    staff.say(later)
    staff.receive_text("Ontvangers nu: 1")
    [summary] = [m for m in emulator.messages(STAFF) if ("Versturen", "om:send") in buttons(m)]
    staff.press("om:send", message_id=summary["message_id"])
    assert buttons(edited(emulator, STAFF, summary, "Gepland voor")) == [("Annuleren", "om:cancel:1")]

    colleague.press("om:cancel:1")
    colleague.receive_text("Bericht #1 annuleren?")
    [question] = [m for m in emulator.messages(COLLEAGUE) if any(a == "om:cancelyes:1" for _l, a in buttons(m))]
    colleague.press("om:cancelyes:1", message_id=question["message_id"])
    edited(emulator, COLLEAGUE, question, "Geannuleerd voordat het verstuurd werd")  # they did it themselves
    # the starter's message is edited, and a new message tells them (its buttons are not checked here: the
    # emulator keeps the old keyboard when an edit has none, Telegram removes it; tests/flows checks none is sent)
    now = edited(emulator, STAFF, summary, "Geannuleerd door een collega")
    assert now["text"].splitlines() == ["Bericht #1 aan volgers in stadsdeel Schalkwijk",
                                        "Geannuleerd door een collega voordat het verstuurd werd: niemand krijgt het."]
    staff.receive_text("Geannuleerd door een collega voordat het verstuurd werd: niemand krijgt het.")
    status = wijkwijzer_cli(db_path, "broadcast", "list").stdout
    assert "   1  cancelled" in status, status
