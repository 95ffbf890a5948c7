"""Broadcasts for staff: one message to many residents (/omroep).

Dialogue:
  staff: /omroep
  bot:   Type the message (at most 4,096 characters). You may send one photo with it.
  staff: Informatieavond wijkplatform Schalkwijk op 3 december, 19:30 in ...
  bot:   An English version? Type it, or choose Skip. [Overslaan]
  bot:   Who gets it? [Iedereen die iets volgt] [Een stadsdeel] [Een of meer wijken] [Volgers van een thema]
         [Alle gebiedsverbinders]      (a gebiedsverbinder: only their own stadsdeel and its wijken)
  bot:   When? [Nu] or type a date and time (15-12-2026 09:00)
  bot:   (the message exactly as residents get it)
         For: followers in stadsdeel Schalkwijk · recipients: 312 (298 Dutch, 14 English) · send: now
         [Versturen] [Aanpassen] [Annuleren]       (+ [Nu toch versturen] during quiet hours)
  staff: Versturen
  bot:   (that message becomes the live progress, edited every few seconds) [Pauzeren] [Annuleren]
         (cancelled by a colleague: it says so, by name, and a new message tells the staff member who sent it)

Only residents who follow something in the audience get it (storage/broadcasts.py). Who may send
what is asked of flows/permissions.py at every step, and again when sending, pausing or cancelling.
"""

from __future__ import annotations

import datetime as dt
import re

from flows.broadcast_view import (
    MAX_TEXT,
    audience_stadsdelen,
    describe_audience,
    payloads,
    progress_reply,
    resident_message,
    show_cancelled,
)
from flows.common import NOT_UNDERSTOOD, menu_button, with_hint
from flows.context import Context
from flows.dispatch import CODE, ID, ButtonRoute, Command, Routes, Step
from flows.permissions import may_manage, staff_member
from flows.types import Button, Reply
from flows.windows import NOT_A_TIME, parse_local
from locales import N_, _, format_moment, format_number
from scheduling.quiet import next_allowed
from storage import StaffMember
from storage.broadcasts import Broadcast, NewBroadcast, Part, Progress
from storage.timestamps import parse_time, to_text, utc_now

FLOW = "omroep"
TEXT, ENGLISH, AUDIENCE, WHEN, CONFIRM = "text", "english", "audience", "when", "confirm"
STAFF_ONLY = N_("This is only for staff of the municipality.")
NOT_YOURS = N_("You may not send or manage messages for this audience, or the message does not exist.")
MAX_AHEAD = dt.timedelta(days=90)


def _parts(ctx: Context) -> list[Part]:
    return [(k, c) for k, c in ctx.state.data.get("audience", [])]


def _allowed(ctx: Context, member: StaffMember | None, audience: list[Part] | tuple[Part, ...]) -> bool:
    return bool(audience) and may_manage(member, audience_stadsdelen(ctx.services.content, list(audience)))


async def start(ctx: Context) -> list[Reply]:
    """/omroep: ask for the text."""
    if await staff_member(ctx) is None:
        return [Reply(_(STAFF_ONLY), Reply.column([menu_button()]))]
    await ctx.set_state(FLOW, TEXT)
    return await prompt(ctx)


async def prompt(ctx: Context, hint: str = "") -> list[Reply]:
    """Ask the question of the current step."""
    step = ctx.state.step if ctx.state else TEXT
    stop = Button(_("Cancel"), "om:stop")
    if step == TEXT:
        return [Reply(with_hint(hint, _("Type the message for residents, in Dutch (at most {max} characters). You "
                                        "may send one photo with it.").format(max=format_number(MAX_TEXT))),
                      Reply.column([stop]))]
    if step == ENGLISH:
        return [Reply(with_hint(hint, _("An English version for residents who use English? Type it, or choose "
                                        "Skip (they get the Dutch text).")),
                      Reply.column([Button(_("Skip"), "om:skip"), stop]))]
    if step == AUDIENCE:
        return [await _ask_audience(ctx, hint)]
    if step == WHEN:
        return [Reply(with_hint(hint, _("When should it be sent? Choose Now, or type a date and time like "
                                        "15-12-2026 09:00.")), Reply.column([Button(_("Now"), "om:now"), stop]))]
    return await _preview(ctx, hint)


async def _ask_audience(ctx: Context, hint: str) -> Reply:
    member = await staff_member(ctx)
    buttons = []
    if member is not None and member.city_wide:
        buttons.append(Button(_("Everyone who follows something"), "om:all"))
    buttons += [Button(_("A stadsdeel"), "om:sdl"), Button(_("One or more wijken"), "om:wk")]
    if member is not None and member.city_wide:
        buttons += [Button(_("Followers of a theme"), "om:th"), Button(_("All gebiedsverbinders"), "om:gv")]
    return Reply(with_hint(hint, _("Who should get it? Only residents who follow something there get it.")),
                 Reply.column(buttons + [Button(_("Cancel"), "om:stop")]))


