"""Broadcasts in storage: who is in the audience, exactly-once start, pause and cancel."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from storage import Database, FollowingRepository, OutboxRepository, ResidentRepository, StaffRepository
from storage.broadcasts import BROADCAST_PRIORITY, BroadcastRepository, NewBroadcast
from storage.outbox import enqueue
from storage.timestamps import ManualClock, use_clock

AREAS = {"noord": ("WK039210", "WK039211"), "centrum": ("WK039201",)}
PAYLOADS = {"nl": {"text": "Hallo", "buttons": []}, "en": {"text": "Hello", "buttons": []}}


@pytest.fixture
async def world(db: Database) -> BroadcastRepository:
    follow = FollowingRepository(db)
    residents = ResidentRepository(db)
    await follow.follow(1, "wijk", "WK039210")  # noord
    await follow.follow(2, "wijk", "WK039211")  # noord
    await follow.follow(2, "theme", "groen")  # twice in scope: once in the audience
    await follow.follow(3, "wijk", "WK039201")  # centrum
    await follow.follow(4, "theme", "groen")  # a theme only
    await follow.follow(5, "wijk", "WK039210")
    await residents.mark_inactive(5)  # blocked the bot
    await follow.follow(6, "wijk", "WK039210")
    await follow.unfollow_all(6)  # used /stop
    await residents.set_language(1, "en")
    await residents.set_wijk(7, "WK039210")  # lives in noord but never opted in
    await StaffRepository(db).add(900, "gebiedsverbinder", "noord")
    return BroadcastRepository(db, AREAS)


async def recipients(db: Database, broadcast_id: int) -> dict[int, str]:
    rows = await db.fetchall("SELECT chat_id, payload FROM outbox WHERE broadcast_id = ? AND kind = 'broadcast'",
                             (broadcast_id,))
    assert len(rows) == len({r["chat_id"] for r in rows})  # nobody twice
    return {r["chat_id"]: json.loads(r["payload"])["text"] for r in rows}


@pytest.mark.parametrize(("audience", "expected"), [
    ((("all", ""),), {1, 2, 3, 4}),
    ((("stadsdeel", "noord"),), {1, 2}),
    ((("wijk", "WK039210"), ("wijk", "WK039201")), {1, 3}),
    ((("theme", "groen"),), {2, 4}),
    ((("theme", "groen"), ("stadsdeel", "noord")), {1, 2, 4}),
    ((("gebiedsverbinders", ""),), {900}),
    ((("stadsdeel", "nergens"),), set()),
])
async def test_audience_rules(db, world, audience, expected) -> None:
    counts = await world.count(audience)
    assert sum(counts.values()) == len(expected)
    broadcast = await world.create(NewBroadcast("Hallo", audience, text_en="Hello"), PAYLOADS)
    assert broadcast.status == "sending" and broadcast.recipients == len(expected)
    assert set(await recipients(db, broadcast.id)) == expected  # never /stop (6), inactive (5) or 7


async def test_language_of_each_recipient(db, world) -> None:
    broadcast = await world.create(NewBroadcast("Hallo", (("stadsdeel", "noord"),), text_en="Hello"), PAYLOADS)
    assert await recipients(db, broadcast.id) == {1: "Hello", 2: "Hallo"}
    assert await world.count((("stadsdeel", "noord"),)) == {"nl": 1, "en": 1}


async def test_scheduled_starts_once(db, world) -> None:
    clock = ManualClock(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
    with use_clock(clock):
        later = clock.now + dt.timedelta(hours=2)
        broadcast = await world.create(NewBroadcast("Hallo", (("all", ""),), send_at=later), PAYLOADS)
        assert broadcast.status == "scheduled" and await recipients(db, broadcast.id) == {}
        assert await world.next_send_at() == later
        assert await world.due(clock.now) == []
        clock.advance(hours=3)
        [due] = await world.due(clock.now)
        assert await world.start(due, PAYLOADS, clock.now) == 4
        assert await world.start(due, PAYLOADS, clock.now) is None  # a second run (or process) adds nothing
        assert len(await recipients(db, broadcast.id)) == 4
        assert await world.next_send_at() is None


async def test_broadcast_goes_after_notifications_and_pause_holds_it(db, world) -> None:
    broadcast = await world.create(NewBroadcast("Hallo", (("all", ""),)), PAYLOADS)
    await db.write(lambda conn: enqueue(conn, 77, {"text": "Uw idee is ontvangen", "buttons": []}))
    outbox = OutboxRepository(db)
    pending = await outbox.pending()
    assert pending[0].chat_id == 77 and len(pending) == 5
    row = await db.fetchone("SELECT priority FROM outbox WHERE broadcast_id = ?", (broadcast.id,))
    assert row[0] == BROADCAST_PRIORITY < 0
    assert await world.pause(broadcast.id)
    assert [m.chat_id for m in await outbox.pending()] == [77]
    assert not await world.pause(broadcast.id)  # already paused
    assert await world.resume(broadcast.id)
    assert len(await outbox.pending()) == 5


async def test_cancel_parks_unsent_and_progress_counts(db, world) -> None:
    broadcast = await world.create(NewBroadcast("Hallo", (("all", ""),)), PAYLOADS)
    outbox = OutboxRepository(db)
    first, second, third, *_ = await outbox.pending()
    await outbox.mark_sent(first.id)
    await outbox.mark_failed(second.id, "Forbidden: bot was blocked by the user")
    await outbox.mark_failed(third.id, "Chat not found")
    progress = await world.progress(broadcast.id)
    assert (progress.sent, progress.pending, progress.blocked, progress.failed) == (1, 1, 1, 1)
    assert progress.seconds_left(1.0) == 1.0
    assert await world.cancel(broadcast.id)
    assert await outbox.pending() == []
    progress = await world.progress(broadcast.id)
    assert (progress.sent, progress.pending, progress.cancelled) == (1, 0, 1)
    assert (await world.get(broadcast.id)).status == "cancelled"
    await outbox.mark_sent(first.id + 3)  # the dispatcher had taken it before the cancellation: sent anyway
    progress = await world.progress(broadcast.id)
    assert (progress.sent, progress.cancelled, progress.total) == (2, 0, 4)
    assert not await world.cancel(broadcast.id)
    assert not await world.finish_if_complete(broadcast.id)  # cancelled stays cancelled


async def test_done_when_nothing_is_pending(db, world) -> None:
    broadcast = await world.create(NewBroadcast("Hallo", (("theme", "groen"),)), PAYLOADS)
    outbox = OutboxRepository(db)
    assert not await world.finish_if_complete(broadcast.id)
    for message in await outbox.pending():
        await outbox.mark_sent(message.id)
    assert await world.finish_if_complete(broadcast.id)
    assert (await world.get(broadcast.id)).status == "done"


async def test_progress_message_is_replaced_not_piled_up(db, world) -> None:
    broadcast = await world.create(NewBroadcast("Hallo", (("all", ""),)), PAYLOADS, progress_chat=900,
                                   progress_message=12)
    await world.queue_progress(broadcast, {"text": "1 verstuurd", "buttons": []})
    await world.queue_progress(broadcast, {"text": "2 verstuurd", "buttons": []})
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'progress'")
    assert [json.loads(r["payload"])["text"] for r in rows] == ["2 verstuurd"]
    await world.pause(broadcast.id)
    assert [m.chat_id for m in await OutboxRepository(db).pending()] == [900]  # progress is not held


async def test_progress_is_not_queued_for_a_status_that_changed(db, world) -> None:
    broadcast = await world.create(NewBroadcast("Hallo", (("all", ""),)), PAYLOADS, progress_chat=900,
                                   progress_message=12)
    assert await world.queue_progress(broadcast, {"text": "bezig", "buttons": []})
    assert await world.cancel(broadcast.id)  # a colleague, after the duties read the broadcast as 'sending'
    assert not await world.queue_progress(broadcast, {"text": "nog steeds bezig", "buttons": []})
    cancelled = await world.get(broadcast.id)
    assert await world.queue_progress(cancelled, {"text": "geannuleerd", "buttons": []})
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'progress'")
    assert [json.loads(r["payload"])["text"] for r in rows] == ["geannuleerd"]


async def test_starter_language(db, world) -> None:
    await ResidentRepository(db).set_language(901, "en")
    english = await world.create(NewBroadcast("Hallo", (("all", ""),)), progress_chat=901)
    dutch = await world.create(NewBroadcast("Hallo", (("all", ""),)), progress_chat=900)  # never chose one
    assert (await world.starter_language(english), await world.starter_language(dutch)) == ("en", "nl")


async def test_a_run_of_sending_begins_at_start_resume_and_end_of_a_hold(db, world) -> None:
    noon = dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.UTC)
    with use_clock(ManualClock(noon)) as clock:
        broadcast = await world.create(NewBroadcast("Hallo", (("all", ""),)), PAYLOADS)
        assert broadcast.sending_since == noon == broadcast.queued_at
        outbox = OutboxRepository(db)
        first, second, *_ = await outbox.pending()
        clock.advance(seconds=1)
        await outbox.mark_sent(first.id)
        progress = await world.progress(broadcast.id)
        assert (progress.run_sent, progress.run_first_sent) == (1, noon + dt.timedelta(seconds=1))

        await world.pause(broadcast.id)
        assert (await world.get(broadcast.id)).sending_since == noon
        resumed = clock.advance(hours=1)
        await world.resume(broadcast.id)
        assert (await world.get(broadcast.id)).sending_since == resumed
        assert (await world.progress(broadcast.id)).run_sent == 0  # a new run: nothing sent in it yet
        clock.advance(seconds=2)
        await outbox.mark_sent(second.id)
        progress = await world.progress(broadcast.id)
        assert (progress.sent, progress.run_sent, progress.run_first_sent) == (2, 1, clock.now)

        morning = noon + dt.timedelta(hours=20)
        await world.hold_until(broadcast.id, morning)  # the quiet hours hold the rest until the morning
        assert (await world.get(broadcast.id)).sending_since == morning
        await world.pause(broadcast.id)
        clock.advance(minutes=30)  # resumed during the night: the run still begins in the morning
        await world.resume(broadcast.id)
        assert (await world.get(broadcast.id)).sending_since == morning
        await world.hold_until(broadcast.id, morning - dt.timedelta(hours=1))  # never moved back
        assert (await world.get(broadcast.id)).sending_since == morning


async def test_database_refuses_bad_rows(db, world) -> None:
    with pytest.raises(Exception, match="CHECK"):
        await db.execute_write("INSERT INTO broadcasts (text_nl, status) VALUES ('x', 'sending')")  # never queued
    with pytest.raises(Exception, match="CHECK"):
        await db.execute_write("INSERT INTO broadcasts (text_nl) VALUES (?)", ("x" * 4097,))
    with pytest.raises(ValueError):
        await world.create(NewBroadcast("Hallo", (("buurt", "x"),)))


async def test_every_broadcast_action_is_in_the_audit_log(db, world) -> None:
    broadcast = await world.create(NewBroadcast("Hallo", (("all", ""),), created_by=501), PAYLOADS)
    assert await world.pause(broadcast.id, actor=501)
    assert await world.resume(broadcast.id, actor=501)
    assert await world.cancel(broadcast.id)  # from the command line: the operator
    rows = await db.fetchall("SELECT actor, actor_id, action, subject FROM audit_log ORDER BY id")
    subject = f"broadcast {broadcast.id}"
    assert [tuple(r) for r in rows] == [
        ("staff", 501, "broadcast.created", subject), ("system", None, "broadcast.started", subject),
        ("staff", 501, "broadcast.paused", subject), ("staff", 501, "broadcast.resumed", subject),
        ("operator", None, "broadcast.cancelled", subject)]
