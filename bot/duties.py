"""The scheduled duties of the assistant, built once for the bot and the terminal shell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from content.model import Content
from flows import digest_view
from flows.broadcast_view import payloads_of, progress_reply
from flows.inspraak import notice
from locales import use_language
from matching.gaps import group_by_meaning
from matching.semantic import Encoder
from scheduling import DutyEngine, Scheduler
from scheduling.backup import DailyBackup
from scheduling.broadcasts import BroadcastDuties
from scheduling.digests import Digests
from scheduling.inspraak import InspraakNotices
from scheduling.retention import Retention
from storage import Database
from storage.broadcasts import Broadcast, Progress, areas_of
from storage.digests import Render


def digest_render(content: Content, *, email: bool, encoder: Encoder | None = None) -> Render:
    """Render a digest; by e-mail only when SMTP is configured and the recipient has an address. With the
    sentence model, unanswered questions are grouped by meaning ("12× about …"), else by their wording."""
    group = None if encoder is None else (lambda questions: group_by_meaning(questions, encoder))

    def render(recipient, data, now):  # type: ignore[no-untyped-def]
        address = recipient.email if email and recipient.settings.channel in ("email", "both") else None
        return digest_view.render(content, recipient, data, now, email=address, group=group)

    return render


def build_digests(db: Database, content: Content, settings: Settings, *,
                  notify: Callable[[], None] = lambda: None, encoder: Encoder | None = None) -> Digests:
    return Digests(db, digest_render(content, email=settings.smtp is not None, encoder=encoder),
                   quiet=settings.quiet_hours, notify=notify)


def build_scheduler(db: Database, content: Content, settings: Settings, *,
                    notify: Callable[[], None] = lambda: None, encoder: Encoder | None = None) -> Scheduler:
    """Every duty engine, in one scheduler. ``notify`` is called after messages were queued."""
    engines: list[DutyEngine] = [
        InspraakNotices(db, content, lambda window, kind, language, now: notice(content, window, kind, language,
                                                                                 now),
                        quiet=settings.quiet_hours, notify=notify),
        BroadcastDuties(db, areas_of(content.stadsdelen), payloads_of, progress_payload(content),
                        quiet=settings.quiet_hours, notify=notify),
        Retention(db, settings.retention_days),
        build_digests(db, content, settings, notify=notify, encoder=encoder),
    ]
    if settings.backup_dir is not None:
        engines.append(DailyBackup(db, settings.backup_dir, settings.backup_keep))
    return Scheduler(engines)


def progress_payload(content: Content) -> Callable[[Broadcast, Progress, str, dt.datetime], dict[str, Any]]:
    def render(broadcast: Broadcast, progress: Progress, language: str, now: dt.datetime) -> dict[str, Any]:
        with use_language(language):
            return progress_reply(content, broadcast, progress, now).to_dict()

    return render
