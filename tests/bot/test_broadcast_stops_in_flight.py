"""Pausing or cancelling a broadcast, or the quiet hours beginning, also stops the messages the outbox
sender already took.

The sender takes up to 100 rows at a time; a broadcast's rows then wait for their turn from the pacer
(here on a manual clock, so nothing depends on how fast the machine is). What has not gone to Telegram
when staff press Pauzeren or Annuleren stays unsent: pending until the resume, or cancelled. What has not
gone when the quiet hours begin stays pending until the morning (the time of day is a manual clock too).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from telegram.ext import ExtBot

from bot.outbox import OutboxDispatcher
from bot.stopped_broadcasts import StoppedBroadcasts
from flows.types import Reply
from pacing import ManualClock, Pacer, PacingRateLimiter
from scheduling.quiet import QuietHours
from storage import Database, OutboxRepository, StaffRepository
from storage.broadcasts import CANCELLED, Broadcast, BroadcastRepository, NewBroadcast
from storage.outbox import enqueue
from storage.timestamps import ManualClock as TimeOfDay
from storage.timestamps import use_clock
from tests.auxil.app import running
from tests.auxil.limited_api import LimitedBotApi
from tests.auxil.recording_request import RecordingRequest
from tests.auxil.updates import callback_update

PAYLOADS = {"nl": {"text": "Informatieavond", "buttons": []}, "en": {"text": "Information evening", "buttons": []}}
FIRST = 1000
STAFF = 8000
RESIDENT = 5000  # someone who sent an idea, and hears about it
QUIET = QuietHours.parse("21:00-08:00")
JUST_BEFORE_NINE = dt.datetime(2026, 12, 1, 19, 59, 59, tzinfo=dt.UTC)  # 20:59:59 in Haarlem
NINE_PM = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)  # 21:00: the quiet hours begin
EIGHT_AM = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)  # 08:00: they end


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for what runs in other tasks and the database's thread (not a timing assertion)."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{what} did not happen")


async def start_broadcast(db: Database, recipients: int, **new: object) -> Broadcast:
    async def follow(conn) -> None:
        await conn.executemany("INSERT INTO followings (user_id, kind, code) VALUES (?, 'wijk', 'WK039210')",
                               [(FIRST + i,) for i in range(recipients)])

    await db.write(follow)
    return await BroadcastRepository(db, {}).create(NewBroadcast("Informatieavond", (("all", ""),), **new),
                                                    PAYLOADS)


async def run_clock(clock: ManualClock, *tasks: asyncio.Future[object]) -> None:
    """Move the clock on a second at a time until ``tasks`` are done; the database works in real time meanwhile."""
    for _ in range(600):
        if all(task.done() for task in tasks):
            return
        await clock.advance(1.0)
        await asyncio.wait(tasks, timeout=0.01)
    raise AssertionError("not done after ten minutes on the clock")


@dataclass
class Sender:
    clock: ManualClock
    pacer: Pacer
    api: RecordingRequest
    dispatcher: OutboxDispatcher

    def sent_to(self) -> Counter[int]:
        return Counter(int(p["chat_id"]) for p in self.api.sent())

    async def deliver_while_held(self, recipients: int) -> asyncio.Task[int]:
        """Take the whole broadcast: the first message goes at once, the others wait for their turns."""
        delivery = asyncio.create_task(self.dispatcher.deliver())
        await until(lambda: self.pacer.waiting == recipients - 1 and len(self.api.sent()) == 1,
                    "taking the broadcast")
        return delivery

    async def finish(self, delivery: asyncio.Task[int]) -> int:
        await run_clock(self.clock, delivery)
        return delivery.result()


@asynccontextmanager
async def paced_sender(db: Database, quiet: QuietHours | None = None,
                       api: RecordingRequest | None = None) -> AsyncIterator[Sender]:
    clock = ManualClock()
    pacer = Pacer(clock=clock)
    api = api or RecordingRequest()
    bot = ExtBot("123456:TEST-token", request=api, get_updates_request=RecordingRequest(),
                 rate_limiter=PacingRateLimiter(pacer))
    async with bot:
        yield Sender(clock, pacer, api, OutboxDispatcher(bot, OutboxRepository(db), clock=clock, quiet=quiet))


@pytest.fixture
async def sender(db: Database) -> AsyncIterator[Sender]:
    async with paced_sender(db) as made:
        yield made


@pytest.fixture
async def night_sender(db: Database) -> AsyncIterator[Sender]:
    """A sender that keeps the quiet hours (21:00-08:00), at 20:59:59 on the time-of-day clock."""
    with use_clock(TimeOfDay(JUST_BEFORE_NINE)):
        async with paced_sender(db, QUIET) as made:
            yield made


async def rows(db: Database, broadcast_id: int) -> dict[str, int]:
    row = await db.fetchone(
        "SELECT COUNT(sent_at) AS sent, SUM(sent_at IS NULL AND failed_at IS NULL) AS pending,"
        " SUM(sent_at IS NULL AND failed_at IS NOT NULL AND last_error = ?) AS cancelled,"
        " SUM(sent_at IS NOT NULL AND failed_at IS NOT NULL) AS both_marked"
        " FROM outbox WHERE broadcast_id = ? AND kind = 'broadcast'", (CANCELLED, broadcast_id))
    return {k: int(row[k] or 0) for k in ("sent", "pending", "cancelled", "both_marked")}


async def test_pause_keeps_the_taken_messages_pending_and_resume_sends_them_once(db, sender) -> None:
    broadcast = await start_broadcast(db, 40)
    repo = BroadcastRepository(db, {})
    delivery = await sender.deliver_while_held(40)
    assert await repo.pause(broadcast.id)
    sender.dispatcher.broadcast_stopped(broadcast.id)  # as /omroep's Pauzeren does, through Services
    assert await sender.finish(delivery) == 1
    assert len(sender.api.sent()) == 1  # not the 39 the sender held
    assert await rows(db, broadcast.id) == {"sent": 1, "pending": 39, "cancelled": 0, "both_marked": 0}
    assert (await repo.progress(broadcast.id)).pending == 39
    assert sender.dispatcher.stats.withdrawn == 39
    assert sender.pacer.stats.granted == 1 and sender.pacer.stats.withdrawn == 39  # no turn spent on them

    assert await sender.dispatcher.deliver() == 0  # paused: nothing is taken
    assert await repo.resume(broadcast.id)
    assert await sender.finish(asyncio.create_task(sender.dispatcher.deliver())) == 39
    assert sender.sent_to() == Counter(range(FIRST, FIRST + 40))  # every recipient exactly once
    assert await rows(db, broadcast.id) == {"sent": 40, "pending": 0, "cancelled": 0, "both_marked": 0}


async def test_cancel_leaves_the_taken_messages_cancelled(db, sender) -> None:
    broadcast = await start_broadcast(db, 30)
    repo = BroadcastRepository(db, {})
    delivery = await sender.deliver_while_held(30)
    assert await repo.cancel(broadcast.id)
    sender.dispatcher.broadcast_stopped(broadcast.id)
    assert await sender.finish(delivery) == 1
    assert len(sender.api.sent()) == 1
    assert await rows(db, broadcast.id) == {"sent": 1, "pending": 0, "cancelled": 29, "both_marked": 0}
    progress = await repo.progress(broadcast.id)
    assert (progress.sent, progress.pending, progress.cancelled) == (1, 0, 29)  # counted as not sent
    assert await sender.finish(asyncio.create_task(sender.dispatcher.deliver())) == 0
    assert len(sender.api.sent()) == 1


async def test_a_pause_by_the_command_line_stops_the_taken_messages_within_a_second(db, sender) -> None:
    broadcast = await start_broadcast(db, 60)
    delivery = await sender.deliver_while_held(60)
    await sender.clock.advance(0.5)
    assert await BroadcastRepository(db, {}).pause(broadcast.id)  # another process: no hook, the database only
    await sender.clock.advance(0.6)  # the sender reads the status of what it holds every second
    await until(lambda: broadcast.id in sender.dispatcher.stopped, "reading the status")
    sent = len(sender.api.sent())
    assert await sender.finish(delivery) == sent
    assert len(sender.api.sent()) == sent < 60
    assert await rows(db, broadcast.id) == {"sent": sent, "pending": 60 - sent, "cancelled": 0, "both_marked": 0}
    assert sender.dispatcher.stats.withdrawn == 60 - sent


async def test_a_photo_broadcast_paused_between_photo_and_text_is_sent_whole_or_not_at_all(db, sender) -> None:
    broadcast = await start_broadcast(db, 10, photo="photo-id")

    async def with_photo(conn) -> None:
        await conn.execute("UPDATE outbox SET payload = json_set(payload, '$.photos', json('[\"photo-id\"]'))")

    await db.write(with_photo)
    repo = BroadcastRepository(db, {})
    delivery = asyncio.create_task(sender.dispatcher.deliver())
    await until(lambda: len(sender.api.sent("sendPhoto")) == 1, "the first photo")
    assert await repo.pause(broadcast.id)  # its text has not gone yet: it waits for its chat's next turn
    sender.dispatcher.broadcast_stopped(broadcast.id)
    await sender.finish(delivery)
    assert len(sender.api.sent("sendPhoto")) == len(sender.api.sent()) == 1
    assert (await rows(db, broadcast.id))["pending"] == 9


async def test_staff_pressing_pause_stops_what_the_running_bot_holds(db_path, content) -> None:
    from bot.app import build_application
    from bot.config import Settings

    clock = ManualClock()
    api = RecordingRequest()
    settings = Settings(token="123456:TEST-token", base_url="http://offline.invalid/bot", db_path=db_path,
                        content_dir=None, outbox_paused=True, quiet_hours=None)  # whatever the time of day
    app = build_application(settings, content, request=api, get_updates_request=RecordingRequest(),
                            pacer=Pacer(clock=clock))
    async with running(app):
        db: Database = app.bot_data["database"]
        dispatcher: OutboxDispatcher = app.bot_data["outbox"]
        assert app.bot_data["assistant"].services.broadcast_stopped == dispatcher.broadcast_stopped
        await StaffRepository(db).add(STAFF, "staff", None)
        broadcast = await start_broadcast(db, 20)
        delivery = asyncio.create_task(dispatcher.deliver())
        await until(lambda: len(api.sent()) == 1, "the first message")
        press = asyncio.create_task(app.process_update(callback_update(app.bot, STAFF, f"om:pause:{broadcast.id}")))
        await until(lambda: broadcast.id in dispatcher.stopped, "Pauzeren")
        await run_clock(clock, press, delivery)
        assert (await BroadcastRepository(db, {}).progress(broadcast.id)).pending == 19
    assert [p["chat_id"] for p in api.sent()] == [FIRST]
    assert "Gepauzeerd" in api.texts()[-1]  # the staff member's edited message


async def notify_resident(db: Database) -> None:
    """A status change of the resident's idea: a personal message, which goes at night as by day."""
    await db.write(lambda conn: enqueue(conn, RESIDENT, Reply("Uw idee WW-2612-0001 is in behandeling.").to_dict()))