async def on_text(ctx: Context, text: str) -> list[Reply] | None:
    """Typed answer at a step; None when it is not an answer."""
    step, text = ctx.state.step, text.strip()
    if step in (TEXT, ENGLISH):
        if not text:
            return await prompt(ctx)
        if len(text) > MAX_TEXT:
            return await prompt(ctx, _("That is {count} characters; at most {max} fit in one message.").format(
                count=format_number(len(text)), max=format_number(MAX_TEXT)))
        return await _go(ctx, ENGLISH if step == TEXT else AUDIENCE, **{"text" if step == TEXT else "text_en": text})
    if step == WHEN:
        moment = parse_local(text)
        if moment is None:
            return await prompt(ctx, _(NOT_A_TIME))
        now = utc_now()
        if moment < now - dt.timedelta(minutes=1) or moment > now + MAX_AHEAD:
            return await prompt(ctx, _("Choose a moment from now until 90 days ahead."))
        return await _go(ctx, CONFIRM, send_at=to_text(max(moment, now)))
    return None


async def on_photo(ctx: Context) -> list[Reply]:
    """A photo while writing the message: the one photo of the broadcast (a newer one replaces it)."""
    photo = ctx.incoming.photo_ids[-1]
    caption = ctx.incoming.text.strip()
    data = {**ctx.state.data, "photo": photo}
    if ctx.state.step == TEXT and caption and len(caption) <= MAX_TEXT:
        data["text"] = caption
        await ctx.set_state(FLOW, CONFIRM if data.get("editing") else ENGLISH, **data)
        return await prompt(ctx, _("Photo received, with its caption as the text."))
    await ctx.set_state(FLOW, ctx.state.step, **data)
    return await prompt(ctx, _("Photo received (one photo fits: it replaces an earlier one)."))


async def _go(ctx: Context, step: str, **changes: object) -> list[Reply]:
    """Save the answer and go to ``step``; when changing one thing, straight back to the preview."""
    data = {**ctx.state.data, **changes}
    await ctx.set_state(FLOW, CONFIRM if data.get("editing") else step, **data)
    return await prompt(ctx)


def _start_moment(ctx: Context, *, force: bool) -> tuple[dt.datetime, bool]:
    """When it starts, and whether quiet hours moved it."""
    data = ctx.state.data
    wanted = parse_time(data["send_at"]) if data.get("send_at") else utc_now()
    start = wanted if force else next_allowed(wanted, ctx.services.quiet)
    return max(start, utc_now()), start != wanted


async def _preview(ctx: Context, hint: str) -> list[Reply]:
    """The message exactly as residents get it, then who and when, with Send / Change / Cancel."""
    data = ctx.state.data
    audience = _parts(ctx)
    counts = await ctx.services.broadcasts.count(audience)
    total = counts["nl"] + counts["en"]
    replies = [Reply(_("This is how residents get it:"))]
    replies.append(resident_message(data["text"], data.get("photo"), "nl"))
    if data.get("text_en"):
        replies.append(Reply(_("Residents who use English get:")))
        replies.append(resident_message(data["text_en"], data.get("photo"), "en"))
    start, moved = _start_moment(ctx, force=False)
    if moved:
        when = _("at {moment}, after the quiet hours (nothing is sent at night)").format(moment=format_moment(start))
    elif data.get("send_at"):
        when = _("at {moment}").format(moment=format_moment(start))
    else:
        when = _("now")
    lines = [_("For: {audience}").format(audience=describe_audience(ctx.services.content, audience)),
             _("Recipients now: {total} ({nl} in Dutch, {en} in English)").format(
                 total=format_number(total), nl=format_number(counts["nl"]), en=format_number(counts["en"])),
             _("Send: {when}").format(when=when)]
    buttons = []
    if total:
        buttons.append(Button(_("Send"), "om:send"))
        if moved:
            buttons.append(Button(_("Send now anyway"), "om:force"))
    else:
        lines.append(_("Nobody would get it: nobody follows something in this audience yet."))
    buttons += [Button(_("Change"), "om:edit"), Button(_("Cancel"), "om:stop")]
    replies.append(Reply(with_hint(hint, "\n".join(lines)), Reply.column(buttons)))
    return replies


