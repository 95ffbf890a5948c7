"""Mijn meldingen: a resident's own submissions, their history, adding information, withdrawing.

Only the resident who sent a submission sees it here: every action checks the owner again.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flows.common import NOT_UNDERSTOOD, main_menu_buttons, menu_button, with_hint
from flows.context import Context
from flows.dispatch import ID, ButtonRoute, Command, Routes, Step
from flows.submission_view import STAFF_LANGUAGE, history_line, kind_label, staff_card, status_label
from flows.types import Button, Reply
from locales import N_, _, use_language
from storage import Submission

FLOW = "mine"
ADD_INFO = "info"
PER_PAGE = 5
MIN_TEXT, MAX_TEXT = 10, 2000


async def overview(ctx: Context, page: int = 0) -> list[Reply]:
    """The resident's submissions, newest first, with status and latest answer."""
    submissions, total = await ctx.services.submissions.for_resident(ctx.user_id, PER_PAGE, page * PER_PAGE)
    if total == 0:
        return [Reply(_("You have not sent anything yet. Send an idea or signal with /idee."),
                      Reply.column([Button(_("Send an idea or signal"), "m:idee"), menu_button()]))]
    replies = await ctx.services.submissions.latest_replies([s.id for s in submissions])
    lines = [_("What you sent ({count}):").format(count=total), ""]
    for submission in submissions:
        lines.append(_("{reference} · {kind} · {status}").format(
            reference=submission.reference, kind=kind_label(submission.kind),
            status=status_label(submission.status)))
        if submission.id in replies:
            lines.append("   " + _("Answer: {text}").format(text=_shorten(replies[submission.id])))
    buttons = [Button(f"{s.reference} · {status_label(s.status)}", f"my:{s.id}") for s in submissions]
    if (page + 1) * PER_PAGE < total:
        buttons.append(Button(_("More"), f"myp:{page + 1}"))
    if page > 0:
        buttons.append(Button(_("Back"), f"myp:{page - 1}"))
    buttons.append(menu_button())
    return [Reply("\n".join(lines), Reply.column(buttons))]


async def show(ctx: Context, submission_id: int) -> list[Reply]:
    """One submission with its history."""
    submission = await _own(ctx, submission_id)
    if submission is None:
        return _not_found()
    events = await ctx.services.submissions.events(submission.id)
    lines = [
        _("{reference} · {kind}").format(reference=submission.reference, kind=kind_label(submission.kind)),
        _("Status: {status}").format(status=status_label(submission.status)),
        "",
        submission.text,
        "",
        _("History:"),
        *[history_line(event) for event in events],
    ]
    buttons = []
    if submission.is_open:
        buttons = [Button(_("Add information"), f"my:{submission.id}:info"),
                   Button(_("Withdraw"), f"my:{submission.id}:withdraw")]
    buttons += [Button(_("Back"), "myp:0"), menu_button()]
    return [Reply("\n".join(lines), Reply.column(buttons))]


async def ask_info(ctx: Context, submission_id: int) -> list[Reply]:
    submission = await _own(ctx, submission_id)
    if submission is None:
        return _not_found()
    if not submission.is_open:
        return [Reply(_("{reference} is closed; you cannot add to it any more.").format(
            reference=submission.reference), main_menu_buttons())]
    await ctx.set_state(FLOW, ADD_INFO, submission_id=submission.id)
    return await prompt(ctx)


async def prompt(ctx: Context, hint: str = "") -> list[Reply]:
    text = _("Type what you would like to add ({min} to {max} characters). Stop with /annuleer.").format(
        min=MIN_TEXT, max=MAX_TEXT)
    return [Reply(with_hint(hint, text))]


