"""Inspraak for staff: list, add and cancel consultation windows (/inspraakbeheer).

Dialogue:
  staff: /inspraakbeheer
  bot:   the windows they may manage (not ended) [Nieuwe inspraak] [Annuleer #3] ...
  staff: Nieuwe inspraak
  bot:   title?  -> opens? (15-12-2026 09:00) -> closes? -> for whom? [Heel Haarlem] [stadsdelen]
         -> [heel stadsdeel] [wijken] -> link? [Overslaan] -> summary? [Overslaan]
         -> overview [Opslaan] [Annuleren]
  bot:   saved as #4; followers in scope hear when it opens, 7 and 1 days before closing.

City-wide staff may manage every window; a gebiedsverbinder only windows within their stadsdeel
(flows/permissions.py decides, at every step and again when saving or cancelling).
"""

from __future__ import annotations

import datetime as dt
import re

from flows.common import NOT_UNDERSTOOD, menu_button, with_hint
from flows.context import Context
from flows.dispatch import ID, ButtonRoute, Command, Routes, Step
from flows.inspraak import area, describe
from flows.permissions import may_manage, staff_member
from flows.types import Button, Reply
from flows.windows import MAX_SUMMARY, MAX_TITLE, NOT_A_TIME, check_times, check_url, parse_local
from locales import N_, _
from storage import StaffMember
from storage.audit import AuditEntry
from storage.inspraak import NewWindow, Window
from storage.timestamps import parse_time, to_text, utc_now

# a code after the action: a window id (at most 12 digits), or a wijk or stadsdeel code, which starts with
# a letter, so a longer number is no code at all
WORD = r"[A-Za-z_-][A-Za-z0-9_-]{0,39}"
FLOW = "inspraakbeheer"
TITLE, OPENS, CLOSES, SCOPE, URL, SUMMARY, CONFIRM = "title", "opens", "closes", "scope", "url", "summary", "confirm"
_ONE_MINUTE = dt.timedelta(minutes=1)
STAFF_ONLY = N_("This is only for staff of the municipality.")


def window_stadsdelen(ctx: Context, window: Window) -> set[str]:
    """The stadsdelen a window reaches (empty: the whole city)."""
    wijken = ctx.services.content.wijken
    return set(window.codes("stadsdeel")) | {wijken[c].stadsdeel_id for c in window.codes("wijk") if c in wijken}


async def _member(ctx: Context) -> StaffMember | None:
    return await staff_member(ctx)


async def overview(ctx: Context) -> list[Reply]:
    """/inspraakbeheer: the windows this staff member may manage."""
    member = await _member(ctx)
    if member is None:
        return [Reply(_(STAFF_ONLY), Reply.column([menu_button()]))]
    await ctx.clear_state()
    now = utc_now()
    windows = [w for w in await ctx.services.inspraak.all(include_ended=False)
               if may_manage(member, window_stadsdelen(ctx, w))]
    lines = [_("Inspraak you manage (not yet closed):")] if windows else [_("There is no inspraak you manage yet.")]
    buttons = [Button(_("New inspraak"), "ib:new")]
    for window in windows:
        lines.append("")
        lines.append(f"#{window.id} · " + describe(ctx.services.content, window, ctx.language, now).split("\n", 1)[0])
        lines.append(_("{status} · for {area}").format(status=_status(window.status(now)),
                                                        area=area(ctx.services.content, window)))
        buttons.append(Button(_("Cancel #{id}").format(id=window.id), f"ib:cancel:{window.id}"))
    return [Reply("\n".join(lines), Reply.column(buttons + [menu_button()]))]


def _status(status: str) -> str:
    labels = {"planned": N_("planned"), "open": N_("open"), "closed": N_("closed"), "cancelled": N_("cancelled")}
    label = labels[status]
    return _(label)


async def start_new(ctx: Context) -> list[Reply]:
    if await _member(ctx) is None:
        return [Reply(_(STAFF_ONLY))]
    await ctx.set_state(FLOW, TITLE)
    return await prompt(ctx)


async def prompt(ctx: Context, hint: str = "") -> list[Reply]:
    """Ask the question of the current step."""
    step = ctx.state.step if ctx.state else TITLE
    skip = Reply.column([Button(_("Skip"), "ib:skip"), Button(_("Cancel"), "ib:stop")])
    stop = Reply.column([Button(_("Cancel"), "ib:stop")])
    if step == TITLE:
        return [Reply(with_hint(hint, _("What is the title of the inspraak (in Dutch)?")), stop)]
    if step == OPENS:
        return [Reply(with_hint(hint, _("When does it open? Write the date and time, like 15-12-2026 09:00.")), stop)]
    if step == CLOSES:
        return [Reply(with_hint(hint, _("When does it close? Write the date and time, like 12-01-2027 17:00.")),
                      stop)]
    if step == SCOPE:
        return await _ask_scope(ctx, hint)
    if step == URL:
        return [Reply(with_hint(hint, _("A link with more information? Type it, or choose Skip.")), skip)]
    if step == SUMMARY:
        return [Reply(with_hint(hint, _("A short summary for residents (at most {max} characters)? Type it, or "
                                        "choose Skip.").format(max=MAX_SUMMARY)), skip)]
    return [_confirmation(ctx, hint)]


