"""The scheduled duties of the assistant, built once for the bot and the terminal shell."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Settings
from content.model import Content
from flows import digest_view
from flows.inspraak import notice
from matching.gaps import group_by_meaning
from matching.semantic import Encoder
from scheduling import DutyEngine, Scheduler
from scheduling.digests import Digests
from scheduling.inspraak import InspraakNotices
from storage import Database
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
        build_digests(db, content, settings, notify=notify, encoder=encoder),
    ]
    return Scheduler(engines)
