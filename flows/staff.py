"""The gebiedsverbinder's side: linking an account, handling submissions, answering residents.

Every action is authorised again on the server for each button press or message: the person must
be linked staff of the stadsdeel that handles the submission. Button data proves nothing.
"""

from __future__ import annotations

from flows.common import NOT_UNDERSTOOD, main_menu_buttons, with_hint
from flows.context import Context
from flows.dispatch import ID, ButtonRoute, Command, DeepLink, Routes, Step
from flows.permissions import may_handle, staff_member
from flows.submission_view import STATUS_CODES, kind_label, place, staff_card, status_label
from flows.types import Button, Reply
from locales import N_, _, use_language
from storage import StaffMember, Submission
from storage.audit import AuditEntry

FLOW = "staff"
REPLY_TEXT = "reply"
PER_PAGE = 5
MAX_REPLY = 2000


async def link(ctx: Context, code: str) -> list[Reply]:
    """/start <code>: link this Telegram account with a staff invite."""
    result = await ctx.services.staff.redeem(code.strip(), ctx.user_id)
    if result.member is None:
        if result.problem not in ("used", "expired"):
            # Not an invite at all (a campaign link, a typo): the normal welcome. An invite code is
            # random, so no resident learns anything from a welcome.
            from flows.menu import start

            return start(ctx)
        reason = {
            "used": _("This link has already been used. Ask for a new one."),
            "expired": _("This link has expired. Ask for a new one."),
        }[result.problem]
        return [Reply(reason, main_menu_buttons())]
    if result.member.stadsdeel is None:
        return [Reply(_("Welcome. You are now linked as city-wide staff of the municipality. /inspraakbeheer "
                        "manages consultation windows."))]
    stadsdeel = ctx.services.content.stadsdelen[result.member.stadsdeel].name
    return [Reply(_("Welcome. You are now linked as gebiedsverbinder of stadsdeel {stadsdeel}. New ideas, signals "
                    "and questions for {stadsdeel} will reach you here. /open lists the open ones.").format(
                        stadsdeel=stadsdeel))]


async def _authorised(ctx: Context, submission_id: int) -> tuple[StaffMember, Submission] | list[Reply]:
    member = await staff_member(ctx)
    submission = await ctx.services.submissions.get(submission_id)
    if not may_handle(member, submission):
        return [Reply(_("Only the gebiedsverbinder of the stadsdeel concerned may do this."))]
    return member, submission


async def on_choice(ctx: Context, action: str) -> list[Reply]:
    """``st:<id>:<what>``: show, set a status, or start an answer."""
    parts = action.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        return [Reply(_("That button does not work."))]
    checked = await _authorised(ctx, int(parts[1]))
    if isinstance(checked, list):
        return checked
    member, submission = checked
    what = parts[2]
    if what == "show":
        return [staff_card(ctx.services.content, submission)]
    if what == "reply":
        if not submission.consent_reply:
            return [Reply(_("The resident did not agree to an answer through this chat."))]
        if not submission.is_open:
            return [Reply(_("{reference} is closed.").format(reference=submission.reference))]
        await ctx.set_state(FLOW, REPLY_TEXT, submission_id=submission.id)
        return await prompt(ctx)
    if what in STATUS_CODES:
        return await _set_status(ctx, member, submission, STATUS_CODES[what])
    return [Reply(_("That button does not work."))]


async def _set_status(ctx: Context, member: StaffMember, submission: Submission, status: str) -> list[Reply]:
    if not submission.is_open:
        return [Reply(_("{reference} is closed ({status}); it cannot change any more.").format(
            reference=submission.reference, status=status_label(submission.status)))]
    if status == submission.status:
        return [Reply(_("{reference} already has the status {status}.").format(
            reference=submission.reference, status=status_label(status)))]
    await ctx.services.submissions.record(
        submission.id, actor="staff", actor_id=member.user_id, action="status", status=status,
        notifications=lambda s: _to_resident(ctx, s, "status"),
        audit=AuditEntry("submission.status", actor_id=member.user_id, subject=submission.reference,
                         details={"from": submission.status, "to": status}))
    ctx.services.notify()
    heard = _("The resident hears about it.") if submission.consent_reply else _(
        "The resident did not agree to messages through this chat.")
    return [Reply(_("{reference} now has the status {status}.").format(
        reference=submission.reference, status=status_label(status)) + " " + heard)]


async def prompt(ctx: Context, hint: str = "") -> list[Reply]:
    submission = await ctx.services.submissions.get(ctx.state.data.get("submission_id", 0))
    reference = submission.reference if submission else "?"
    text = _("Type your answer to the resident about {reference}. Wijkwijzer passes it on; the resident does not "
             "see your Telegram account. Stop with /annuleer.").format(reference=reference)
    return [Reply(with_hint(hint, text))]


