"""Notices about inspraak windows, driven by a manual clock: nothing here waits for real time."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from flows.inspraak import notice
from scheduling import QuietHours, Scheduler
from scheduling.inspraak import InspraakNotices
from storage import Database, FollowingRepository, ResidentRepository
from storage.inspraak import InspraakRepository, NewWindow
from storage.timestamps import ManualClock, use_clock

LOCAL = ZoneInfo("Europe/Amsterdam")
TRANSVAAL, OUDE_STAD = "WK039210", "WK039201"  # Noord, Centrum
QUIET = QuietHours.parse("21:00-08:00")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL).astimezone(dt.UTC)


@pytest.fixture
def clock():
    manual = ManualClock(local(2026, 12, 1, 12, 0))
    with use_clock(manual):
        yield manual


@pytest.fixture
async def followers(db: Database) -> None:
    follows = FollowingRepository(db)
    await follows.follow(1, "wijk", TRANSVAAL)
    await follows.follow(2, "wijk", OUDE_STAD)  # another wijk: hears nothing about Transvaalwijk
    await follows.follow(3, "wijk", TRANSVAAL)
    await ResidentRepository(db).mark_inactive(3)  # blocked the bot
    await follows.follow(4, "theme", "groen")  # follows a theme only
    await ResidentRepository(db).set_language(5, "en")
    await follows.follow(5, "wijk", TRANSVAAL)


def engine(db: Database, content, quiet: QuietHours | None = QUIET) -> InspraakNotices:
    return InspraakNotices(db, content, lambda w, kind, lang, now: notice(content, w, kind, lang, now), quiet=quiet)


async def sent(db: Database) -> list[tuple[int, str]]:
    """(chat id, first line) of every queued notice, in order."""
    rows = await db.fetchall("SELECT chat_id, payload FROM outbox WHERE kind = 'notice' ORDER BY id")
    return [(r["chat_id"], json.loads(r["payload"])["text"].split("\n", 1)[0]) for r in rows]


async def window(db: Database, opens: dt.datetime, closes: dt.datetime, scope=(("wijk", TRANSVAAL),), **kw):
    return await InspraakRepository(db).create(NewWindow("Speeltuin Transvaalplein", opens, closes,
                                                         scope=tuple(scope), **kw))


async def test_opening_notice_reaches_followers_in_scope_once(db, content, clock, followers) -> None:
    notices = engine(db, content)
    w = await window(db, local(2026, 12, 2, 9, 0), local(2026, 12, 20, 17, 0))
    assert await notices.run_due(clock.now) == 0
    assert await notices.next_due(clock.now) == w.opens_at
    clock.set(w.opens_at)
    assert await notices.run_due(clock.now) == 2
    assert await sent(db) == [(1, "U kunt nu uw mening geven: inspraak over “Speeltuin Transvaalplein”."),
                              (5, "You can now have your say: inspraak about “Speeltuin Transvaalplein”.")]
    assert await notices.run_due(clock.advance(minutes=5)) == 0  # never twice
    payload = json.loads((await db.fetchone("SELECT payload FROM outbox WHERE chat_id = 1"))["payload"])
    assert "zondag 20 december 2026, 17:00" in payload["text"]


async def test_both_reminders_and_nothing_after_closing(db, content, clock, followers) -> None:
    notices = engine(db, content)
    w = await window(db, local(2026, 12, 2, 9, 0), local(2026, 12, 20, 17, 0))
    for moment in (w.opens_at, local(2026, 12, 13, 17, 0), local(2026, 12, 19, 17, 0), local(2026, 12, 21, 9, 0)):
        clock.set(moment)
        await notices.run_due(clock.now)
    firsts = [text for chat, text in await sent(db) if chat == 1]
    assert firsts == ["U kunt nu uw mening geven: inspraak over “Speeltuin Transvaalplein”.",
                      "Herinnering: de inspraak over “Speeltuin Transvaalplein” sluit op zondag 20 december 2026, "
                      "17:00."] + ["Herinnering: de inspraak over “Speeltuin Transvaalplein” sluit op zondag 20 "
                                   "december 2026, 17:00."]
    assert await notices.next_due(clock.now) is None


async def test_a_reminder_already_past_at_creation_is_never_sent(db, content, clock, followers) -> None:
    notices = engine(db, content)
    w = await window(db, clock.now, clock.now + dt.timedelta(days=2))  # created 2 days before closing
    assert await notices.run_due(clock.now) == 2  # the opening notice
    clock.set(w.closes_at - dt.timedelta(days=1))
    assert await notices.run_due(clock.now) == 2  # the 1-day reminder
    clock.set(w.closes_at - dt.timedelta(hours=1))
    assert await notices.run_due(clock.now) == 0
    duties = [r["duty"] for r in await db.fetchall("SELECT duty FROM inspraak_duties ORDER BY duty")]
    assert duties == ["open", "remind:86400:v1"]  # no 7-day reminder, not even as skipped


async def test_quiet_hours_move_a_notice_to_eight(db, content, clock, followers) -> None:
    notices = engine(db, content)
    w = await window(db, local(2026, 12, 1, 22, 0), local(2026, 12, 20, 17, 0))
    assert await notices.next_due(clock.now) == local(2026, 12, 2, 8, 0)
    clock.set(w.opens_at)
    assert await notices.run_due(clock.now) == 0
    clock.set(local(2026, 12, 2, 7, 59))
    assert await notices.run_due(clock.now) == 0
    clock.set(local(2026, 12, 2, 8, 0))
    assert await notices.run_due(clock.now) == 2
    assert await engine(db, content, quiet=None).next_due(clock.now) is not None  # the reminders remain


async def test_quiet_hours_off_sends_at_night(db, content, clock, followers) -> None:
    notices = engine(db, content, quiet=None)
    w = await window(db, local(2026, 12, 1, 22, 0), local(2026, 12, 20, 17, 0))
    clock.set(w.opens_at)
    assert await notices.run_due(clock.now) == 2


async def test_edit_of_dates_corrects_only_those_told(db, content, clock, followers) -> None:
    notices = engine(db, content)
    repo = InspraakRepository(db)
    w = await window(db, clock.now, local(2026, 12, 20, 17, 0))
    await notices.run_due(clock.now)  # opening notice to 1 and 5
    await FollowingRepository(db).follow(6, "wijk", TRANSVAAL)  # follows later: was never told
    clock.advance(hours=1)
    edited = await repo.edit(w.id, closes_at=local(2026, 12, 27, 17, 0))
    assert edited.version == 2
    assert await notices.run_due(clock.now) == 2
    corrections = [(c, t) for c, t in await sent(db) if t.startswith(("Gewijzigd", "Changed"))]
    assert [c for c, _t in corrections] == [1, 5]
    assert "zondag 27 december 2026" in json.loads(
        (await db.fetchone("SELECT payload FROM outbox WHERE chat_id = 1 ORDER BY id DESC"))["payload"])["text"]
    # the reminders follow the new date, and reach the later follower too
    clock.set(local(2026, 12, 26, 17, 0))
    assert await notices.run_due(clock.now) == 3


async def test_title_edit_sends_no_correction(db, content, clock, followers) -> None:
    notices = engine(db, content)
    w = await window(db, clock.now, local(2026, 12, 20, 17, 0))
    await notices.run_due(clock.now)
    await InspraakRepository(db).edit(w.id, title_nl="Speeltuin Transvaalplein (nieuw)")
    assert await notices.run_due(clock.advance(minutes=1)) == 0


async def test_cancellation_reaches_those_notified_only(db, content, clock, followers) -> None:
    notices = engine(db, content)
    w = await window(db, clock.now, local(2026, 12, 20, 17, 0))
    planned = await window(db, local(2026, 12, 10, 9, 0), local(2026, 12, 20, 17, 0))
    await notices.run_due(clock.now)
    await InspraakRepository(db).cancel(w.id)
    await InspraakRepository(db).cancel(planned.id)  # nobody was told about this one yet
    clock.advance(minutes=1)
    assert await notices.run_due(clock.now) == 2
    cancelled = [c for c, t in await sent(db) if "geannuleerd" in t or "cancelled" in t]
    assert cancelled == [1, 5]
    clock.set(local(2026, 12, 10, 9, 0))
    assert await notices.run_due(clock.now) == 0  # a cancelled window never opens


async def test_city_wide_reaches_everyone_who_follows_anything(db, content, clock, followers) -> None:
    notices = engine(db, content)
    await window(db, clock.now, local(2026, 12, 20, 17, 0), scope=())
    assert await notices.run_due(clock.now) == 4  # 1, 2, 4 and 5; 3 blocked the bot
    assert sorted(c for c, _t in await sent(db)) == [1, 2, 4, 5]


async def test_stadsdeel_scope_reaches_its_wijken(db, content, clock, followers) -> None:
    notices = engine(db, content)
    await window(db, clock.now, local(2026, 12, 20, 17, 0), scope=(("stadsdeel", "centrum"),))
    assert await notices.run_due(clock.now) == 1
    assert [c for c, _t in await sent(db)] == [2]


async def test_restart_while_a_notice_is_due_sends_it_once(db_path, content, clock, followers, db) -> None:
    w = await window(db, local(2026, 12, 2, 9, 0), local(2026, 12, 20, 17, 0))
    clock.set(local(2026, 12, 3, 12, 0))  # the assistant was down at the opening
    again = await Database.open(db_path)  # as a new process would
    try:
        scheduler = Scheduler([engine(again, content)])
        await scheduler.start()  # catch-up first
        assert [c for c, _t in await sent(again)] == [1, 5]
        assert scheduler.planned()["inspraak"] == w.closes_at - dt.timedelta(days=7)
        await scheduler.stop()
        await Scheduler([engine(again, content)]).run_pending()  # and another restart: nothing twice
        assert len(await sent(again)) == 2
    finally:
        await again.close()


async def test_down_past_several_moments_sends_only_the_newest(db, content, clock, followers) -> None:
    w = await window(db, local(2026, 12, 2, 9, 0), local(2026, 12, 20, 17, 0))
    notices = engine(db, content)
    await notices.run_due(w.opens_at)
    clock.set(local(2026, 12, 19, 18, 0))  # down from before the 7-day until after the 1-day moment
    assert await notices.run_due(clock.now) == 2
    duties = {r["duty"]: r["outcome"] for r in await db.fetchall("SELECT duty, outcome FROM inspraak_duties")}
    assert duties == {"open": "sent", "remind:604800:v1": "skipped", "remind:86400:v1": "sent"}


async def test_down_until_after_closing_skips(db, content, clock, followers) -> None:
    w = await window(db, local(2026, 12, 2, 9, 0), local(2026, 12, 20, 17, 0))
    clock.set(w.closes_at + dt.timedelta(hours=1))
    assert await engine(db, content).run_due(clock.now) == 0
    outcomes = {r["outcome"] for r in await db.fetchall("SELECT outcome FROM inspraak_duties")}
    assert outcomes == {"skipped"}