async def test_the_quiet_hours_withdraw_the_taken_messages_and_the_morning_sends_them_once(db, night_sender) -> None:
    sender = night_sender
    broadcast = await start_broadcast(db, 40)
    delivery = await sender.deliver_while_held(40)  # the first went at 20:59:59; 39 wait for their turn
    with use_clock(TimeOfDay(NINE_PM)):
        assert await sender.finish(delivery) == 1
        assert sender.sent_to() == Counter([FIRST])  # none of the 39 in the quiet hours
        assert await rows(db, broadcast.id) == {"sent": 1, "pending": 39, "cancelled": 0, "both_marked": 0}
        assert sender.dispatcher.stats.withdrawn == 39 and sender.pacer.stats.granted == 1
        # in the night the sender takes none of them (also before the duties hold them until 08:00), while
        # a personal message to a resident still goes
        await notify_resident(db)
        assert await sender.finish(asyncio.create_task(sender.dispatcher.deliver())) == 1
        assert sender.sent_to() == Counter([FIRST, RESIDENT])
    with use_clock(TimeOfDay(EIGHT_AM)):
        assert await sender.finish(asyncio.create_task(sender.dispatcher.deliver())) == 39
    assert sender.sent_to() == Counter([*range(FIRST, FIRST + 40), RESIDENT])  # every recipient exactly once
    assert await rows(db, broadcast.id) == {"sent": 40, "pending": 0, "cancelled": 0, "both_marked": 0}


