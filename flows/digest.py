"""The digest setting of a gebiedsverbinder (/digest, staff only).

Dialogue:
  staff: /digest
  bot:   Overzicht van stadsdeel Noord
         Wanneer: werkdagen om 08:00 · volgende: dinsdag 2 december 2026, 08:00
         Hoe: Telegram en e-mail (k@haarlem.nl) · Ook als er niets nieuws is: nee
         [Werkdagen] [Elke dag] [Eén keer per week] [Uit] [Tijd: 08:00 (wijzigen)]
         [Telegram] [E-mail] [Allebei] [E-mailadres wijzigen] [Ook als er niets nieuws is: aan]
  staff: Eén keer per week
  bot:   Op welke dag? [maandag] ... [zondag]
  staff: Tijd: 08:00 (wijzigen)
  bot:   Hoe laat moet het overzicht komen? [07:00] [• 08:00] ... [17:00]
  staff: E-mailadres wijzigen
  bot:   Typ uw e-mailadres (of "geen" om het te wissen).
  staff: k.kranendonk@haarlem
  bot:   Dat is geen e-mailadres. ...

Every press reads the staff account from the database again (flows/permissions.py): only a
gebiedsverbinder has a digest, of their own stadsdeel, and changes only their own setting.
"""

from __future__ import annotations

from babel.dates import format_datetime, get_day_names

from flows.common import NOT_UNDERSTOOD, menu_button, with_hint
from flows.context import Context
from flows.dispatch import ButtonRoute, Command, Routes, Step
from flows.permissions import staff_member
from flows.types import Button, Reply
from locales import N_, _, current_language
from storage import StaffMember
from storage.digests import DigestSettings, next_moment, valid_email
from storage.submissions import LOCAL
from storage.timestamps import utc_now

FLOW = "digest"
EMAIL = "email"
STAFF_ONLY = N_("This is only for staff of the municipality.")
NO_ADDRESS = {"geen", "none", "-", "wis", "remove", "delete"}
SCHEDULES = {"workdays": N_("Working days"), "daily": N_("Every day"), "weekly": N_("Once a week"),
             "off": N_("Off")}
CHANNELS = {"telegram": N_("Telegram"), "email": N_("E-mail"), "both": N_("Both")}
TIMES = ("07:00", "08:00", "09:00", "10:00", "12:00", "13:00", "16:00", "17:00")  # Europe/Amsterdam


async def _gebiedsverbinder(ctx: Context) -> tuple[StaffMember | None, list[Reply]]:
    member = await staff_member(ctx)
    if member is None:
        return None, [Reply(_(STAFF_ONLY), Reply.column([menu_button()]))]
    if member.stadsdeel is None:
        return None, [Reply(_("Digests are for gebiedsverbinders: a summary of what came in for their stadsdeel."))]
    return member, []


async def show(ctx: Context, hint: str = "") -> list[Reply]:
    """/digest: the setting, with buttons to change it."""
    member, refusal = await _gebiedsverbinder(ctx)
    if member is None:
        return refusal
    await ctx.clear_state()
    settings = await ctx.services.digests.settings(member.user_id)
    return [Reply(with_hint(hint, _describe(ctx, member, settings)), Reply.column(_buttons(settings)))]


def _describe(ctx: Context, member: StaffMember, settings: DigestSettings) -> str:
    stadsdeel = ctx.services.content.stadsdelen[member.stadsdeel].name
    lines = [_("Digest of stadsdeel {stadsdeel}: new submissions, what has been open long, answers owed and the "
               "questions the assistant could not answer.").format(stadsdeel=stadsdeel)]
    if settings.schedule == "off":
        lines.append(_("When: off"))
    else:
        if settings.schedule == "weekly":
            day = get_day_names("wide", locale=current_language())[settings.weekday]
            when = _("every {day} at {time}").format(day=day, time=settings.at)
        elif settings.schedule == "daily":
            when = _("every day at {time}").format(time=settings.at)
        else:
            when = _("working days at {time}").format(time=settings.at)
        upcoming = next_moment(settings, utc_now())
        lines.append(_("When: {when} · next: {next}").format(when=when, next=format_datetime(
            upcoming.astimezone(LOCAL), "EEEE d MMMM y, HH:mm", locale=current_language())))
    address = settings.email or member.email
    if settings.channel == "telegram":
        how = _("in this chat app")
    elif address is None:
        how = _("in this chat app (no e-mail address set)")
    elif not ctx.services.email_enabled:
        how = _("in this chat app (e-mail to {address} is not configured on this assistant)").format(address=address)
    elif settings.channel == "email":
        how = _("by e-mail to {address}").format(address=address)
    else:
        how = _("in this chat app and by e-mail to {address}").format(address=address)
    lines.append(_("How: {how}").format(how=how))
    lines.append(_("Also when nothing is new: yes") if settings.when_empty else
                 _("Also when nothing is new: no (no digest then)"))
    return "\n".join(lines)