async def _send(ctx: Context, member: StaffMember, *, force: bool) -> list[Reply]:
    """Versturen: save it and queue a message per recipient now (one transaction), or plan it."""
    data, audience = ctx.state.data, _parts(ctx)
    if not _allowed(ctx, member, audience):
        await ctx.clear_state()
        return [Reply(_(NOT_YOURS))]
    if sum((await ctx.services.broadcasts.count(audience)).values()) == 0:
        return await prompt(ctx, _("That button belongs to an earlier question."))
    start, _moved = _start_moment(ctx, force=force)
    new = NewBroadcast(text_nl=data["text"], text_en=data.get("text_en"), photo=data.get("photo"),
                       audience=tuple(audience), created_by=member.user_id, send_at=start, quiet_override=force)
    broadcast = await ctx.services.broadcasts.create(
        new, payloads(new.text_nl, new.text_en, new.photo), progress_chat=ctx.user_id,
        progress_message=ctx.incoming.message_id)
    await ctx.clear_state()
    ctx.services.notify()
    ctx.services.schedule_changed()
    progress = await ctx.services.broadcasts.progress(broadcast.id)
    reply = progress_reply(ctx.services.content, broadcast, progress, utc_now())
    return [Reply(reply.text, reply.buttons, edit=True)]  # the preview's buttons become the live progress


async def on_button(ctx: Context, match: re.Match[str]) -> list[Reply]:
    """``om:<what>[:<code>]``."""
    what, code = match["what"], match["code"] or ""
    member = await staff_member(ctx)
    if member is None:
        return [Reply(_(STAFF_ONLY))]
    if what in ("pause", "resume", "cancel", "cancelyes", "keep") and code.isdigit():
        return await _manage(ctx, member, what, int(code))
    if ctx.state is None or ctx.state.flow != FLOW:
        return [Reply(_("That button belongs to an earlier conversation. Start again with /omroep."))]
    step = ctx.state.step
    if what == "stop":
        await ctx.clear_state()
        return [Reply(_("Stopped. Nothing was sent."), Reply.column([menu_button()]))]
    if what == "skip" and step == ENGLISH:
        return await _go(ctx, AUDIENCE, text_en=None)
    if step == AUDIENCE:
        return await _audience_button(ctx, member, what, code)
    if what == "now" and step == WHEN:
        return await _go(ctx, CONFIRM, send_at=None)
    if step == CONFIRM and what in ("send", "force"):
        return await _send(ctx, member, force=what == "force")
    if step == CONFIRM and what == "edit":
        buttons = [Button(_("The text"), "om:e:text"), Button(_("The English text"), "om:e:en"),
                   Button(_("Who gets it"), "om:e:aud"), Button(_("When"), "om:e:when"),
                   Button(_("Back to the preview"), "om:e:back")]
        if ctx.state.data.get("photo"):
            buttons.insert(1, Button(_("Remove the photo"), "om:e:nophoto"))
        return [Reply(_("What do you want to change?"), Reply.column(buttons))]
    if step == CONFIRM and what == "e" and code == "nophoto":
        return await _go(ctx, CONFIRM, photo=None)
    if step == CONFIRM and what == "e":
        steps = {"text": TEXT, "en": ENGLISH, "aud": AUDIENCE, "when": WHEN, "back": CONFIRM}
        if code in steps:
            await ctx.set_state(FLOW, steps[code], **{**ctx.state.data, "editing": True, "wijken": []})
            return await prompt(ctx)
    return await prompt(ctx, _("That button belongs to an earlier question."))


async def _audience_button(ctx: Context, member: StaffMember, what: str, code: str) -> list[Reply]:
    """The audience step: whole city, a stadsdeel, wijken (several), a theme, the gebiedsverbinders."""
    content = ctx.services.content
    mine = [sid for sid in content.stadsdelen if may_manage(member, {sid})]
    if what in ("all", "gv") and member.city_wide:
        return await _go(ctx, WHEN, audience=[["all" if what == "all" else "gebiedsverbinders", ""]])
    if what in ("sdl", "wk"):
        target = "sd" if what == "sdl" else "wsd"
        buttons = [Button(content.stadsdelen[sid].name, f"om:{target}:{sid}") for sid in mine]
        return [Reply(_("Which stadsdeel?"), Reply.column(buttons + [Button(_("Cancel"), "om:stop")]))]
    if what == "sd" and code in mine:
        return await _go(ctx, WHEN, audience=[["stadsdeel", code]])
    if what == "th" and member.city_wide:
        buttons = [Button(theme.title.get(ctx.language), f"om:t:{theme.id}") for theme in content.themes]
        return [Reply(_("Followers of which theme?"), Reply.column(buttons + [Button(_("Cancel"), "om:stop")]))]
    if what == "t" and member.city_wide and any(theme.id == code for theme in content.themes):
        return await _go(ctx, WHEN, audience=[["theme", code]])
    chosen = list(ctx.state.data.get("wijken", []))
    wijk = content.wijken.get(code)
    if what == "w" and wijk is not None and wijk.stadsdeel_id in mine:
        chosen = [c for c in chosen if c != code] if code in chosen else chosen + [code]
        await ctx.set_state(FLOW, AUDIENCE, **{**ctx.state.data, "wijken": chosen})
        return [_wijk_picker(ctx, wijk.stadsdeel_id, chosen)]
    if what == "wsd" and code in mine:
        return [_wijk_picker(ctx, code, chosen)]
    if what == "wdone" and chosen and all(content.wijken[c].stadsdeel_id in mine for c in chosen):
        return await _go(ctx, WHEN, audience=[["wijk", c] for c in chosen], wijken=[])
    return await prompt(ctx, _("That button belongs to an earlier question."))