async def test_a_message_refused_with_429_before_the_quiet_hours_is_not_retried_in_them(db) -> None:
    """A request Telegram refused did not go: at its retry, after 21:00, the message is withdrawn."""
    with use_clock(TimeOfDay(JUST_BEFORE_NINE)):
        async with paced_sender(db, QUIET, LimitedBotApi(refuse_first={FIRST: 1}, refusal_retry_after=5)) as sender:
            broadcast = await start_broadcast(db, 2)
            delivery = asyncio.create_task(sender.dispatcher.deliver())
            await until(lambda: sender.pacer.stats.rate_limited == 1, "the 429")  # the bot waits 5 s
            with use_clock(TimeOfDay(NINE_PM)):
                assert await sender.finish(delivery) == 0
    assert sender.api.sent() == [] and sender.dispatcher.stats.withdrawn == 2
    assert await rows(db, broadcast.id) == {"sent": 0, "pending": 2, "cancelled": 0, "both_marked": 0}


async def test_a_send_anyway_broadcast_goes_on_in_the_quiet_hours(db, night_sender) -> None:
    sender = night_sender
    broadcast = await start_broadcast(db, 20, quiet_override=True)  # "Nu toch versturen"
    delivery = await sender.deliver_while_held(20)
    with use_clock(TimeOfDay(NINE_PM)):
        assert await sender.finish(delivery) == 20
    assert sender.sent_to() == Counter(range(FIRST, FIRST + 20))
    assert await rows(db, broadcast.id) == {"sent": 20, "pending": 0, "cancelled": 0, "both_marked": 0}


