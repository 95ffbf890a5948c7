"""The broadcast engine: planned broadcasts start once (also after downtime), progress reaches staff."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.config import Settings
from bot.duties import build_scheduler
from flows.broadcast_view import payloads, show_cancelled
from scheduling.broadcasts import BroadcastDuties
from storage import FollowingRepository, OutboxRepository
from storage.broadcasts import PROGRESS_OF, BroadcastRepository, NewBroadcast, areas_of
from storage.timestamps import ManualClock, use_clock

STAFF = 8000
NOON = dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.UTC)  # 12:00 in Haarlem


@pytest.fixture
def clock():
    with use_clock(ManualClock(NOON)) as manual:
        yield manual


@pytest.fixture
async def engine(db, content, clock) -> BroadcastDuties:
    for user_id in range(1, 6):
        await FollowingRepository(db).follow(user_id, "wijk", "WK039210")
    scheduler = build_scheduler(db, content, Settings(None, "http://x/bot", db.path, None))
    return next(e for e in scheduler.engines if e.name == "broadcasts")


async def progress_rows(db) -> list[dict]:
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'progress' AND sent_at IS NULL ORDER BY id")
    return [json.loads(r["payload"]) for r in rows]


async def test_planned_broadcast_starts_once_after_downtime(db, content, engine, clock) -> None:
    repo = BroadcastRepository(db, areas_of(content.stadsdelen))
    at = NOON + dt.timedelta(hours=1)
    await repo.create(NewBroadcast("Hallo", (("all", ""),), send_at=at), payloads("Hallo", None, None))
    assert await engine.next_due(clock.now) == at
    assert await engine.run_due(clock.now) == 0
    clock.advance(hours=5)  # the assistant was down at 13:00
    assert await engine.run_due(clock.now) == 5
    assert await engine.run_due(clock.now) == 0
    other = BroadcastDuties(db, areas_of(content.stadsdelen), lambda b: {}, lambda *a: {}, quiet=None)
    assert await other.run_due(clock.now) == 0  # a second process starts nothing
    assert (await db.fetchone("SELECT COUNT(*) FROM outbox WHERE kind = 'broadcast'"))[0] == 5


async def test_planned_in_quiet_hours_waits_for_morning(db, content, engine, clock) -> None:
    repo = BroadcastRepository(db, areas_of(content.stadsdelen))
    night = dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC)  # 23:00 in Haarlem
    await repo.create(NewBroadcast("Hallo", (("all", ""),), send_at=night), payloads("Hallo", None, None))
    morning = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)
    assert await engine.next_due(clock.now) == morning
    clock.set(night)
    assert await engine.run_due(clock.now) == 0
    clock.set(morning)
    assert await engine.run_due(clock.now) == 5


async def test_progress_edits_then_final_report(db, content, engine, clock) -> None:
    repo = BroadcastRepository(db, areas_of(content.stadsdelen))
    broadcast = await repo.create(NewBroadcast("Hallo", (("all", ""),), created_by=STAFF),
                                  payloads("Hallo", None, None), progress_chat=STAFF, progress_message=77)
    await engine.run_due(clock.now)
    [first] = await progress_rows(db)
    assert first["edit_message"] == 77 and "Verstuurd: 0 van 5" in first["text"]
    outbox = OutboxRepository(db)
    pending = [m for m in await outbox.pending() if m.chat_id != STAFF]
    await outbox.mark_sent(pending[0].id)
    await outbox.mark_failed(pending[1].id, "Forbidden: bot was blocked by the user")
    clock.advance(seconds=2)
    await engine.run_due(clock.now)
    assert len(await progress_rows(db)) == 1  # not yet: every few seconds
    clock.advance(seconds=4)
    await engine.run_due(clock.now)
    [second] = await progress_rows(db)  # the older unsent edit was replaced
    assert "Verstuurd: 1 van 5 · nog te versturen: 3 · bot geblokkeerd: 1" in second["text"]
    for message in await outbox.pending():
        await outbox.mark_sent(message.id)
    clock.advance(seconds=6)
    await engine.run_due(clock.now)
    edit, report = await progress_rows(db)
    assert edit["edit_message"] == 77 and "Klaar" in edit["text"] and edit["buttons"] == []
    assert "edit_message" not in report and "Verstuurd: 4 van 5" in report["text"]
    assert (await repo.get(broadcast.id)).status == "done"
    assert await engine.next_due(clock.now) is None


async def test_started_with_as_the_first_report_becomes_the_progress_message(db, content, engine, clock) -> None:
    """`wijkwijzer broadcast send --as`: no summary message to edit, so the first report is a new message; once
    the outbox recorded its id, the reports edit it and the final report follows, as after /omroep."""
    repo = BroadcastRepository(db, areas_of(content.stadsdelen))
    broadcast = await repo.create(NewBroadcast("Hallo", (("all", ""),), created_by=STAFF),
                                  payloads("Hallo", None, None), progress_chat=STAFF)
    await engine.run_due(clock.now)
    [first] = await progress_rows(db)
    assert "edit_message" not in first and first[PROGRESS_OF] == broadcast.id
    assert "Verstuurd: 0 van 5" in first["text"]
    assert [action for row in first["buttons"] for _label, action in row] == ["om:pause:1", "om:cancel:1"]
    outbox = OutboxRepository(db)
    [row] = await outbox.for_chat(STAFF)
    await outbox.mark_sent(row.id, progress_message=(broadcast.id, 321))  # as the sender does once it went
    assert (await repo.get(broadcast.id)).progress_message == 321
    residents = [m for m in await outbox.pending() if m.chat_id != STAFF]
    await outbox.mark_sent(residents[0].id)
    clock.advance(seconds=6)
    await engine.run_due(clock.now)
    [second] = await progress_rows(db)
    assert second["edit_message"] == 321 and PROGRESS_OF not in second and "Verstuurd: 1 van 5" in second["text"]
    for message in residents[1:]:
        await outbox.mark_sent(message.id)
    clock.advance(seconds=6)
    await engine.run_due(clock.now)
    edit, report = await progress_rows(db)  # the unsent "1 van 5" edit was replaced
    assert edit["edit_message"] == 321 and "Klaar" in edit["text"] and edit["buttons"] == []
    assert "edit_message" not in report and PROGRESS_OF not in report and "Verstuurd: 5 van 5" in report["text"]


async def test_quiet_hours_hold_a_broadcast_that_is_still_sending(db, content, engine, clock) -> None:
    repo = BroadcastRepository(db, areas_of(content.stadsdelen))
    evening = dt.datetime(2026, 12, 1, 19, 59, 50, tzinfo=dt.UTC)  # 20:59:50 in Haarlem
    clock.set(evening)
    broadcast = await repo.create(NewBroadcast("Hallo", (("all", ""),), created_by=STAFF),
                                  payloads("Hallo", None, None), progress_chat=STAFF, progress_message=77)
    await engine.run_due(clock.now)
    outbox = OutboxRepository(db)
    first = next(m for m in await outbox.pending() if m.chat_id != STAFF)
    await outbox.mark_sent(first.id)  # one went before 21:00
    quiet_start = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)
    assert await engine.next_due(clock.now) <= quiet_start  # woken at 21:00 itself (or a report before it)
    clock.set(quiet_start)
    await engine.run_due(clock.now)
    assert [m.chat_id for m in await outbox.pending()] == [STAFF]  # only the progress edit to staff
    held = (await progress_rows(db))[-1]["text"]
    assert "stille uren" in held and "woensdag 2 december 2026, 08:00" in held
    # a restart in the night (a new engine, the same database) keeps holding them
    clock.advance(hours=3)
    fresh = BroadcastDuties(db, areas_of(content.stadsdelen), lambda b: {}, lambda *a: {},
                            quiet=engine._quiet)
    await fresh.run_due(clock.now)
    assert all(m.chat_id == STAFF for m in await outbox.pending())
    clock.set(dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC))  # 08:00: the other four go
    assert len([m for m in await outbox.pending() if m.chat_id != STAFF]) == 4
    await engine.run_due(clock.now)
    assert "stille uren" not in (await progress_rows(db))[-1]["text"]
    assert (await repo.get(broadcast.id)).status == "sending"


async def test_a_colleagues_cancellation_is_the_last_word_on_the_progress_message(db, content, engine,
                                                                                  clock) -> None:
    repo = BroadcastRepository(db, areas_of(content.stadsdelen))
    broadcast = await repo.create(NewBroadcast("Hallo", (("all", ""),), created_by=STAFF),
                                  payloads("Hallo", None, None), progress_chat=STAFF, progress_message=77)
    await engine.run_due(clock.now)
    assert "Verstuurd: 0 van 5" in (await progress_rows(db))[-1]["text"]
    read_before = await repo.get(broadcast.id)  # what a report read just before the cancellation
    assert await repo.cancel(broadcast.id, actor=STAFF + 1)
    assert await show_cancelled(content, repo, broadcast.id, STAFF + 1, clock.now) == 2
    assert not await repo.queue_progress(read_before, {"text": "Bezig met versturen", "buttons": []})
    clock.advance(seconds=6)
    await engine.run_due(clock.now)
    edit, report = await progress_rows(db)  # the unsent "0 van 5" was replaced; nothing came after
    assert edit["edit_message"] == 77 and "Geannuleerd door een collega: 5 berichten" in edit["text"]
    assert "edit_message" not in report
    assert await engine.next_due(clock.now) is None


async def follow_many(db, count: int) -> None:
    """``count`` more followers of the Transvaalwijk (ids from 1000), in one transaction."""
    rows = [(user_id, "wijk", "WK039210") for user_id in range(1000, 1000 + count)]
    await db.write(lambda conn: conn.executemany("INSERT INTO followings (user_id, kind, code) VALUES (?, ?, ?)",
                                                 rows))


async def send_some(db, clock, count: int, seconds_apart: float) -> None:
    """The dispatcher sends ``count`` of the broadcast's messages, one every ``seconds_apart`` seconds."""
    outbox = OutboxRepository(db)
    rows = await db.fetchall("SELECT id FROM outbox WHERE kind = 'broadcast' AND sent_at IS NULL ORDER BY id"
                             " LIMIT ?", (count,))
    for row in rows:
        await outbox.mark_sent(row["id"])
        clock.advance(seconds=seconds_apart)


