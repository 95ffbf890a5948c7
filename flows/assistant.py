"""The assistant: one entry point that routes every input to the right flow step.

Order of routing for one input:
  1. commands (/start, /help, ...) - always available, also in the middle of a flow;
  2. button choices - each carries its own action, so they work after a restart too;
  3. an active flow step (stored in the database) gets typed text and locations;
  4. otherwise free text is a question for the FAQ.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from content.geography import Geography
from content.model import Content
from flows import contact, faq, intake, menu, mijnwijk, mine, staff
from flows.context import Context, Services
from flows.faq_matcher import FaqMatcher
from flows.textanalysis import TextAnalyzer
from flows.types import Incoming, InputKind, Reply
from locales import N_, _, language_from_telegram, use_language
from storage import (
    ConversationRepository,
    Database,
    OutboxRepository,
    QuestionLog,
    ResidentRepository,
    StaffRepository,
    SubmissionRepository,
)

StepText = Callable[[Context, str], Awaitable[list[Reply] | None]]
StepPrompt = Callable[..., Awaitable[list[Reply]]]

NOT_A_PLACE = N_("I do not recognise that as a stadsdeel, wijk, buurt or postcode.")
NOT_UNDERSTOOD = N_("I did not understand that answer. Please choose a button, or type /annuleer to stop.")

# For each flow step: what handles typed text, how to ask again, and what to say first when the
# text was not an answer.
STEPS: dict[tuple[str, str], tuple[StepText, StepPrompt, str]] = {
    (contact.FLOW, contact.ASK_STADSDEEL): (contact.on_text, contact.ask, NOT_A_PLACE),
    (mijnwijk.FLOW, mijnwijk.ASK_WIJK): (mijnwijk.on_text, mijnwijk.ask, NOT_A_PLACE),
    (mine.FLOW, mine.ADD_INFO): (mine.on_text, mine.prompt, NOT_UNDERSTOOD),
    (staff.FLOW, staff.REPLY_TEXT): (staff.on_text, staff.prompt, NOT_UNDERSTOOD),
    **{(intake.FLOW, step): (intake.on_text, intake.prompt, NOT_A_PLACE if step == intake.WIJK else NOT_UNDERSTOOD)
       for step in intake.PROMPTS},
}


class Assistant:
    def __init__(self, services: Services) -> None:
        self.services = services

    @classmethod
    def create(cls, db: Database, content: Content, notify: Callable[[], None] | None = None) -> Assistant:
        services = Services(
            content=content,
            geography=Geography(content),
            matcher=FaqMatcher(content.topics.values(), TextAnalyzer(content.synonyms)),
            residents=ResidentRepository(db),
            conversations=ConversationRepository(db),
            questions=QuestionLog(db),
            staff=StaffRepository(db),
            submissions=SubmissionRepository(db),
            outbox=OutboxRepository(db),
        )
        if notify is not None:
            services.notify = notify
        return cls(services)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one input of one resident."""
        resident = await self.services.residents.get(incoming.user_id)
        language = (resident.language if resident and resident.language
                    else language_from_telegram(incoming.language_code))
        state = await self.services.conversations.get(incoming.user_id)
        ctx = Context(incoming, language, resident, state, self.services)
        with use_language(language):
            return await self._route(ctx)

    async def _route(self, ctx: Context) -> list[Reply]:
        incoming = ctx.incoming
        if incoming.kind is InputKind.COMMAND:
            return await self._command(ctx, incoming.command)
        if incoming.kind is InputKind.CHOICE:
            return await self._choice(ctx, incoming.text)
        step = STEPS.get((ctx.state.flow, ctx.state.step)) if ctx.state else None
        if ctx.state and step is None:
            await ctx.clear_state()  # a step this version no longer has
        if incoming.kind is InputKind.TEXT:
            if step is not None:
                return await self._step_text(ctx, incoming.text, *step)
            return await faq.answer(ctx, incoming.text)
        if ctx.state and ctx.state.flow == intake.FLOW and incoming.kind in (InputKind.PHOTO, InputKind.LOCATION):
            return await intake.on_media(ctx)
        if incoming.kind is InputKind.LOCATION and incoming.latitude is not None:
            if ctx.state and ctx.state.flow == mijnwijk.FLOW:
                return await mijnwijk.on_location(ctx, incoming.latitude, incoming.longitude)
            replies = menu.location(ctx, incoming.latitude, incoming.longitude)
            return replies + (await step[1](ctx) if step else [])
        notice = menu.photo(ctx) if incoming.kind is InputKind.PHOTO else menu.unsupported(ctx)
        if step is not None:  # explain, then ask the same question again
            return [notice] + await step[1](ctx)
        return [notice]

    async def _step_text(self, ctx: Context, text: str, on_text: StepText, prompt: StepPrompt,
                         not_understood: str) -> list[Reply]:
        replies = await on_text(ctx, text)
        if replies is not None:
            return replies
        # Not an answer to the step's question. If it is clearly a question, answer it and leave
        # the flow; otherwise say we did not understand and ask again.
        match = self.services.matcher.match(text, ctx.language)
        topic = self.services.content.topics.get(match.topic_id or "")
        if match.outcome == "confident" and topic is not None and topic.kind != "smalltalk":
            await ctx.clear_state()
            return await faq.answer(ctx, text)
        return await prompt(ctx, _(not_understood))

    async def _command(self, ctx: Context, command: str) -> list[Reply]:
        if command == "start":
            await ctx.clear_state()
            if ctx.incoming.text:  # a deep link: t.me/<bot>?start=<invite code>
                return await staff.link(ctx, ctx.incoming.text)
            return menu.start(ctx)
        if command in ("annuleer", "cancel", "stop"):
            return await menu.cancel(ctx)
        if command in ("help", "hulp"):
            return menu.help_text(ctx)
        if command in ("taal", "language", "lang"):
            return menu.choose_language(ctx)
        if command == "menu":
            return menu.main_menu(ctx)
        if command in ("vragen", "faq", "questions"):
            return faq.groups(ctx)
        if command == "contact":
            return await contact.start(ctx)
        if command in ("mijnwijk", "wijk"):
            return await mijnwijk.show(ctx)
        if command in ("idee", "signaal", "melden"):
            return await intake.start(ctx)
        if command in ("mijn", "meldingen"):
            return await mine.overview(ctx)
        if command == "open":
            return await staff.open_list(ctx)
        if command == "inspraak":
            return menu.coming_soon_inspraak(ctx)
        return menu.unknown_command(ctx, command)

    async def _choice(self, ctx: Context, action: str) -> list[Reply]:
        kind, _sep, rest = action.partition(":")
        if action == "menu":
            return menu.main_menu(ctx)
        if action in ("faq", "m:faq"):
            return faq.groups(ctx, edit=action == "faq")
        if action == "m:idee":
            return await intake.start(ctx)
        if kind == "in" and rest:
            return await intake.on_choice(ctx, action)
        if kind == "st":
            return await staff.on_choice(ctx, action)
        if kind == "op" and rest.isdigit():
            return await staff.open_list(ctx, int(rest))
        if kind == "myp" and rest.isdigit():
            return await mine.overview(ctx, int(rest))
        if kind == "my":
            return await self._mine(ctx, rest)
        if action == "m:wijk":
            return await mijnwijk.show(ctx)
        if action == "m:inspraak":
            return menu.coming_soon_inspraak(ctx)
        if action in ("m:contact", "c:pick"):
            return await (contact.ask(ctx) if action == "c:pick" else contact.start(ctx))
        if action == "other":
            return faq.something_else(ctx)
        if kind == "t" and rest:
            return await faq.choose_topic(ctx, rest)
        if kind == "g":
            group_id, _sep, page = rest.partition(":")
            return faq.group_page(ctx, group_id, int(page) if page.isdigit() else 0)
        if kind == "sd" and rest:
            return await contact.choose_stadsdeel(ctx, rest)
        if kind == "lang":
            return await menu.set_language(ctx, rest)
        if kind == "w":
            sub, _sep, value = rest.partition(":")
            if sub == "sd":
                return await mijnwijk.choose_stadsdeel(ctx, value)
            if sub == "set":
                return await mijnwijk.save(ctx, value)
            if sub == "change":
                return await mijnwijk.ask(ctx)
            if sub == "forget":
                return await mijnwijk.forget(ctx)
        return menu.unknown_choice(ctx)

    async def _mine(self, ctx: Context, rest: str) -> list[Reply]:
        parts = rest.split(":")
        if not parts[0].isdigit():
            return menu.unknown_choice(ctx)
        submission_id = int(parts[0])
        if len(parts) == 1:
            return await mine.show(ctx, submission_id)
        if parts[1] == "info":
            return await mine.ask_info(ctx, submission_id)
        if parts[1] == "withdraw":
            return await mine.withdraw(ctx, submission_id, confirmed=parts[-1] == "yes")
        return menu.unknown_choice(ctx)
