"""Run the real Application offline, with post_init, post_stop and post_shutdown in run_polling's order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from content.model import Content
from tests.auxil.recording_request import RecordingRequest


def offline_application(db_path: str, content: Content,
                        request: RecordingRequest | None = None) -> tuple[Application, RecordingRequest]:
    request = request or RecordingRequest()
    settings = Settings(token="123456:TEST-token", base_url="http://offline.invalid/bot",
                        db_path=db_path, content_dir=None)
    app = build_application(settings, content, request=request, get_updates_request=RecordingRequest(),
                            telegram_limits=False)
    return app, request


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    await app.initialize()
    await app.post_init(app)
    try:
        yield app
    finally:
        await app.post_stop(app)
        await app.shutdown()
        await app.post_shutdown(app)