async def test_time_left_after_the_night_is_this_mornings_rate(db, content, engine, clock) -> None:
    await follow_many(db, 300)
    repo = BroadcastRepository(db, areas_of(content.stadsdelen))
    clock.set(dt.datetime(2026, 12, 1, 19, 59, 50, tzinfo=dt.UTC))  # 20:59:50 in Haarlem
    broadcast = await repo.create(NewBroadcast("Hallo", (("all", ""),), created_by=STAFF),
                                  payloads("Hallo", None, None), progress_chat=STAFF, progress_message=77)
    await engine.run_due(clock.now)
    await send_some(db, clock, 5, 2)  # 5 went before 21:00, one every 2 seconds
    clock.set(dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC))  # 21:00: the other 300 are held
    await engine.run_due(clock.now)
    assert "stille uren" in (await progress_rows(db))[-1]["text"]
    morning = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)  # 08:00: sending goes on
    assert (await repo.get(broadcast.id)).sending_since == morning
    clock.set(morning)
    await send_some(db, clock, 60, 0.5)  # 2 a second this morning (busy with residents' questions)
    assert clock.now == morning + dt.timedelta(seconds=30)
    await engine.run_due(clock.now)
    text = (await progress_rows(db))[-1]["text"]
    # 240 still to send at 2 a second: 2 minutes (measured since 20:59:50 it would say some 40 hours)
    assert "Verstuurd: 65 van 305 · nog te versturen: 240" in text
    assert "Bezig met versturen; klaar over ongeveer 2 minuten." in text, text


