"""Contact: who is the gebiedsverbinder for a stadsdeel?

Dialogue:
  resident: Contact
  bot:      (saved wijk known) the gebiedsverbinder's name and e-mail
            (otherwise) Which stadsdeel? [five stadsdelen] [all gebiedsverbinders]
  resident: chooses, or types a wijk, buurt or postcode
  bot:      the gebiedsverbinder's name and e-mail
"""

from __future__ import annotations

from flows.common import (
    NOT_A_PLACE,
    all_contacts,
    contact_card,
    menu_button,
    outside_haarlem,
    stadsdeel_buttons,
    stadsdeel_of_wijk,
    with_hint,
)
from flows.context import Context
from flows.dispatch import CODE, ButtonRoute, Command, Routes, Step
from flows.types import Button, Reply
from locales import N_, _
from matching.places import where_from_text

FLOW = "contact"
ASK_STADSDEEL = "ask_stadsdeel"


async def start(ctx: Context) -> list[Reply]:
    """Show the resident's own gebiedsverbinder, or ask for the stadsdeel."""
    stadsdeel_id = stadsdeel_of_wijk(ctx, ctx.wijk_code)
    if stadsdeel_id is None:
        return await ask(ctx)
    await ctx.clear_state()
    buttons = [Button(_("Another stadsdeel"), "c:pick"), menu_button()]
    return [Reply(contact_card(ctx, stadsdeel_id, ctx.wijk_code), Reply.column(buttons))]


async def ask(ctx: Context, hint: str = "") -> list[Reply]:
    """Ask which stadsdeel (buttons, or a typed wijk, buurt or postcode)."""
    await ctx.set_state(FLOW, ASK_STADSDEEL)
    text = _("Which stadsdeel is it about? Choose below, or type the name of your wijk or buurt, "
             "or your postcode.")
    buttons = stadsdeel_buttons(ctx, "sd") + [Button(_("All gebiedsverbinders"), "sd:all")]
    return [Reply(with_hint(hint, text), Reply.column(buttons))]


async def choose_stadsdeel(ctx: Context, stadsdeel_id: str) -> list[Reply]:
    """A stadsdeel button was chosen: show its gebiedsverbinder."""
    if stadsdeel_id == "all":
        await ctx.clear_state()
        return [Reply(all_contacts(ctx), Reply.column([menu_button()]))]
    if stadsdeel_id not in ctx.services.content.stadsdelen:
        return await ask(ctx, _("I do not know that stadsdeel."))
    await ctx.clear_state()
    return [Reply(contact_card(ctx, stadsdeel_id), Reply.column([menu_button()]))]


async def on_text(ctx: Context, text: str) -> list[Reply] | None:
    """Typed while asked for a stadsdeel; None when it names no place."""
    where = where_from_text(ctx.services.geography, text, any_number_is_postcode=True)
    if where.outside_postcode:
        return await ask(ctx, outside_haarlem(where.outside_postcode))
    if where.stadsdeel_id:
        await ctx.clear_state()
        return [Reply(contact_card(ctx, where.stadsdeel_id, where.wijk_code), Reply.column([menu_button()]))]
    if where.found:  # several stadsdelen named
        buttons = [Button(ctx.services.content.stadsdelen[s].name, f"sd:{s}") for s in where.stadsdeel_ids]
        return [Reply(_("Which of these stadsdelen do you mean?"), Reply.column(buttons))]
    return None


ROUTES = Routes(
    FLOW,
    commands=(Command("contact", "contact", start, N_("Find your gebiedsverbinder"), position=20),),
    buttons=(
        ButtonRoute("m:contact", lambda ctx, m: start(ctx), exact=True),
        ButtonRoute("c:pick", lambda ctx, m: ask(ctx), exact=True),
        ButtonRoute("sd", lambda ctx, m: choose_stadsdeel(ctx, m[0]), CODE),
    ),
    steps={ASK_STADSDEEL: Step(on_text, ask, NOT_A_PLACE)},
)
