"""Flood control in the real Application: a flood is dropped early, with one notice; staff exempt."""

from __future__ import annotations

import asyncio

from telegram import Bot

from bot.update_order import PerResidentOrder
from locales import _, use_language
from pacing.flood import FloodGuard
from storage import StaffRepository
from tests.auxil.app import offline_application, running
from tests.auxil.updates import message_update


def notice() -> str:
    with use_language("nl"):
        return _("You are sending a lot of messages in a short time. I will not read them for a minute. "
                 "After that, please send your question again in one message.")


async def drain(app) -> None:
    for _attempt in range(1000):
        if app.update_queue.empty() and app.update_processor.current_concurrent_updates == 0:
            await asyncio.sleep(0.05)  # the notice is sent by a task of its own
            return
        await asyncio.sleep(0.01)


async def test_a_flood_is_dropped_with_one_notice_and_others_are_answered(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    processor: PerResidentOrder = app.update_processor
    async with running(app):
        await StaffRepository(app.bot_data["database"]).add(3, "gebiedsverbinder", "noord")
        await app.start()
        try:
            for i in range(40):
                await app.update_queue.put(message_update(app.bot, 1, f"hallo {i}"))
                await app.update_queue.put(message_update(app.bot, 3, f"hallo {i}"))  # staff: exempt
            await app.update_queue.put(message_update(app.bot, 2, "wat is een wijkplatform"))
            await drain(app)
        finally:
            await app.stop()
    to_flooder = [p["text"] for p in api.sent() if p["chat_id"] == 1]
    assert to_flooder.count(notice()) == 1
    assert processor.flood.dropped == 20
    assert [p for p in api.sent() if p["chat_id"] == 2]  # another resident got an answer
    assert notice() not in [p["text"] for p in api.sent() if p["chat_id"] == 3]


async def test_waiting_for_ones_own_turn_takes_no_slot() -> None:
    bot = Bot("123456:TEST-token")
    processor = PerResidentOrder(2, flood=FloodGuard(100))
    release = asyncio.Event()
    done: list[str] = []

    async def slow(name: str) -> None:
        await release.wait()
        done.append(name)

    async def quick(name: str) -> None:
        done.append(name)

    flood = [asyncio.create_task(processor.process_update(message_update(bot, 1, str(i)), slow(f"1-{i}")))
             for i in range(10)]
    other = asyncio.create_task(processor.process_update(message_update(bot, 2, "vraag"), quick("2")))
    await asyncio.wait_for(other, timeout=1)  # resident 1's nine waiting updates hold no slot
    assert done == ["2"] and processor.current_concurrent_updates == 1
    release.set()
    await asyncio.gather(*flood)
    assert done[1:] == [f"1-{i}" for i in range(10)]