async def _ask_scope(ctx: Context, hint: str) -> list[Reply]:
    member = await _member(ctx)
    content = ctx.services.content
    buttons = []
    if member is not None and member.city_wide:
        buttons.append(Button(_("All of Haarlem"), "ib:city"))
        buttons += [Button(s.name, f"ib:sd:{sid}") for sid, s in content.stadsdelen.items()]
    elif member is not None:
        buttons.append(Button(content.stadsdelen[member.stadsdeel].name, f"ib:sd:{member.stadsdeel}"))
    return [Reply(with_hint(hint, _("For whom is it? Choose the area.")), Reply.column(buttons))]


async def on_text(ctx: Context, text: str) -> list[Reply] | None:
    """Typed answer at a step; None when it is not an answer."""
    step, data, text = ctx.state.step, dict(ctx.state.data), text.strip()
    if step == TITLE:
        if not 3 <= len(text) <= MAX_TITLE:
            return await prompt(ctx, _("Please write a title of 3 to {max} characters.").format(max=MAX_TITLE))
        return await _go(ctx, OPENS, title=text)
    if step in (OPENS, CLOSES):
        moment = parse_local(text)
        if moment is None:
            return await prompt(ctx, _(NOT_A_TIME))
        if step == OPENS:
            problem = check_times(moment, moment + _ONE_MINUTE, utc_now())
            return await prompt(ctx, _(problem)) if problem else await _go(ctx, CLOSES, opens=to_text(moment))
        problem = check_times(parse_time(data["opens"]), moment, utc_now())
        return await prompt(ctx, _(problem)) if problem else await _go(ctx, SCOPE, closes=to_text(moment))
    if step == URL:
        problem = check_url(text)
        return await prompt(ctx, _(problem)) if problem else await _go(ctx, SUMMARY, url=text)
    if step == SUMMARY:
        if len(text) > MAX_SUMMARY:
            return await prompt(ctx, _("Please write at most {max} characters (now {count}).").format(
                max=MAX_SUMMARY, count=len(text)))
        return await _go(ctx, CONFIRM, summary=text)
    return None


async def _go(ctx: Context, step: str, **changes: object) -> list[Reply]:
    await ctx.set_state(FLOW, step, **{**ctx.state.data, **changes})
    return await prompt(ctx)


def _draft(ctx: Context, member_id: int) -> NewWindow:
    data = ctx.state.data
    return NewWindow(title_nl=data["title"], opens_at=parse_time(data["opens"]), closes_at=parse_time(data["closes"]),
                     summary=data.get("summary") or None, url=data.get("url") or None,
                     scope=tuple((k, c) for k, c in data.get("scope", [])), created_by=member_id)


def _confirmation(ctx: Context, hint: str) -> Reply:
    draft = _draft(ctx, ctx.user_id)
    window = Window(0, draft.title_nl, None, draft.summary, draft.url, draft.opens_at, draft.closes_at,
                    draft.reminders, draft.scope)
    text = "\n\n".join([_("Check the inspraak:"), describe(ctx.services.content, window, ctx.language, utc_now()),
                        _("Followers in this area hear about it when it opens, and 7 days and 1 day before it "
                          "closes (not at night).")])
    buttons = [Button(_("Save"), "ib:save"), Button(_("Cancel"), "ib:stop")]
    return Reply(with_hint(hint, text), Reply.column(buttons))


