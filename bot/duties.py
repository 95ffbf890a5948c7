"""The scheduled duties of the assistant, built once for the bot and the terminal shell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from content.model import Content
from flows.broadcast_view import payloads_of, progress_reply
from flows.inspraak import notice
from locales import use_language
from scheduling import DutyEngine, Scheduler
from scheduling.broadcasts import BroadcastDuties
from scheduling.inspraak import InspraakNotices
from storage import Database
from storage.broadcasts import Broadcast, Progress, areas_of


def build_scheduler(db: Database, content: Content, settings: Settings, *,
                    notify: Callable[[], None] = lambda: None) -> Scheduler:
    """Every duty engine, in one scheduler. ``notify`` is called after messages were queued."""
    engines: list[DutyEngine] = [
        InspraakNotices(db, content, lambda window, kind, language, now: notice(content, window, kind, language,
                                                                                 now),
                        quiet=settings.quiet_hours, notify=notify),
        BroadcastDuties(db, areas_of(content.stadsdelen), payloads_of, progress_payload(content),
                        quiet=settings.quiet_hours, notify=notify),
    ]
    return Scheduler(engines)


def progress_payload(content: Content) -> Callable[[Broadcast, Progress, str, dt.datetime], dict[str, Any]]:
    def render(broadcast: Broadcast, progress: Progress, language: str, now: dt.datetime) -> dict[str, Any]:
        with use_language(language):
            return progress_reply(content, broadcast, progress, now).to_dict()

    return render
