"""The scheduled duties of the assistant, built once for the bot and the terminal shell."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Settings
from content.model import Content
from flows import digest_view
from flows.inspraak import notice
from scheduling import DutyEngine, Scheduler
from scheduling.digests import Digests
from scheduling.inspraak import InspraakNotices
from storage import Database
from storage.digests import Render


def digest_render(content: Content, *, email: bool) -> Render:
    """Render a digest; by e-mail only when SMTP is configured and the recipient has an address."""

    def render(recipient, data, now):  # type: ignore[no-untyped-def]
        address = recipient.email if email and recipient.settings.channel in ("email", "both") else None
        return digest_view.render(content, recipient, data, now, email=address)

    return render


def build_digests(db: Database, content: Content, settings: Settings, *,
                  notify: Callable[[], None] = lambda: None) -> Digests:
    return Digests(db, digest_render(content, email=settings.smtp is not None), quiet=settings.quiet_hours,
                   notify=notify)


def build_scheduler(db: Database, content: Content, settings: Settings, *,
                    notify: Callable[[], None] = lambda: None) -> Scheduler:
    """Every duty engine, in one scheduler. ``notify`` is called after messages were queued."""
    engines: list[DutyEngine] = [
        InspraakNotices(db, content, lambda window, kind, language, now: notice(content, window, kind, language,
                                                                                 now),
                        quiet=settings.quiet_hours, notify=notify),
        build_digests(db, content, settings, notify=notify),
    ]
    return Scheduler(engines)
