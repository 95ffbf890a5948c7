"""End to end: `wijkwijzer run` polls a local Bot API emulator over real HTTP."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.e2e.harness import Emulator, Resident, buttons


def test_start_and_a_question(emulator: Emulator, start_bot) -> None:
    start_bot()
    resident = Resident(emulator, user_id=5001)
    resident.say("/start")
    [welcome] = resident.receive_text("Welkom bij Wijkwijzer")
    assert [label for label, _ in buttons(welcome)] == [
        "Vragen over wijkplatforms", "Idee of signaal doorgeven", "Mijn wijk", "Inspraak", "Contact"]

    resident.say("Hoeveel subsidie krijgt een wijkplatform?")
    [answer] = resident.receive_text("€ 5.000")
    assert "Bron: gemeente Haarlem" in answer["text"]

    commands = emulator.commands()
    assert {c["command"] for c in commands["nl"]} >= {"start", "vragen", "contact", "taal", "help"}
    assert commands["en"][0]["description"] == "Start and show the menu"


def test_english_resident_and_buttons(emulator: Emulator, start_bot) -> None:
    start_bot()
    resident = Resident(emulator, user_id=5002, language_code="en")
    resident.say("/start")
    resident.receive_text("Welcome to Wijkwijzer")
    resident.press("sd:schalkwijk")
    resident.receive_text("Ingrid Hamer", "iphamer@haarlem.nl")


def test_killed_mid_flow_continues_after_restart(emulator: Emulator, start_bot, tmp_path: Path) -> None:
    bot = start_bot()
    resident = Resident(emulator, user_id=5003)
    resident.press("m:contact")
    resident.receive_text("Over welk stadsdeel gaat het?")
    with sqlite3.connect(tmp_path / "wijkwijzer.sqlite3") as conn:
        assert conn.execute("SELECT flow, step FROM conversations WHERE user_id = 5003").fetchone() == (
            "contact", "ask_stadsdeel")

    bot.kill()  # SIGKILL between two messages of the resident
    start_bot()
    resident.say("Vogelenwijk")
    messages = resident.receive_text("Karin Kranendonk")
    assert any("Vogelenwijk ligt in stadsdeel Noord" in m["text"] for m in messages)