def _wijk_picker(ctx: Context, stadsdeel_id: str, chosen: list[str]) -> Reply:
    stadsdeel = ctx.services.content.stadsdelen[stadsdeel_id]
    buttons = [Button(("✓ " if w.code in chosen else "") + w.name, f"om:w:{w.code}") for w in stadsdeel.wijken]
    if chosen:
        buttons.append(Button(_("Done ({count} chosen)").format(count=len(chosen)), "om:wdone"))
    buttons.append(Button(_("Cancel"), "om:stop"))
    return Reply(_("Choose one or more wijken in {stadsdeel}, then Done.").format(stadsdeel=stadsdeel.name),
                 Reply.column(buttons))


async def _manage(ctx: Context, member: StaffMember, what: str, broadcast_id: int) -> list[Reply]:
    """Pause or resume a broadcast from its progress message; cancel it after a question (a new message: the
    progress message is edited every few seconds and would lose the question's buttons)."""
    repo = ctx.services.broadcasts
    broadcast = await repo.get(broadcast_id)
    if broadcast is None or not _allowed(ctx, member, broadcast.audience):
        return [Reply(_(NOT_YOURS))]
    if what == "cancel":
        progress = await repo.progress(broadcast_id)
        if broadcast.status not in ("scheduled", "sending", "paused"):
            return [_edited(ctx, broadcast, progress)]
        text = _("Cancel message #{id}? What was sent stays sent; the {count} messages still to send are not "
                 "sent.").format(id=broadcast_id, count=format_number(progress.pending))
        if broadcast.status == "scheduled":
            text = _("Cancel message #{id}? It has not been sent yet: then nobody gets it.").format(id=broadcast_id)
        return [Reply(text, Reply.rows([Button(_("Yes, cancel it"), f"om:cancelyes:{broadcast_id}"),
                                        Button(_("No"), f"om:keep:{broadcast_id}")]))]
    if what == "keep":
        return [Reply(_("Not cancelled: message #{id} goes on.").format(id=broadcast_id), edit=True)]
    action = {"pause": repo.pause, "resume": repo.resume, "cancelyes": repo.cancel}[what]
    if await action(broadcast_id, member.user_id):
        if what != "resume":  # first: the messages the sender already took must not go either
            ctx.services.broadcast_stopped(broadcast_id)
        if what == "cancelyes":  # the starter's progress message (no longer edited by the duties) says it too
            await show_cancelled(ctx.services.content, repo, broadcast_id, member.user_id, utc_now(),
                                 actor_name=member.name)
        ctx.services.notify()
        ctx.services.schedule_changed()
    now = await repo.get(broadcast_id) or broadcast
    return [_edited(ctx, now, await repo.progress(broadcast_id))]  # after Cancel: the question becomes the outcome


def _edited(ctx: Context, broadcast: Broadcast, progress: Progress) -> Reply:
    reply = progress_reply(ctx.services.content, broadcast, progress, utc_now())
    return Reply(reply.text, reply.buttons, edit=True)


ROUTES = Routes(
    FLOW,
    commands=(Command("omroep", "broadcast", start, N_("Send a message to residents (staff)"), staff=True,
                      position=97),),
    buttons=(ButtonRoute("om", on_button, rf"(?P<what>[a-z]{{1,9}})(?::(?P<code>{CODE}|{ID}))?", staff=True),),
    steps={step: Step(on_text, prompt, NOT_UNDERSTOOD, on_photo=on_photo if step in (TEXT, ENGLISH) else None)
           for step in (TEXT, ENGLISH, AUDIENCE, WHEN, CONFIRM)},
)