async def on_text(ctx: Context, text: str) -> list[Reply] | None:
    """The addition was typed: store it and tell the gebiedsverbinder."""
    text = text.strip()
    if not MIN_TEXT <= len(text) <= MAX_TEXT:
        return await prompt(ctx, _("Please use {min} to {max} characters (now {count}).").format(
            min=MIN_TEXT, max=MAX_TEXT, count=len(text)))
    submission = await _own(ctx, ctx.state.data.get("submission_id", 0))
    if submission is None or not submission.is_open:
        await ctx.clear_state()
        return _not_found()
    await ctx.services.submissions.record(
        submission.id, actor="resident", actor_id=ctx.user_id, action="info", text=text,
        notifications=await _to_staff(ctx, submission, N_("The resident added information to {reference}:\n\n{text}"),
                                      text))
    await ctx.clear_state()  # only now: if the write failed, the step (and the resident's chance to retry) stays
    ctx.services.notify()
    return [Reply(_("Added to {reference}. The gebiedsverbinder receives it.").format(
        reference=submission.reference), Reply.column([Button(_("Back"), f"my:{submission.id}"), menu_button()]))]


async def withdraw(ctx: Context, submission_id: int, confirmed: bool) -> list[Reply]:
    submission = await _own(ctx, submission_id)
    if submission is None:
        return _not_found()
    if not submission.is_open:
        return [Reply(_("{reference} is already closed.").format(reference=submission.reference),
                      main_menu_buttons())]
    if not confirmed:
        buttons = [Button(_("Yes, withdraw"), f"my:{submission.id}:withdraw:yes"),
                   Button(_("No"), f"my:{submission.id}")]
        return [Reply(_("Do you want to withdraw {reference}? The gebiedsverbinder will stop working on it.").format(
            reference=submission.reference), Reply.column(buttons))]
    await ctx.services.submissions.record(
        submission.id, actor="resident", actor_id=ctx.user_id, action="withdrawn", status="ingetrokken",
        notifications=await _to_staff(ctx, submission, N_("The resident withdrew {reference}."), ""))
    ctx.services.notify()
    return [Reply(_("{reference} is withdrawn.").format(reference=submission.reference), main_menu_buttons())]


async def _own(ctx: Context, submission_id: int) -> Submission | None:
    """The submission, only if this resident sent it."""
    submission = await ctx.services.submissions.get(submission_id)
    return submission if submission is not None and submission.user_id == ctx.user_id else None


async def _to_staff(ctx: Context, submission: Submission, template: str,
                    text: str) -> Callable[[Submission], list[tuple[int, dict]]]:
    """Notifications (in the staff's language) to the gebiedsverbinders who handle the submission.

    ``template`` is an untranslated message (marked with N_), translated here for staff.
    """
    members = await ctx.services.staff.for_stadsdeel(submission.handled_by)

    def build(updated: Submission) -> list[tuple[int, dict]]:
        with use_language(STAFF_LANGUAGE):
            card = staff_card(ctx.services.content, updated)
            payload = Reply(_(template).format(reference=updated.reference, text=text), card.buttons).to_dict()
        return [(member.user_id, payload) for member in members]

    return build


def _not_found() -> list[Reply]:
    return [Reply(_("I cannot find that submission among yours."), main_menu_buttons())]


def _shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def _on_button(ctx: Context, match: re.Match[str]) -> list[Reply]:
    """``my:<id>``, ``my:<id>:info``, ``my:<id>:withdraw[:yes]``."""
    submission_id = int(match["id"])
    if match["what"] == "info":
        return await ask_info(ctx, submission_id)
    if match["what"] == "withdraw":
        return await withdraw(ctx, submission_id, confirmed=match["yes"] is not None)
    return await show(ctx, submission_id)


ROUTES = Routes(
    FLOW,
    commands=(
        Command("mijn", "mine", overview, N_("What you sent, and answers"), aliases=("meldingen",),
                position=50),
    ),
    buttons=(
        ButtonRoute("my", _on_button, rf"(?P<id>{ID})(?::(?P<what>info|withdraw)(?P<yes>:yes)?)?"),
        ButtonRoute("myp", lambda ctx, m: overview(ctx, int(m[0])), r"[0-9]{1,6}"),
    ),
    steps={ADD_INFO: Step(on_text, prompt, NOT_UNDERSTOOD)},
)
