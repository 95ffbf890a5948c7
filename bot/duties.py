"""The scheduled duties of the assistant, built once for the bot and the terminal shell."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Settings
from content.model import Content
from flows.inspraak import notice
from scheduling import DutyEngine, Scheduler
from scheduling.backup import DailyBackup
from scheduling.inspraak import InspraakNotices
from scheduling.retention import Retention
from storage import Database


def build_scheduler(db: Database, content: Content, settings: Settings, *,
                    notify: Callable[[], None] = lambda: None) -> Scheduler:
    """Every duty engine, in one scheduler. ``notify`` is called after messages were queued."""
    engines: list[DutyEngine] = [
        InspraakNotices(db, content, lambda window, kind, language, now: notice(content, window, kind, language,
                                                                                 now),
                        quiet=settings.quiet_hours, notify=notify),
        Retention(db, settings.retention_days),
    ]
    if settings.backup_dir is not None:
        engines.append(DailyBackup(db, settings.backup_dir, settings.backup_keep))
    return Scheduler(engines)