def _buttons(settings: DigestSettings) -> list[Button]:
    buttons = [Button(("• " if settings.schedule == code else "") + _(label), f"dg:when:{code}")
               for code, label in SCHEDULES.items()]
    if settings.schedule != "off":
        buttons.append(Button(_("Time: {time} (change)").format(time=settings.at), "dg:time"))
    buttons += [Button(("• " if settings.channel == code else "") + _(label), f"dg:how:{code}")
                for code, label in CHANNELS.items()]
    buttons.append(Button(_("Change e-mail address"), "dg:email"))
    if settings.when_empty:
        buttons.append(Button(_("Also when nothing is new: switch off"), "dg:empty:off"))
    else:
        buttons.append(Button(_("Also when nothing is new: switch on"), "dg:empty:on"))
    return buttons + [menu_button()]


async def on_button(ctx: Context, what: str, value: str | None) -> list[Reply]:
    member, refusal = await _gebiedsverbinder(ctx)
    if member is None:
        return refusal
    repo = ctx.services.digests
    if what == "when" and value == "weekly":
        days = get_day_names("wide", locale=current_language())
        return [Reply(_("On which day?"), Reply.column([Button(days[i], f"dg:day:{i}") for i in range(7)]))]
    if what == "time":
        current = (await repo.settings(member.user_id)).at
        return [Reply(_("At what time should the digest come?"), Reply.column(
            [Button(("• " if at == current else "") + at, "dg:at:" + at.replace(":", "")) for at in TIMES]))]
    if what == "when" and value in SCHEDULES:
        await repo.update(member.user_id, schedule=value)
    elif what == "day" and value is not None and value.isdigit() and int(value) < 7:
        await repo.update(member.user_id, schedule="weekly", weekday=int(value))
    elif what == "at" and value in {at.replace(":", "") for at in TIMES}:
        await repo.update(member.user_id, at=f"{value[:2]}:{value[2:]}")
    elif what == "how" and value in CHANNELS:
        await repo.update(member.user_id, channel=value)
    elif what == "empty" and value in ("on", "off"):
        await repo.update(member.user_id, when_empty=value == "on")
    elif what == "email":
        await ctx.set_state(FLOW, EMAIL)
        return prompt(ctx)
    else:
        return await show(ctx, _("That button belongs to an earlier question."))
    ctx.services.schedule_changed()
    return await show(ctx, _("Saved."))


def prompt(ctx: Context, hint: str = "") -> list[Reply]:
    return [Reply(with_hint(hint, _("Type the e-mail address for your digest, or “geen” to remove it. Stop with "
                                    "/annuleer.")))]


async def on_text(ctx: Context, text: str) -> list[Reply]:
    member, refusal = await _gebiedsverbinder(ctx)
    if member is None:
        await ctx.clear_state()
        return refusal
    address = text.strip()
    repo = ctx.services.digests
    if address.lower() in NO_ADDRESS:
        await repo.update(member.user_id, email=None)
    elif not valid_email(address):
        return prompt(ctx, _("That is not an e-mail address (like name@haarlem.nl)."))
    else:
        await repo.update(member.user_id, email=address)
    ctx.services.schedule_changed()
    return await show(ctx, _("Saved."))


ROUTES = Routes(
    FLOW,
    commands=(Command("digest", "digest", show, N_("Your digest: when and how (staff)"), aliases=("overzicht",),
                      staff=True, position=97),),
    buttons=(
        ButtonRoute("dg", lambda ctx, m: on_button(ctx, m["what"], m["value"]),
                    r"(?P<what>[a-z]{1,6})(?::(?P<value>[a-z0-9]{1,10}))?", staff=True),
    ),
    steps={EMAIL: Step(on_text, prompt, NOT_UNDERSTOOD)},
)
