"""What a flow step can use: the resident, the incoming input and the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from content.geography import Geography
from content.model import Content
from flows.answered import RecentAnswers
from flows.dispatch import RouteTable
from flows.types import Incoming
from matching.decision import Matcher
from scheduling.quiet import QuietHours
from storage import (
    ConversationRepository,
    ConversationState,
    FollowingRepository,
    OutboxRepository,
    QuestionLog,
    Resident,
    ResidentRepository,
    StaffRepository,
    SubmissionRepository,
)
from storage.broadcasts import BroadcastRepository
from storage.digests import DigestRepository
from storage.inspraak import InspraakRepository
from storage.privacy import PrivacyRepository

DEFAULT_QUIET = QuietHours.parse("21:00-08:00")


@dataclass
class Services:
    content: Content
    geography: Geography
    matcher: Matcher  # the matching engine (lexical, semantic, places)
    residents: ResidentRepository
    conversations: ConversationRepository
    questions: QuestionLog
    staff: StaffRepository
    submissions: SubmissionRepository
    outbox: OutboxRepository
    routes: RouteTable
    followings: FollowingRepository
    inspraak: InspraakRepository
    broadcasts: BroadcastRepository
    privacy: PrivacyRepository
    digests: DigestRepository
    # Nothing unasked-for is sent at night (WIJKWIJZER_QUIET_HOURS; None: off).
    quiet: QuietHours | None = DEFAULT_QUIET
    # days after closing that a submission keeps its personal data (WIJKWIJZER_RETENTION_DAYS)
    retention_days: int = 365
    # Flood control: at most this many submissions per resident per hour.
    submissions_per_hour: int = 5
    # E-mail can be sent (SMTP is configured): a stadsdeel without a linked account gets submissions by e-mail.
    email_enabled: bool = False
    # Called after messages were queued in the outbox, so a channel can deliver them at once.
    notify: Callable[[], None] = field(default=lambda: None)
    # Called with a broadcast's id right after staff paused or cancelled it, so the sender does not hand over
    # what of it it already took from the outbox (bot/stopped_broadcasts.py).
    broadcast_stopped: Callable[[int], None] = field(default=lambda broadcast_id: None)
    # Called after something that changes a schedule was saved (a window, a digest setting).
    schedule_changed: Callable[[], None] = field(default=lambda: None)
    # The last typed question each resident got a direct answer to (in memory; flows/answered.py).
    answered: RecentAnswers = field(default_factory=RecentAnswers)


@dataclass
class Context:
    incoming: Incoming
    language: str
    resident: Resident | None
    state: ConversationState | None
    services: Services

    @property
    def user_id(self) -> int:
        return self.incoming.user_id

    @property
    def wijk_code(self) -> str | None:
        return self.resident.wijk_code if self.resident else None

    async def set_state(self, flow: str, step: str, **data: object) -> None:
        self.state = ConversationState(flow, step, dict(data))
        await self.services.conversations.save(self.user_id, self.state)

    async def clear_state(self) -> None:
        if self.state is not None:
            self.state = None
            await self.services.conversations.clear(self.user_id)