async def on_button(ctx: Context, match: re.Match[str]) -> list[Reply]:
    """``ib:<what>[:<code>]``."""
    what, code = match["what"], match["code"]
    member = await _member(ctx)
    if member is None:
        return [Reply(_(STAFF_ONLY))]
    if what == "new":
        return await start_new(ctx)
    window_id = int(code) if code and re.fullmatch(ID, code) else None  # never a number SQLite cannot hold
    if what == "cancel" and window_id is not None:
        return await _ask_cancel(ctx, member, window_id)
    if what == "cancelyes" and window_id is not None:
        return await _cancel(ctx, member, window_id)
    if ctx.state is None or ctx.state.flow != FLOW:
        return [Reply(_("That button belongs to an earlier conversation. Start again with /inspraakbeheer."))]
    step = ctx.state.step
    if what == "stop":
        await ctx.clear_state()
        return [Reply(_("Stopped. Nothing was saved."), Reply.column([menu_button()]))]
    if what == "city" and step == SCOPE and member.city_wide:
        return await _go(ctx, URL, scope=[])
    if what == "sd" and step == SCOPE and code in ctx.services.content.stadsdelen and may_manage(member, {code}):
        stadsdeel = ctx.services.content.stadsdelen[code]
        buttons = [Button(_("All of stadsdeel {name}").format(name=stadsdeel.name), f"ib:sdall:{code}")]
        buttons += [Button(w.name, f"ib:w:{w.code}") for w in stadsdeel.wijken]
        return [Reply(_("The whole stadsdeel, or one wijk?"), Reply.column(buttons))]
    if what == "sdall" and step == SCOPE and code in ctx.services.content.stadsdelen and may_manage(member, {code}):
        return await _go(ctx, URL, scope=[["stadsdeel", code]])
    wijk = ctx.services.content.wijken.get(code or "")
    if what == "w" and step == SCOPE and wijk is not None and may_manage(member, {wijk.stadsdeel_id}):
        return await _go(ctx, URL, scope=[["wijk", wijk.code]])
    if what == "skip" and step in (URL, SUMMARY):
        return await _go(ctx, SUMMARY if step == URL else CONFIRM)
    if what == "save" and step == CONFIRM:
        return await _save(ctx, member)
    return await prompt(ctx, _("That button belongs to an earlier question."))


async def _save(ctx: Context, member: StaffMember) -> list[Reply]:
    draft = _draft(ctx, member.user_id)
    stadsdelen = window_stadsdelen(ctx, Window(0, "", None, None, None, draft.opens_at, draft.closes_at, (),
                                               draft.scope))
    if not may_manage(member, stadsdelen):
        await ctx.clear_state()
        return [Reply(_("You may not manage inspraak for this area."))]
    problem = check_times(draft.opens_at, draft.closes_at, utc_now())
    if problem:
        await ctx.set_state(FLOW, OPENS, **ctx.state.data)
        return await prompt(ctx, _(problem))
    details = {"title": draft.title_nl, "scope": [list(s) for s in draft.scope], "opens": to_text(draft.opens_at),
               "closes": to_text(draft.closes_at)}
    window = await ctx.services.inspraak.create(draft, audit=AuditEntry("inspraak.add", actor_id=member.user_id,
                                                                         details=details))
    await ctx.clear_state()
    ctx.services.schedule_changed()
    return [Reply(_("Saved as #{id}. Residents who follow a wijk in this area hear about it.").format(id=window.id),
                  Reply.column([Button(_("All inspraak you manage"), "ib:list"), menu_button()]))]


async def _ask_cancel(ctx: Context, member: StaffMember, window_id: int) -> list[Reply]:
    window = await ctx.services.inspraak.get(window_id)
    if window is None or not may_manage(member, window_stadsdelen(ctx, window)):
        return [Reply(_("You may not manage this inspraak, or it does not exist."))]
    text = _("Cancel #{id} “{title}”? Residents who were told about it get a message that it will not take "
             "place.").format(id=window.id, title=window.title_nl)
    buttons = [Button(_("Yes, cancel it"), f"ib:cancelyes:{window.id}"), Button(_("No"), "ib:list")]
    return [Reply(text, Reply.column(buttons))]


async def _cancel(ctx: Context, member: StaffMember, window_id: int) -> list[Reply]:
    window = await ctx.services.inspraak.get(window_id)
    if window is None or not may_manage(member, window_stadsdelen(ctx, window)):
        return [Reply(_("You may not manage this inspraak, or it does not exist."))]
    if window.cancelled_at is None:
        await ctx.services.inspraak.cancel(window_id, audit=AuditEntry("inspraak.cancel", actor_id=member.user_id,
                                                                        details={"title": window.title_nl}))
        ctx.services.schedule_changed()
    return [Reply(_("#{id} is cancelled.").format(id=window_id), Reply.column([menu_button()]))]


ROUTES = Routes(
    FLOW,
    commands=(Command("inspraakbeheer", "manageconsultation", overview, N_("Manage inspraak (staff)"), staff=True,
                      position=96),),
    buttons=(
        ButtonRoute("ib", lambda ctx, m: overview(ctx) if m["what"] == "list" else on_button(ctx, m),
                    rf"(?P<what>[a-z]{{1,10}})(?::(?P<code>{ID}|{WORD}))?", staff=True),
    ),
    steps={step: Step(on_text, prompt, NOT_UNDERSTOOD) for step in (TITLE, OPENS, CLOSES, SCOPE, URL, SUMMARY,
                                                                    CONFIRM)},
)