async def test_the_running_bot_sends_no_taken_broadcast_message_once_the_quiet_hours_begin(db_path, content) -> None:
    from bot.app import build_application
    from bot.config import Settings

    clock = ManualClock()
    api = RecordingRequest()
    settings = Settings(token="123456:TEST-token", base_url="http://offline.invalid/bot", db_path=db_path,
                        content_dir=None, outbox_paused=True)  # the default quiet hours, 21:00-08:00
    with use_clock(TimeOfDay(JUST_BEFORE_NINE)) as time_of_day:
        app = build_application(settings, content, request=api, get_updates_request=RecordingRequest(),
                                pacer=Pacer(clock=clock))
        async with running(app):
            db: Database = app.bot_data["database"]
            broadcast = await start_broadcast(db, 20)
            delivery = asyncio.create_task(app.bot_data["outbox"].deliver())
            await until(lambda: len(api.sent()) == 1, "the first message")
            time_of_day.set(NINE_PM)
            await run_clock(clock, delivery)
            assert await rows(db, broadcast.id) == {"sent": 1, "pending": 19, "cancelled": 0, "both_marked": 0}
    assert [p["chat_id"] for p in api.sent()] == [FIRST]


def test_a_read_begun_before_a_pause_cannot_undo_it() -> None:
    stopped = StoppedBroadcasts()
    before = stopped.reading()
    stopped.stopped(1)  # committed while the read was under way
    stopped.read(before, sending={1})
    assert 1 in stopped
    after = stopped.reading()  # begun after a resume
    stopped.read(after, sending={1})
    assert 1 not in stopped
    checked = stopped.reading()
    stopped.read(checked, stopped={2})  # paused by the command line
    assert 2 in stopped and 1 not in stopped