async def on_text(ctx: Context, text: str) -> list[Reply] | None:
    """The answer was typed: check again, store it and pass it on."""
    text = text.strip()
    if not text or len(text) > MAX_REPLY:
        return await prompt(ctx, _("Please write at most {max} characters (now {count}).").format(
            max=MAX_REPLY, count=len(text)))
    checked = await _authorised(ctx, ctx.state.data.get("submission_id", 0))
    if isinstance(checked, list):
        await ctx.clear_state()
        return checked
    member, submission = checked
    if not submission.consent_reply or not submission.is_open:
        await ctx.clear_state()
        return [Reply(_("This answer cannot be sent: the submission is closed or the resident did not agree."))]
    await ctx.services.submissions.record(
        submission.id, actor="staff", actor_id=member.user_id, action="reply", text=text,
        notifications=lambda s: _to_resident(ctx, s, "reply", text),
        audit=AuditEntry("submission.reply", actor_id=member.user_id, subject=submission.reference,
                         details={"characters": len(text)}))
    await ctx.clear_state()  # only after the answer is stored: a failed write keeps the step
    ctx.services.notify()
    return [Reply(_("Your answer about {reference} is on its way to the resident.").format(
        reference=submission.reference))]


def _to_resident(ctx: Context, submission: Submission, what: str, text: str = "") -> list[tuple[int, dict]]:
    """A message to the resident, in their language, if they agreed to hear back through the chat."""
    if not submission.consent_reply:
        return []
    with use_language(submission.language):
        kind = kind_label(submission.kind).lower()
        if what == "status":
            body = _("News about your {kind} {reference}: the status is now {status}.").format(
                kind=kind, reference=submission.reference, status=status_label(submission.status))
        else:
            body = _("Answer from the gebiedsverbinder about your {kind} {reference}:\n\n{text}").format(
                kind=kind, reference=submission.reference, text=text)
        buttons = ((Button(_("See the history"), f"my:{submission.id}"),),)
    return [(submission.user_id, Reply(body, buttons).to_dict())]


async def open_list(ctx: Context, page: int = 0) -> list[Reply]:
    """/open: the open submissions of the gebiedsverbinder's stadsdeel, oldest first."""
    member = await staff_member(ctx)
    if member is None:
        return [Reply(_("This command is only for staff of the municipality."), main_menu_buttons())]
    if member.stadsdeel is None:
        return [Reply(_("This command is for gebiedsverbinders: it lists what is open in their stadsdeel."))]
    submissions, total = await ctx.services.submissions.open_for(member.stadsdeel, PER_PAGE, page * PER_PAGE)
    stadsdeel = ctx.services.content.stadsdelen[member.stadsdeel].name
    if total == 0:
        return [Reply(_("There is nothing open for stadsdeel {stadsdeel}.").format(stadsdeel=stadsdeel))]
    lines = [_("Open for stadsdeel {stadsdeel}: {count}, oldest first.").format(stadsdeel=stadsdeel, count=total), ""]
    for submission in submissions:
        lines.append(_("{reference} · {kind} · {place} · {status}").format(
            reference=submission.reference, kind=kind_label(submission.kind),
            place=place(ctx.services.content, submission), status=status_label(submission.status)))
    buttons = [Button(s.reference, f"st:{s.id}:show") for s in submissions]
    if (page + 1) * PER_PAGE < total:
        buttons.append(Button(_("More"), f"op:{page + 1}"))
    if page > 0:
        buttons.append(Button(_("Back"), f"op:{page - 1}"))
    return [Reply("\n".join(lines), Reply.column(buttons))]


ROUTES = Routes(
    FLOW,
    commands=(
        Command("open", "open", open_list, N_("Open submissions of your stadsdeel"), staff=True,
                position=95),
    ),
    buttons=(
        ButtonRoute("st", lambda ctx, m: on_choice(ctx, ctx.incoming.text), rf"{ID}:[a-z]{{1,12}}",
                    staff=True),
        ButtonRoute("op", lambda ctx, m: open_list(ctx, int(m[0])), r"[0-9]{1,6}", staff=True),
    ),
    steps={REPLY_TEXT: Step(on_text, prompt, NOT_UNDERSTOOD)},
    # a one-time staff invite (any payload that is not another flow's link; an unknown one gets the welcome)
    deep_links=(DeepLink(r"[A-Za-z0-9_-]{1,64}", link),),
)
