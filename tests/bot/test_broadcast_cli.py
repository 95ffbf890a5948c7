"""`wijkwijzer broadcast ...` for scripted use (in-process: main() with the environment of an operator)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest
from telegram import Bot

from bot.cli import main
from bot.duties import progress_payload
from bot.outbox import OutboxDispatcher
from flows.broadcast_view import payloads, payloads_of
from scheduling.broadcasts import BroadcastDuties
from storage import Database, FollowingRepository, OutboxRepository, ResidentRepository, StaffRepository
from storage.broadcasts import BroadcastRepository, NewBroadcast, areas_of
from storage.timestamps import ManualClock, use_clock, utc_now
from tests.auxil.recording_request import RecordingRequest, buttons_of

NOON = dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.UTC)  # 12:00 in Haarlem


@pytest.fixture
def db_file(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "wijkwijzer.sqlite3"
    for name in ("TELEGRAM_BOT_TOKEN", "WIJKWIJZER_QUIET_HOURS", "WIJKWIJZER_CONTENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WIJKWIJZER_DB", str(path))
    monkeypatch.chdir(tmp_path)  # no .env of the developer

    async def seed() -> None:
        db = await Database.open(path)
        follow = FollowingRepository(db)
        await follow.follow(1, "wijk", "WK039218")  # Europawijk, Schalkwijk
        await follow.follow(2, "wijk", "WK039219")  # Boerhaavewijk, Schalkwijk
        await follow.follow(3, "theme", "groen")
        await follow.follow(4, "wijk", "WK039218")
        await ResidentRepository(db).mark_inactive(4)
        await StaffRepository(db).add(7001, "gebiedsverbinder", "centrum")
        await StaffRepository(db).add(8000, "staff", None)
        await db.close()

    asyncio.run(seed())
    return path


@pytest.fixture(autouse=True)
def clock():
    with use_clock(ManualClock(NOON)) as manual:
        yield manual


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["broadcast", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_send_status_list_cancel(db_file, capsys) -> None:
    code, out, _err = run(capsys, "send", "--text", "Informatieavond Schalkwijk", "--text-en", "Information evening",
                          "--audience", "stadsdeel:Schalkwijk", "--audience", "thema:Groen")
    assert code == 0 and out.strip() == "Broadcast 1: 3 recipients, sending now (about 1 s)."
    code, out, _err = run(capsys, "status", "1")
    assert out.splitlines() == [
        "Broadcast 1 · sending · followers in stadsdeel Schalkwijk; followers of the theme Greenery",
        "sent 0 · pending 3 · blocked 0 · failed 0",
        "estimated time left: 1 s at 27 messages/s"]

    async def deliver_one() -> None:
        db = await Database.open(db_file)
        outbox = OutboxRepository(db)
        first, second, *_ = await outbox.pending()
        await outbox.mark_sent(first.id)
        await outbox.mark_failed(second.id, "Forbidden: bot was blocked by the user")
        await db.close()

    asyncio.run(deliver_one())
    assert "sent 1 · pending 1 · blocked 1 · failed 0" in run(capsys, "status", "1")[1]
    code, out, _err = run(capsys, "list")
    assert code == 0 and "   1  sending" in out and "Informatieavond Schalkwijk" in out
    assert run(capsys, "cancel", "1")[1].strip() == "Broadcast 1 is cancelled."
    assert "sent 1 · pending 0 · blocked 1 · failed 0 · cancelled 1" in run(capsys, "status", "1")[1]
    code, _out, err = run(capsys, "cancel", "1")
    assert code == 2 and err.strip() == "wijkwijzer: ID 1 is cancelled: cancel does not apply"


def test_status_estimates_at_the_rate_measured(db_file, capsys, clock) -> None:
    """Like the progress message: the rate of this run of sending, not the planned 27 a second."""
    run(capsys, "send", "--text", "Hallo", "--audience", "all")

    async def deliver(count: int) -> None:
        db = await Database.open(db_file)
        outbox = OutboxRepository(db)
        for message in (await outbox.pending())[:count]:
            await outbox.mark_sent(message.id)
        await db.close()

    asyncio.run(deliver(1))
    clock.advance(seconds=20)
    asyncio.run(deliver(1))  # 2 sent in 20 seconds: 0.1 a second, 1 to go
    out = run(capsys, "status", "1")[1]
    assert "sent 2 · pending 1" in out and "estimated time left: 10 s at 0.1 messages/s" in out


def test_planned_and_quiet_hours(db_file, capsys, clock) -> None:
    code, out, _err = run(capsys, "send", "--text", "Morgen", "--audience", "all", "--at", "2026-12-01 23:00")
    assert code == 0 and out.strip() == ("Broadcast 1: 3 recipients now, planned for Wednesday 2 December 2026, "
                                         "08:00 (after the quiet hours).")
    assert "planned for Wednesday 2 December 2026, 08:00; 3 recipients now" in run(capsys, "status", "1")[1]
    clock.set(dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC))  # 23:00: quiet, unless told otherwise
    assert "sending now" in run(capsys, "send", "--text", "Nu", "--audience", "all", "--ignore-quiet-hours")[1]


def test_as_a_staff_member_within_their_rights(db_file, capsys) -> None:
    code, out, _err = run(capsys, "send", "--text", "Hallo", "--audience", "wijk:Europawijk", "--as", "8000")
    assert code == 0 and "1 recipients" in out
    code, _out, err = run(capsys, "send", "--text", "Hallo", "--audience", "wijk:Europawijk", "--as", "7001")
    assert code == 2 and err.startswith("wijkwijzer: --as 7001 may not send to this audience")
    code, _out, err = run(capsys, "send", "--text", "Hallo", "--audience", "all", "--as", "42")
    assert code == 2 and "42 is not a staff member" in err


def test_as_a_staff_member_they_follow_its_progress_as_after_omroep(db_file, capsys, content) -> None:
    """--as 8000: a progress message in their chat, edited as it goes, with its buttons, then the final report."""
    api = RecordingRequest()

    async def the_running_bot(*, report: bool = True) -> None:
        """What the bot does every few seconds: report progress (the duties), and deliver (the outbox)."""
        db = await Database.open(db_file)
        try:
            if report:
                duties = BroadcastDuties(db, areas_of(content.stadsdelen), payloads_of, progress_payload(content),
                                         quiet=None)
                await duties.run_due(utc_now())
            async with Bot("123456:TEST-token", request=api, get_updates_request=RecordingRequest()) as bot:
                await OutboxDispatcher(bot, OutboxRepository(db)).deliver()
        finally:
            await db.close()

    def to_8000() -> list[tuple[str, dict]]:
        return [(method, params) for method, params in api.calls if params.get("chat_id") == 8000]

    code, out, _err = run(capsys, "send", "--text", "Hallo", "--audience", "stadsdeel:Schalkwijk", "--as", "8000")
    assert code == 0 and "2 recipients" in out
    run(capsys, "pause", "1")
    asyncio.run(the_running_bot(report=False))  # what the command line queued: their progress message
    [(method, first)] = to_8000()
    assert method == "sendMessage" and first["text"].splitlines() == [
        "Bericht #1 aan volgers in stadsdeel Schalkwijk",
        "Verstuurd: 0 van 2 · nog te versturen: 2 · bot geblokkeerd: 0 · mislukt: 0",
        "Bezig met versturen; klaar over minder dan een minuut."]
    assert buttons_of(first) == [("Pauzeren", "om:pause:1"), ("Annuleren", "om:cancel:1")]
    asyncio.run(the_running_bot())  # paused: that message says so
    run(capsys, "resume", "1")
    asyncio.run(the_running_bot())  # the residents get it
    asyncio.run(the_running_bot())  # nothing left: the final report
    calls = to_8000()
    edits = [params for method, params in calls[1:-1]]
    assert [method for method, _params in calls] == ["sendMessage", *["editMessageText"] * len(edits), "sendMessage"]
    assert {params["message_id"] for params in edits} == {1000}  # the message the first sendMessage got
    assert "Gepauzeerd" in edits[0]["text"] and ("Hervatten", "om:resume:1") in buttons_of(edits[0])
    assert "Klaar: er is niets meer te versturen." in edits[-1]["text"] and buttons_of(edits[-1]) == []
    assert calls[-1][1]["text"] == edits[-1]["text"]  # a new message: it notifies
    assert sorted(p["chat_id"] for p in api.sent() if p["chat_id"] != 8000) == [1, 2]  # each resident once


def test_cancel_shows_on_the_progress_message_of_who_started_it(db_file, capsys) -> None:
    async def started_in_telegram() -> None:  # by staff member 8000 with /omroep, progress in message 31
        db = await Database.open(db_file)
        await BroadcastRepository(db, {}).create(NewBroadcast("Hallo", (("all", ""),), created_by=8000),
                                                 payloads("Hallo", None, None), progress_chat=8000,
                                                 progress_message=31)
        await db.close()

    async def progress_for_8000() -> list[dict]:
        db = await Database.open(db_file)
        rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'progress' AND chat_id = 8000")
        await db.close()
        return [json.loads(r["payload"]) for r in rows]

    asyncio.run(started_in_telegram())
    assert run(capsys, "cancel", "1")[1].strip() == "Broadcast 1 is cancelled."
    edit, report = asyncio.run(progress_for_8000())
    assert edit["edit_message"] == 31 and edit["buttons"] == [] and "edit_message" not in report
    assert "Geannuleerd door een collega: 3 berichten zijn niet verstuurd." in edit["text"]  # in their language


@pytest.mark.parametrize(("args", "problem"), [
    (["--text", "x", "--audience", "wijk:Nergenshuizen"], "--audience 'Nergenshuizen' is not a wijk of Haarlem"),
    (["--text", "x", "--audience", "thema:koken"], "--audience 'koken' is not a theme"),
    (["--text", "x", "--audience", "iedereen"], "--audience 'iedereen' is not all, stadsdeel:NAME"),
    (["--text", "x" * 4097, "--audience", "all"], "--text must be 1 to 4096 characters (now 4097)"),
    (["--text", "x", "--audience", "all", "--at", "morgen"], "--at is not a date and time"),
    (["--text", "x", "--audience", "stadsdeel:Centrum"], "--audience reaches nobody"),
])
def test_bad_input_is_one_line_and_exit_2(db_file, capsys, args, problem) -> None:
    code, out, err = run(capsys, "send", *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and problem in err, err
    assert run(capsys, "list")[1].strip() == "No broadcasts yet."


def test_unknown_id(db_file, capsys) -> None:
    code, _out, err = run(capsys, "status", "9")
    assert code == 2 and err.strip() == "wijkwijzer: ID 9 is not a broadcast"