async def test_time_left_after_a_pause_is_the_rate_since_resuming(db, content, engine, clock) -> None:
    await follow_many(db, 300)
    repo = BroadcastRepository(db, areas_of(content.stadsdelen))
    broadcast = await repo.create(NewBroadcast("Hallo", (("all", ""),), created_by=STAFF),
                                  payloads("Hallo", None, None), progress_chat=STAFF, progress_message=77)
    await engine.run_due(clock.now)
    await send_some(db, clock, 20, 1)
    await repo.pause(broadcast.id, STAFF)
    clock.advance(hours=1)
    await repo.resume(broadcast.id, STAFF)
    await send_some(db, clock, 20, 0.5)
    clock.advance(seconds=0.01)  # just after the last one
    await engine.run_due(clock.now)
    text = (await progress_rows(db))[-1]["text"]
    assert "nog te versturen: 265" in text  # at 2 a second: 132 seconds
    assert "klaar over ongeveer 2 minuten." in text, text


async def test_quiet_hours_leave_a_send_anyway_broadcast_alone(db, content, engine, clock) -> None:
    repo = BroadcastRepository(db, areas_of(content.stadsdelen))
    clock.set(dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC))  # 21:30 in Haarlem
    await repo.create(NewBroadcast("Storing", (("all", ""),), created_by=STAFF, send_at=clock.now,
                                   quiet_override=True), payloads("Storing", None, None))
    await engine.run_due(clock.now)
    clock.advance(seconds=10)
    await engine.run_due(clock.now)
    assert len(await OutboxRepository(db).pending()) == 5


def test_next_start_of_the_quiet_hours() -> None:
    from scheduling.quiet import QuietHours

    night = QuietHours.parse("21:00-08:00")
    evening = dt.datetime(2026, 12, 1, 19, 0, tzinfo=dt.UTC)  # 20:00 in Haarlem
    assert night.next_start(evening) == dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)
    assert night.next_start(NOON.replace(hour=23)) == NOON.replace(hour=23)  # 00:00: inside already
    summer = dt.datetime(2026, 7, 1, 18, 30, tzinfo=dt.UTC)  # 20:30 summer time: 21:00 is 19:00 UTC
    assert night.next_start(summer) == summer.replace(hour=19, minute=0)
    lunch = QuietHours.parse("12:00-13:00")  # not over midnight; after it, tomorrow's
    assert lunch.next_start(NOON.replace(hour=12)) == NOON.replace(day=2)
