"""Delivery against a fake Bot API that enforces Telegram's limits: once each, blocked ones noted."""

from __future__ import annotations

import time

from telegram import Bot
from telegram.error import TimedOut

from bot.app import build_application
from bot.config import Settings
from bot.outbox import AMBIGUOUS, OutboxDispatcher
from flows.types import Reply
from storage import Database, OutboxRepository, ResidentRepository
from storage.broadcasts import BROADCAST_PRIORITY as BROADCAST
from storage.outbox import enqueue_many
from tests.auxil.app import running
from tests.auxil.limited_api import LimitedBotApi
from tests.auxil.recording_request import RecordingRequest
from tests.auxil.updates import user


def limited_application(db_path: str, content, api: LimitedBotApi):
    settings = Settings(token="123456:TEST-token", base_url="http://offline.invalid/bot", db_path=db_path,
                        content_dir=None, outbox_paused=True)
    return build_application(settings, content, request=api, get_updates_request=RecordingRequest())


async def queue_broadcast(db: Database, chats: range | list[int], text: str = "Informatieavond") -> None:
    async def run(conn) -> None:
        await enqueue_many(conn, [(chat, Reply(text).to_dict()) for chat in chats], kind="broadcast",
                           priority=BROADCAST)

    await db.write(run)


async def test_every_recipient_once_blocked_ones_inactive_within_the_limits(db_path: str, content) -> None:
    blocked = {5, 17, 33}
    api = LimitedBotApi(blocked=blocked, latency=0.02)
    app = limited_application(db_path, content, api)
    async with running(app):
        db: Database = app.bot_data["database"]
        dispatcher: OutboxDispatcher = app.bot_data["outbox"]
        chats = range(1, 81)
        await queue_broadcast(db, chats)
        started = time.monotonic()
        assert await dispatcher.deliver() == 80 - len(blocked)
        elapsed = time.monotonic() - started
        residents = ResidentRepository(db)
        for chat in blocked:
            assert (await residents.get(chat)).inactive_at is not None
        assert (await residents.get(1)) is None or (await residents.get(1)).inactive_at is None
        failed = await db.fetchall("SELECT chat_id FROM outbox WHERE failed_at IS NOT NULL")
        sent = await db.fetchall("SELECT chat_id FROM outbox WHERE sent_at IS NOT NULL")
    per_chat = api.per_chat()
    assert set(per_chat) == set(chats) - blocked and set(per_chat.values()) == {1}
    assert {r["chat_id"] for r in failed} == blocked and len(sent) == 80 - len(blocked)
    assert api.rate_limited == 0 and api.violations == []
    assert elapsed > (80 - 1) / 31  # paced, not a burst


async def test_a_429_pauses_that_message_and_it_is_sent_once_afterwards(db_path: str, content) -> None:
    api = LimitedBotApi(refuse_first={3: 1}, refusal_retry_after=1)
    app = limited_application(db_path, content, api)
    async with running(app):
        db: Database = app.bot_data["database"]
        await queue_broadcast(db, range(1, 11))
        assert await app.bot_data["outbox"].deliver() == 10
        row = await db.fetchone("SELECT sent_at, failed_at, attempts FROM outbox WHERE chat_id = 3")
    assert row["sent_at"] is not None and row["failed_at"] is None
    assert api.per_chat()[3] == 1 and api.rate_limited == 1
    assert api.violations == []  # nothing was sent while Telegram asked to wait


async def test_a_reply_goes_before_a_running_broadcast(db_path: str, content) -> None:
    import asyncio

    api = LimitedBotApi()
    app = limited_application(db_path, content, api)
    async with running(app):
        db: Database = app.bot_data["database"]
        await queue_broadcast(db, range(1, 91))
        delivery = asyncio.create_task(app.bot_data["outbox"].deliver())
        await asyncio.sleep(0.5)
        asked = time.monotonic()
        await app.bot.send_message(5000, "Het antwoord op uw vraag")  # a handler's reply: lane REPLY
        waited = time.monotonic() - asked
        await delivery
    assert waited < 0.5  # not behind the ~75 broadcast messages still queued
    assert api.per_chat()[5000] == 1 and api.violations == []


class TimingOut(RecordingRequest):
    async def do_request(self, url, method, request_data=None, **kwargs):  # type: ignore[override]
        if url.endswith("/sendMessage"):
            raise TimedOut("Timed out")
        return await super().do_request(url, method, request_data, **kwargs)


async def test_an_ambiguous_timeout_is_retried_once_and_recorded(db: Database) -> None:
    outbox = OutboxRepository(db)
    await queue_broadcast(db, [42])
    bot = Bot("123456:TEST-token", request=TimingOut(), get_updates_request=RecordingRequest())
    async with bot:
        dispatcher = OutboxDispatcher(bot, outbox)
        await dispatcher.deliver()
        row = await db.fetchone("SELECT failed_at, last_error FROM outbox")
        assert row["failed_at"] is None and row["last_error"].startswith(AMBIGUOUS)
        await db.execute_write("UPDATE outbox SET next_try_at = NULL")
        await dispatcher.deliver()
    row = await db.fetchone("SELECT failed_at, last_error FROM outbox")
    assert row["failed_at"] is not None and "twice" in row["last_error"]
    assert dispatcher.stats.ambiguous == 2


def membership_update(bot: Bot, user_id: int, old: str, new: str):
    from telegram import Update

    def member(status: str) -> dict:
        data = {"status": status, "user": {"id": 777000, "is_bot": True, "first_name": "Wijkwijzer"}}
        return data | ({"until_date": 0} if status == "kicked" else {})

    return Update.de_json({"update_id": 1, "my_chat_member": {
        "chat": {"id": user_id, "type": "private", "first_name": "Bewoner"},
        "from": user(user_id), "date": int(time.time()),
        "old_chat_member": member(old), "new_chat_member": member(new),
    }}, bot)


async def test_blocking_and_unblocking_the_bot_mark_the_resident(db_path: str, content) -> None:
    api = LimitedBotApi()
    app = limited_application(db_path, content, api)
    async with running(app):
        residents = app.bot_data["assistant"].services.residents
        await app.process_update(membership_update(app.bot, 61, "member", "kicked"))
        assert (await residents.get(61)).inactive_at is not None
        await app.process_update(membership_update(app.bot, 61, "kicked", "member"))
        assert (await residents.get(61)).inactive_at is None
