"""My wijk: save the resident's wijk, so answers and contacts fit where they live.

Dialogue:
  resident: Mijn wijk
  bot:      (saved) your wijk and its gebiedsverbinder [change] [forget]
            (not saved) Which wijk? type a postcode or name, send a location, or [stadsdeel]
  resident: "2034" / "garenkokers" / a location / a stadsdeel then a wijk
  bot:      (one wijk) saved;  (a postcode in two wijken) [wijk A] [wijk B]
"""

from __future__ import annotations

import re

from flows import follow
from flows.common import (
    NOT_A_PLACE,
    contact_card,
    location_outside_haarlem,
    menu_button,
    outside_haarlem,
    stadsdeel_buttons,
    unknown_choice,
    with_hint,
)
from flows.context import Context
from flows.dispatch import CODE, ButtonRoute, Command, Routes, Step
from flows.types import Button, Reply
from locales import N_, _
from matching.places import where_from_text

FLOW = "mijnwijk"
ASK_WIJK = "ask_wijk"


async def show(ctx: Context) -> list[Reply]:
    """Show the saved wijk, or ask for it."""
    code = ctx.wijk_code
    wijken = ctx.services.content.wijken
    if code not in wijken:
        return await ask(ctx)
    await ctx.clear_state()
    wijk = wijken[code]
    followings = await ctx.services.followings.of(ctx.user_id)
    text = "\n".join([
        _("Your wijk: {wijk}.").format(wijk=wijk.name),
        contact_card(ctx, wijk.stadsdeel_id, code),
        "",
        follow.summary(ctx, followings),
    ])
    buttons = follow.buttons_for(ctx, code, followings) + [
        Button(_("Change my wijk"), "w:change"), Button(_("Forget my wijk"), "w:forget"), menu_button()]
    return [Reply(text, Reply.column(buttons))]


async def ask(ctx: Context, hint: str = "") -> list[Reply]:
    """Ask for the wijk: typed, by location, or stadsdeel then wijk."""
    await ctx.set_state(FLOW, ASK_WIJK)
    text = _("Which wijk do you live in? Type your postcode (for example 2034) or the name of your wijk "
             "or buurt, or send your location. You can also choose your stadsdeel.")
    return [Reply(with_hint(hint, text), Reply.column(stadsdeel_buttons(ctx, "w:sd")))]


async def choose_stadsdeel(ctx: Context, stadsdeel_id: str) -> list[Reply]:
    """A stadsdeel was chosen: show its wijken."""
    stadsdeel = ctx.services.content.stadsdelen.get(stadsdeel_id)
    if stadsdeel is None:
        return await ask(ctx)
    await ctx.set_state(FLOW, ASK_WIJK)
    buttons = [Button(w.name, f"w:set:{w.code}") for w in stadsdeel.wijken]
    return [Reply(_("Which wijk in {stadsdeel}?").format(stadsdeel=stadsdeel.name), Reply.column(buttons))]


async def save(ctx: Context, wijk_code: str) -> list[Reply]:
    """Save the chosen wijk."""
    wijk = ctx.services.content.wijken.get(wijk_code)
    if wijk is None:
        return await ask(ctx, _("I do not know that wijk."))
    await ctx.services.residents.set_wijk(ctx.user_id, wijk_code)
    await ctx.clear_state()
    text = _("Saved: your wijk is {wijk}.").format(wijk=wijk.name) + "\n\n" + contact_card(
        ctx, wijk.stadsdeel_id, wijk_code)
    if await follow.should_offer(ctx, wijk_code):
        await follow.offered(ctx)
        return [Reply(text), follow.offer(ctx, wijk_code)]
    return [Reply(text, Reply.column([menu_button()]))]


async def forget(ctx: Context) -> list[Reply]:
    await ctx.services.residents.set_wijk(ctx.user_id, None)
    await ctx.clear_state()
    return [Reply(_("I have forgotten your wijk."), Reply.column([menu_button()]))]


async def on_text(ctx: Context, text: str) -> list[Reply] | None:
    """Typed while asked for the wijk; None when it names no place."""
    where = where_from_text(ctx.services.geography, text, any_number_is_postcode=True)
    if where.outside_postcode:
        return await ask(ctx, outside_haarlem(where.outside_postcode))
    if where.wijk_code:
        return await save(ctx, where.wijk_code)
    wijken = ctx.services.content.wijken
    if len(where.wijk_codes) > 1:
        buttons = [Button(wijken[c].name, f"w:set:{c}") for c in where.wijk_codes]
        return [Reply(_("That can be more than one wijk. Which one is yours?"), Reply.column(buttons))]
    if where.stadsdeel_id:
        return await choose_stadsdeel(ctx, where.stadsdeel_id)
    if where.found:
        buttons = [Button(ctx.services.content.stadsdelen[s].name, f"w:sd:{s}") for s in where.stadsdeel_ids]
        return [Reply(_("Which of these stadsdelen do you mean?"), Reply.column(buttons))]
    return None


async def on_location(ctx: Context, latitude: float, longitude: float) -> list[Reply]:
    """A location while asked for the wijk: save the wijk it lies in."""
    wijk = ctx.services.geography.wijk_at(latitude, longitude)
    if wijk is None:
        return await ask(ctx, location_outside_haarlem())
    return await save(ctx, wijk.code)


async def _on_button(ctx: Context, match: re.Match[str]) -> list[Reply]:
    """``w:sd:<stadsdeel>``, ``w:set:<wijk>``, ``w:change``, ``w:forget``."""
    what, code = match["what"], match["code"]
    if what == "sd" and code:
        return await choose_stadsdeel(ctx, code)
    if what == "set" and code:
        return await save(ctx, code)
    if what == "change" and not code:
        return await ask(ctx)
    if what == "forget" and not code:
        return await forget(ctx)
    return unknown_choice()


ROUTES = Routes(
    FLOW,
    commands=(
        Command("mijnwijk", "mywijk", show, N_("Your wijk"), aliases=("wijk",),
                position=30),
    ),
    buttons=(
        ButtonRoute("m:wijk", lambda ctx, m: show(ctx), exact=True),
        ButtonRoute("w", _on_button, rf"(?P<what>sd|set|change|forget)(?::(?P<code>{CODE}))?"),
    ),
    steps={ASK_WIJK: Step(on_text, ask, NOT_A_PLACE,
                          on_location=lambda ctx: on_location(ctx, ctx.incoming.latitude, ctx.incoming.longitude))},
)
