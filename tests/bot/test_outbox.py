"""The outbox dispatcher: queued messages reach Telegram once; failures are retried or given up."""

from __future__ import annotations

import json

from telegram.error import Forbidden, NetworkError

from bot.outbox import OutboxDispatcher
from flows.types import Button, Reply
from storage import Database, OutboxRepository
from storage.outbox import enqueue
from tests.auxil.app import offline_application, running
from tests.auxil.recording_request import RecordingRequest


async def queue(db: Database, chat_id: int, reply: Reply) -> None:
    async def run(conn) -> None:
        await enqueue(conn, chat_id, reply.to_dict())

    await db.write(run)


async def test_delivers_once_with_photos_and_long_text(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        db: Database = app.bot_data["database"]
        dispatcher: OutboxDispatcher = app.bot_data["outbox"]
        long_text = "Kop van het bericht\n\n" + ("Een lange zin over de wijk. " * 250)
        await queue(db, 900, Reply(long_text, ((Button("Afgerond", "st:1:af"),),), photos=("f1", "f2")))
        api.clear()
        assert await dispatcher.deliver() == 1
        photos = api.sent("sendPhoto")
        assert [p["photo"] for p in photos] == ["f1", "f2"]
        assert all(len(p["caption"]) <= 1024 for p in photos) and photos[0]["caption"].startswith("Kop van")
        texts = api.sent()
        assert len(texts) == 2 and all(len(t["text"]) <= 4096 for t in texts)
        assert "reply_markup" in texts[-1] and "reply_markup" not in texts[0]
        assert await dispatcher.deliver() == 0  # nothing is sent twice
        assert await OutboxRepository(db).count_pending() == 0


class FailingRequest(RecordingRequest):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    async def do_request(self, url, method, request_data=None, **kwargs):  # type: ignore[override]
        if url.endswith("/sendMessage"):
            raise self.error
        return await super().do_request(url, method, request_data, **kwargs)


async def test_blocked_resident_is_given_up_and_network_errors_retried(db: Database) -> None:
    from telegram import Bot

    outbox = OutboxRepository(db)
    for error, expected in ((Forbidden("bot was blocked by the user"), "failed_at"),
                            (NetworkError("connection reset"), "next_try_at")):
        await queue(db, 42, Reply("Nieuws over uw idee"))
        bot = Bot("123456:TEST-token", request=FailingRequest(error), get_updates_request=RecordingRequest())
        async with bot:
            assert await OutboxDispatcher(bot, outbox).deliver() == 0
        row = await db.fetchone(f"SELECT sent_at, {expected} AS marker, last_error FROM outbox ORDER BY id DESC")
        assert row["sent_at"] is None and row["marker"] is not None and row["last_error"]
    assert await outbox.count_pending() == 1  # the network failure waits for its retry


async def test_the_first_progress_message_of_a_broadcast_is_recorded_and_a_later_one_edits_it(db: Database) -> None:
    """Started with --as, the staff member has no progress message yet: the first one sent becomes it. A second
    one queued before the first had gone (the duties report every few seconds) edits it instead."""
    from telegram import Bot

    from storage.broadcasts import PROGRESS_OF, BroadcastRepository, NewBroadcast

    repo = BroadcastRepository(db, {})
    broadcast = await repo.create(NewBroadcast("Hallo", (("gebiedsverbinders", ""),), created_by=8000),
                                  progress_chat=8000)
    for text in ("Verstuurd: 0 van 2", "Verstuurd: 1 van 2"):
        await db.write(lambda conn, text=text: enqueue(conn, 8000, {"text": text, "buttons": [],
                                                                    PROGRESS_OF: broadcast.id}))
    api = RecordingRequest()
    async with Bot("123456:TEST-token", request=api, get_updates_request=RecordingRequest()) as bot:
        assert await OutboxDispatcher(bot, OutboxRepository(db)).deliver() == 2
    [created] = api.sent()
    [edit] = api.sent("editMessageText")
    assert created["text"] == "Verstuurd: 0 van 2" and edit["text"] == "Verstuurd: 1 van 2"
    assert edit["message_id"] == 1000 == (await repo.get(broadcast.id)).progress_message  # the first one's id


def test_payload_round_trip() -> None:
    reply = Reply("tekst", ((Button("A", "a"), Button("B", "b")),), photos=("p",))
    assert Reply.from_dict(json.loads(json.dumps(reply.to_dict()))) == reply


def test_callback_data_fits_for_large_ids() -> None:
    from content import load_content
    from flows.submission_view import staff_card
    from storage.submissions import Submission

    submission = Submission(
        id=10**12, reference="WW-2611-9999", user_id=1, kind="signaal", wijk_code="WK039216", stadsdeel="noord",
        handled_by="noord", theme="duurzaamheid", text="x", latitude=None, longitude=None, consent_reply=True,
        resident_name=None, language="nl", status="nieuw", created_at="2026-11-23T10:00:00.000000Z",
        updated_at="2026-11-23T10:00:00.000000Z")
    card = staff_card(load_content(), submission)
    for row in card.buttons:
        for button in row:
            assert len(button.action.encode()) <= 64


async def test_nothing_is_sent_when_it_could_not_be_marked_sent(db_path: str, content) -> None:
    import os

    import pytest

    from storage.db import DatabaseUnavailable

    app, api = offline_application(db_path, content)
    async with running(app):
        db: Database = app.bot_data["database"]
        dispatcher: OutboxDispatcher = app.bot_data["outbox"]
        await dispatcher.stop()
        await queue(db, 900, Reply("Nieuw voor stadsdeel Noord"))
        os.remove(db_path)  # the database file disappears while running
        api.clear()
        for _ in range(2):
            with pytest.raises(DatabaseUnavailable):
                await dispatcher.deliver()
        assert api.sent() == []  # sent again and again, unmarked, is what must not happen
