"""End to end: an idea reaches the gebiedsverbinder, who handles it; a crash loses nothing."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from tests.e2e.harness import Emulator, Resident, buttons, wijkwijzer_cli

STAFF = 6001


def send_idea(resident: Resident) -> str:
    """Go through the whole intake for Vogelenwijk (Noord); return the reference."""
    resident.say("/idee")
    resident.receive_text("Wat wilt u doorgeven?")
    resident.press("in:kind:idee")
    resident.receive_text("Over welke wijk gaat het?")
    resident.say("Vogelenwijk")
    resident.receive_text("Beschrijf uw idee")
    resident.say("Graag een bankje bij de speeltuin aan de Kleverlaan.")
    resident.receive_text("foto's")
    for action, expect in (("in:photos:done", "thema"), ("in:theme:groen", "antwoorden"),
                           ("in:reply:yes", "naam"), ("in:name:no", "Kijk het na")):
        resident.press(action)
        resident.receive_text(expect)
    resident.press("in:send")
    [sent] = [m for m in resident.receive_text("Uw referentie is") if "referentie" in m["text"]]
    return sent["text"].split("referentie is ")[1].split(".")[0]


def test_idea_reaches_gebiedsverbinder_who_answers(emulator: Emulator, start_bot, tmp_path: Path) -> None:
    db_path = tmp_path / "wijkwijzer.sqlite3"
    start_bot()  # creates and migrates the database
    resident, staff = Resident(emulator, 5101), Resident(emulator, STAFF)
    resident.say("/start")
    resident.receive_text("Welkom")
    wijkwijzer_cli(db_path, "staff", "add", str(STAFF), "--role", "gebiedsverbinder", "--stadsdeel", "Noord")

    reference = send_idea(resident)
    [notification] = [m for m in staff.receive_text(reference) if reference in m["text"]]
    assert "Nieuw voor stadsdeel Noord" in notification["text"] and "bankje" in notification["text"]
    assert ("In behandeling", "st:1:beh") in buttons(notification)

    staff.press("st:1:beh")
    staff.receive_text("heeft nu de status In behandeling")
    resident.receive_text(f"{reference}: de status is nu In behandeling")

    staff.press("st:1:reply")
    staff.receive_text("Typ uw antwoord")
    staff.say("Dank u! We bekijken de plek tijdens de wijkschouw.")
    staff.receive_text("onderweg naar de bewoner")
    resident.receive_text("Antwoord van de gebiedsverbinder", "wijkschouw")


def test_killed_between_storing_and_notifying_delivers_exactly_once(emulator: Emulator, start_bot,
                                                                     tmp_path: Path) -> None:
    db_path = tmp_path / "wijkwijzer.sqlite3"
    bot = start_bot(WIJKWIJZER_OUTBOX_PAUSED="1")  # stores and queues, but does not send yet
    resident, staff = Resident(emulator, 5102), Resident(emulator, STAFF)
    resident.say("/start")
    resident.receive_text("Welkom")
    wijkwijzer_cli(db_path, "staff", "add", str(STAFF), "--role", "gebiedsverbinder", "--stadsdeel", "Noord")
    reference = send_idea(resident)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0] == 1

    bot.kill()  # SIGKILL: stored, not yet notified
    start_bot()
    messages = staff.receive_text(reference)
    time.sleep(3)  # give a duplicate every chance to show up
    messages += staff.receive(lambda _: True, timeout=1)
    assert sum(reference in m["text"] for m in messages) == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL").fetchone()[0] == 1
