"""Residents are served concurrently, each resident's messages in order."""

from __future__ import annotations

import asyncio

from telegram import Bot
from telegram.ext import BaseUpdateProcessor

from bot.app import build_application
from bot.config import Settings
from bot.update_order import PerResidentOrder
from pacing import PacingRateLimiter
from storage import ConversationRepository
from tests.auxil.app import offline_application, running
from tests.auxil.updates import callback_update, message_update


async def _deliver_in_order(processor: BaseUpdateProcessor, jobs) -> None:
    """What the Application does with concurrent updates: one task per update, in arrival order."""
    tasks = [asyncio.create_task(processor.process_update(update, job)) for update, job in jobs]
    await asyncio.gather(*tasks)


async def test_one_residents_updates_keep_their_order_while_others_go_ahead() -> None:
    bot = Bot("123456:TEST-token")
    done: list[str] = []

    async def work(name: str, seconds: float) -> None:
        await asyncio.sleep(seconds)
        done.append(name)

    processor = PerResidentOrder()
    await _deliver_in_order(processor, [
        (message_update(bot, 1, "eerste, traag"), work("1a", 0.05)),
        (message_update(bot, 1, "tweede, snel"), work("1b", 0)),
        (message_update(bot, 2, "andere bewoner"), work("2a", 0)),
    ])
    assert done.index("1a") < done.index("1b")  # resident 1 in the order sent
    assert done.index("2a") < done.index("1a")  # resident 2 did not wait for resident 1
    assert processor.residents_in_progress == 0  # no lock left behind


async def test_the_bot_serves_many_residents_at_once_each_in_order(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    assert isinstance(app.update_processor, PerResidentOrder)
    assert app.update_processor.max_concurrent_updates > 1
    residents = range(300, 340)
    async with running(app):
        await app.start()
        try:
            for user_id in residents:  # everyone at once: choose Contact, then type a stadsdeel
                await app.update_queue.put(callback_update(app.bot, user_id, "m:contact"))
            for user_id in residents:
                await app.update_queue.put(message_update(app.bot, user_id, "Noord"))
            for _ in range(500):
                if app.update_queue.empty() and app.update_processor.current_concurrent_updates == 0:
                    break
                await asyncio.sleep(0.01)
        finally:
            await app.stop()
        conversations = ConversationRepository(app.bot_data["database"])
        for user_id in residents:
            replies = [p["text"] for p in api.sent() if p["chat_id"] == user_id]
            assert "Karin Kranendonk" in replies[-1]
            assert await conversations.get(user_id) is None  # the contact step was answered, not left open


def test_the_bot_for_telegram_keeps_to_telegrams_limits(db_path: str, content) -> None:
    # Concurrent replies can burst past ~30 messages/s; the real bot spreads them and retries a 429.
    settings = Settings(token="123456:TEST-token", base_url="http://offline.invalid/bot",
                        db_path=db_path, content_dir=None)
    app = build_application(settings, content)
    assert isinstance(app.update_processor, PerResidentOrder)
    assert isinstance(app.bot.rate_limiter, PacingRateLimiter)
