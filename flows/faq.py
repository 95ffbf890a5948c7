"""Questions in the resident's own words, and browsing the topics."""

from __future__ import annotations

from content.textfold import fold
from flows import contact
from flows.answered import AnsweredQuestion
from flows.common import (
    contact_card,
    general_contact,
    main_menu_buttons,
    menu_button,
    stadsdeel_buttons,
    stadsdeel_of_wijk,
    topic_button,
    topic_text,
)
from flows.context import Context
from flows.dispatch import CODE, ButtonRoute, Command, Routes
from flows.types import Button, Reply
from flows.yesno import is_bare_yes_or_no
from locales import N_, _, format_number
from storage.timestamps import utc_now

MAX_QUESTION = 1000  # characters; longer texts are not questions
TOPICS_PER_PAGE = 6
STORED_TEXT = 1000  # characters of an unanswered question kept for staff




async def answer(ctx: Context, text: str) -> list[Reply]:
    """Answer free text as a question."""
    if len(text) > MAX_QUESTION:
        return [Reply(_("Your message is too long for a question (more than {limit} characters). "
                        "Please ask your question in a few sentences.").format(
                            limit=format_number(MAX_QUESTION)))]
    if is_bare_yes_or_no(text):  # no question is waiting for it (a step would have read it)
        return [Reply(_("I am not sure what your yes or no is about. If I asked you something, please choose a "
                        "button under that question. Or choose below what you would like to do, or type your "
                        "question."), main_menu_buttons())]
    services = ctx.services
    result = await services.matcher.resolve_async(text, ctx.language)
    stadsdeel_id = result.where.stadsdeel_id or stadsdeel_of_wijk(ctx, ctx.wijk_code)

    if result.kind == "topic":
        services.answered.remember(ctx.user_id, AnsweredQuestion(text, ctx.language, result.topic_id,
                                                                 stadsdeel_id, utc_now()))
        return [topic_reply(ctx, result.topic_id, also=result.suggestions, typed=True)]
    if result.kind == "smalltalk":
        topic = services.content.topics[result.topic_id]
        return [Reply(topic.answer.get(ctx.language), main_menu_buttons())]
    if result.kind == "contact":
        if result.where.stadsdeel_id:
            return [Reply(contact_card(ctx, result.where.stadsdeel_id, result.where.wijk_code),
                          Reply.column([menu_button()]))]
        return await contact.start(ctx)

    outcome = {"open": "open_question", "uncertain": "uncertain", "offtopic": "off_topic"}.get(result.kind,
                                                                                                 "no_match")
    await _log_question(ctx, text, ctx.language, outcome, result.topic_id, stadsdeel_id)
    if result.kind == "open":
        topic = services.content.topics[result.topic_id]
        return [_with_contact(ctx, topic_text(services.content, topic), stadsdeel_id)]
    if result.kind == "uncertain":
        buttons = [topic_button(ctx, tid) for tid in result.suggestions]
        buttons.append(Button(_("Something else"), "other"))
        return [Reply(_("I am not sure what you mean. Did you mean…?"), Reply.column(buttons))]
    if result.kind == "offtopic":
        return [off_topic(ctx)]
    if result.kind == "outside":
        text = _("Postcode {postcode} is not a Haarlem postcode as far as I know. "
                 "I can only help with wijken in Haarlem.").format(postcode=result.where.outside_postcode)
        return [Reply(text, Reply.column(stadsdeel_buttons(ctx, "sd") + [menu_button()]))]
    return [not_known(ctx, stadsdeel_id, nearby=result.suggestions)]


async def _log_question(ctx: Context, text: str, language: str, outcome: str, topic_id: str | None,
                        stadsdeel: str | None) -> None:
    """Into the log of unanswered questions for staff (faq-gaps, the digest): no id of who asked."""
    await ctx.services.questions.record(text=text[:STORED_TEXT], normalized=fold(text)[:STORED_TEXT],
                                        language=language, outcome=outcome, topic_id=topic_id, stadsdeel=stadsdeel)


def not_known(ctx: Context, stadsdeel_id: str | None, *, nearby: tuple[str, ...] = ()) -> Reply:
    """Say honestly that we do not know; offer nearby topics and the gebiedsverbinder."""
    text = _("I do not have an answer to that. I only answer questions about wijkplatforms, with "
             "information from the municipality, and I do not want to guess.")
    extra = [topic_button(ctx, tid) for tid in nearby]
    if extra:
        text += "\n\n" + _("Perhaps one of these subjects helps (buttons below).")
    return _with_contact(ctx, text, stadsdeel_id, extra)


def off_topic(ctx: Context) -> Reply:
    """Another municipal matter: say so, and give the municipality's general contact (not a topic, no source)."""
    text = _("That is not something I know about. I only answer questions about wijkplatforms and wijkraden "
             "in Haarlem.")
    return Reply(f"{text}\n\n{general_contact()}", main_menu_buttons())


