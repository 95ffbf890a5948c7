"""The assistant: one entry point that routes every input to the right flow step.

Order of routing for one input:
  1. commands (/start, /help, ...) - always available, also in the middle of a flow;
  2. button choices - each carries its own action, so they work after a restart too;
  3. typed navigation words ("menu", "terug", "stop", "help", "annuleer", "back", "cancel"), in any step;
  4. an active flow step (stored in the database) gets typed text, locations and photos;
  5. otherwise free text is a question for the FAQ.

What each flow answers is declared by the flow itself (its ``ROUTES``, see flows/dispatch.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from content.geography import Geography
from content.model import Content
from flows import (
    contact,
    digest,
    faq,
    follow,
    inspraak,
    inspraakbeheer,
    intake,
    menu,
    mijnwijk,
    mine,
    omroep,
    privacy,
    staff,
)
from flows.common import unknown_choice
from flows.context import Context, Services
from flows.dispatch import RouteTable, Step, call
from flows.types import Incoming, InputKind, Reply
from locales import N_, _, language_from_telegram, use_language
from matching.build import build_matcher
from storage import (
    ConversationRepository,
    Database,
    FollowingRepository,
    OutboxRepository,
    QuestionLog,
    ResidentRepository,
    StaffRepository,
    SubmissionRepository,
)
from storage.broadcasts import BroadcastRepository, areas_of
from storage.db import DatabaseUnavailable
from storage.digests import DigestRepository
from storage.inspraak import InspraakRepository
from storage.privacy import PrivacyRepository

# Every flow module declares its commands, buttons and steps; the table joins them and refuses
# two flows that claim the same thing.
FLOWS = (menu, faq, contact, mijnwijk, follow, inspraak, intake, mine, staff, inspraakbeheer, omroep, privacy, digest)

log = logging.getLogger(__name__)

# Said when the database file was deleted or replaced while running (storage/db.py refuses writes then).
NOT_SAVED = N_("Something is going wrong with saving: your message was not saved. Please try again later.")


def route_table() -> RouteTable:
    return RouteTable(module.ROUTES for module in FLOWS)


class Assistant:
    def __init__(self, services: Services) -> None:
        self.services = services

    @classmethod
    def create(cls, db: Database, content: Content, notify: Callable[[], None] | None = None,
               cache_dir: Path | None = None, retention_days: int = 365, *, email: bool = False) -> Assistant:
        """Build the assistant; ``cache_dir`` keeps the topics' sentence embeddings between starts."""
        geography = Geography(content)
        services = Services(
            content=content,
            geography=geography,
            matcher=build_matcher(content, geography, cache_dir),
            residents=ResidentRepository(db),
            conversations=ConversationRepository(db),
            questions=QuestionLog(db),
            staff=StaffRepository(db),
            submissions=SubmissionRepository(db),
            outbox=OutboxRepository(db),
            routes=route_table(),
            followings=FollowingRepository(db),
            inspraak=InspraakRepository(db),
            broadcasts=BroadcastRepository(db, areas_of(content.stadsdelen)),
            privacy=PrivacyRepository(db),
            retention_days=retention_days,
            digests=DigestRepository(db),
            email_enabled=email,
        )
        if notify is not None:
            services.notify = notify
        return cls(services)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one input of one resident."""
        resident = await self.services.residents.get(incoming.user_id)
        language = (resident.language if resident and resident.language
                    else language_from_telegram(incoming.language_code))
        if resident is not None and resident.inactive_at is not None:
            try:
                await self.services.residents.mark_active(incoming.user_id)  # they write again: deliver again
            except DatabaseUnavailable:
                with use_language(language):
                    return [Reply(_(NOT_SAVED))]
        state = await self.services.conversations.get(incoming.user_id)
        ctx = Context(incoming, language, resident, state, self.services)
        with use_language(language):
            try:
                return await self._route(ctx)
            except DatabaseUnavailable:  # logged once at ERROR by the database
                return [Reply(_(NOT_SAVED))]

    async def _route(self, ctx: Context) -> list[Reply]:
        incoming = ctx.incoming
        routes = self.services.routes
        if incoming.kind is InputKind.COMMAND:
            command = routes.command(incoming.command)
            if command is None:
                return menu.unknown_command(ctx, incoming.command)
            return await call(command.handler, ctx)
        if incoming.kind is InputKind.CHOICE:
            found = routes.button(incoming.text)
            if found is None:
                log.info("unknown button action of %d characters", len(incoming.text))
                return unknown_choice()
            return await call(found[0].handler, ctx, found[1])
        step = routes.step(ctx.state.flow, ctx.state.step) if ctx.state else None
        if ctx.state and step is None:
            await ctx.clear_state()  # a step this version no longer has
        if incoming.kind is InputKind.TEXT:
            navigate = menu.navigation(incoming.text)
            if navigate is not None:  # "menu", "terug", "stop", "help": as the buttons and commands do
                return await call(navigate, ctx)
            if step is not None:
                return await self._step_text(ctx, incoming.text, step)
            return await faq.answer(ctx, incoming.text)
        if incoming.kind is InputKind.LOCATION and incoming.latitude is not None:
            if step is not None and step.on_location is not None:
                return await call(step.on_location, ctx)
            replies = menu.location(ctx, incoming.latitude, incoming.longitude)
            return replies + (await step.prompt(ctx) if step else [])
        if incoming.kind is InputKind.PHOTO and step is not None and step.on_photo is not None:
            return await call(step.on_photo, ctx)
        notice = menu.photo(ctx) if incoming.kind is InputKind.PHOTO else menu.unsupported(ctx)
        if step is not None:  # explain, then ask the same question again
            return [notice] + await step.prompt(ctx)
        return [notice]

    async def _step_text(self, ctx: Context, text: str, step: Step) -> list[Reply]:
        replies = await step.on_text(ctx, text)
        if replies is not None:
            return replies
        # Not an answer to the step's question. If it is clearly a question, answer it and leave
        # the flow; otherwise say we did not understand and ask again.
        match = self.services.matcher.lexical.match(text, ctx.language)
        topic = self.services.content.topics.get(match.topic_id or "")
        if match.outcome == "confident" and topic is not None and topic.kind not in ("smalltalk", "offtopic"):
            await ctx.clear_state()
            return await faq.answer(ctx, text)
        return await step.prompt(ctx, _(step.not_understood))