def _with_contact(ctx: Context, text: str, stadsdeel_id: str | None, extra: list[Button] | None = None) -> Reply:
    """Add who can answer: the gebiedsverbinder, or buttons to find them."""
    extra = extra or []
    if stadsdeel_id:
        body = _("The gebiedsverbinder of your stadsdeel can help you further:")
        return Reply(f"{text}\n\n{body}\n{contact_card(ctx, stadsdeel_id)}",
                     Reply.column(extra + [menu_button()]))
    body = _("The gebiedsverbinder of your stadsdeel can help you further. Which stadsdeel do you live in?")
    return Reply(f"{text}\n\n{body}", Reply.column(extra + stadsdeel_buttons(ctx, "sd") + [menu_button()]))


def topic_reply(ctx: Context, topic_id: str, *, also: tuple[str, ...] = (), typed: bool = False) -> Reply:
    """The answer, with its follow-up topics and any close alternatives as buttons. Under the answer to a typed
    question also a way out when the answer does not fit (the honest "I don't know" with the gebiedsverbinder):
    the matcher may answer a question the sources do not answer with the topic next to it."""
    content = ctx.services.content
    topic = content.topics[topic_id]
    others = list(dict.fromkeys(topic.follow_up + also))
    buttons = [topic_button(ctx, other) for other in others if other != topic_id]
    if typed:
        buttons.append(Button(_("That does not answer my question"), f"miss:{topic_id}"))
    return Reply(topic_text(content, topic), Reply.column(buttons + [menu_button()]))


async def choose_topic(ctx: Context, topic_id: str) -> list[Reply]:
    """A topic button was chosen."""
    content = ctx.services.content
    topic = content.topics.get(topic_id)
    if topic is None:
        return [Reply(_("That topic no longer exists. Choose another one."), _groups_buttons(ctx))]
    if topic.kind == "contact":
        return await contact.start(ctx)
    if topic.kind == "open":
        return [_with_contact(ctx, topic_text(content, topic), stadsdeel_of_wijk(ctx, ctx.wijk_code))]
    return [topic_reply(ctx, topic_id)]


def something_else(ctx: Context) -> list[Reply]:
    """None of the suggestions fitted."""
    return [not_known(ctx, stadsdeel_of_wijk(ctx, ctx.wijk_code))]


async def answer_missed(ctx: Context, topic_id: str) -> list[Reply]:
    """The answer did not fit the typed question: the honest "I don't know" with the gebiedsverbinder, and the
    question (while remembered, flows/answered.py) into the log of unanswered questions, for staff."""
    asked = ctx.services.answered.take(ctx.user_id, topic_id, utc_now())
    if asked is not None:
        await _log_question(ctx, asked.text, asked.language, "answer_missed", topic_id, asked.stadsdeel)
    stadsdeel_id = asked.stadsdeel if asked is not None and asked.stadsdeel else stadsdeel_of_wijk(ctx, ctx.wijk_code)
    return [not_known(ctx, stadsdeel_id)]


# ---------------------------------------------------------------- browsing

def _groups_buttons(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    groups = [Button(g.title.get(ctx.language), f"g:{g.id}:0") for g in ctx.services.content.groups]
    return Reply.column(groups + [menu_button()])


def groups(ctx: Context, *, edit: bool = False) -> list[Reply]:
    """The topic groups."""
    text = _("Choose a subject. You can also just type your question.")
    return [Reply(text, _groups_buttons(ctx), edit=edit)]


def group_page(ctx: Context, group_id: str, page: int) -> list[Reply]:
    """One page of the topics in a group, with 'more' and 'back'."""
    content = ctx.services.content
    group = next((g for g in content.groups if g.id == group_id), None)
    if group is None:
        return groups(ctx, edit=True)
    topics = content.topics_in_group(group_id)
    pages = max(1, -(-len(topics) // TOPICS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = topics[page * TOPICS_PER_PAGE:(page + 1) * TOPICS_PER_PAGE]
    buttons = [topic_button(ctx, t.id) for t in shown]
    if page + 1 < pages:
        buttons.append(Button(_("More"), f"g:{group_id}:{page + 1}"))
    back = f"g:{group_id}:{page - 1}" if page > 0 else "faq"
    buttons.append(Button(_("Back"), back))
    title = group.title.get(ctx.language)
    if pages > 1:
        title = _("{title} ({page} of {pages})").format(title=title, page=page + 1, pages=pages)
    return [Reply(title, Reply.column(buttons), edit=True)]


ROUTES = Routes(
    "faq",
    commands=(
        Command("vragen", "questions", groups, N_("Questions about wijkplatforms"), aliases=("faq",),
                position=10),
    ),
    buttons=(
        ButtonRoute("faq", lambda ctx, m: groups(ctx, edit=True), exact=True),
        ButtonRoute("m:faq", lambda ctx, m: groups(ctx), exact=True),
        ButtonRoute("other", lambda ctx, m: something_else(ctx), exact=True),
        ButtonRoute("miss", lambda ctx, m: answer_missed(ctx, m[0]), CODE),
        ButtonRoute("t", lambda ctx, m: choose_topic(ctx, m[0]), CODE),
        ButtonRoute("g", lambda ctx, m: group_page(ctx, m["group"], int(m["page"] or 0)),
                    rf"(?P<group>{CODE})(?::(?P<page>[0-9]{{1,4}}))?"),
    ),
)
