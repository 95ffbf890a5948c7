"""Following a wijk or a theme: opt-in messages about inspraak and news, and /stop.

Dialogue:
  (after saving a wijk, asked once)
  bot:      Wilt u berichten over inspraak en nieuws voor {wijk}? [Ja, houd mij op de hoogte] [Nee, liever niet]
  resident: Ja
  bot:      U volgt nu {wijk}. ... [Nog een wijk volgen] [Thema's kiezen] [Hoofdmenu]

  (Mijn wijk) [Volg {wijk}] / [Stop berichten over {wijk}] [Nog een wijk volgen] [Thema's kiezen]
  (poster in the wijk: t.me/<bot>?start=w-<wijk code>)
  bot:      Welkom ... via de poster van {wijk}. [Sla op als mijn wijk] [Volg {wijk}]

  resident: /stop
  bot:      U krijgt berichten over: ... Wat wilt u stoppen? [Stop alles] [Stop {wijk}] ... [Niets stoppen]

Following is opt-in (AVG): a row exists only after the resident said yes, and /stop removes it.
"""

from __future__ import annotations

import re

from flows.common import main_menu_buttons, menu_button, stadsdeel_buttons, unknown_choice
from flows.context import Context
from flows.dispatch import CODE, ButtonRoute, Command, DeepLink, Routes
from flows.submission_view import theme_title
from flows.types import Button, Reply
from locales import N_, _, language_from_telegram
from storage import Following

FLOW = "follow"


def offer(ctx: Context, wijk_code: str) -> Reply:
    """The one-time question after a wijk was saved: messages about it, yes or no?"""
    wijk = ctx.services.content.wijken[wijk_code]
    text = _("Would you like messages about inspraak (having your say) and news for {wijk}? You only get them "
             "if you say yes, and you can stop at any time with /stop.").format(wijk=wijk.name)
    buttons = [Button(_("Yes, keep me informed"), f"f:y:{wijk_code}"), Button(_("No, thank you"), f"f:n:{wijk_code}")]
    return Reply(text, Reply.column(buttons))


async def should_offer(ctx: Context, wijk_code: str) -> bool:
    """Ask once per resident, and never about a wijk they already follow."""
    resident = await ctx.services.residents.get(ctx.user_id)
    if resident is not None and resident.follow_asked_at is not None:
        return False
    return wijk_code not in await ctx.services.followings.wijken_of(ctx.user_id)


async def offered(ctx: Context) -> None:
    await ctx.services.residents.mark_follow_asked(ctx.user_id)


def summary(ctx: Context, followings: list[Following]) -> str:
    """One line about what the resident follows."""
    if not followings:
        return _("You do not get messages about inspraak and news yet.")
    content = ctx.services.content
    wijken = [content.wijken[f.code].name for f in followings if f.kind == "wijk" and f.code in content.wijken]
    themes = [theme_title(content, f.code) for f in followings if f.kind == "theme"]
    parts = []
    if wijken:
        parts.append(_("You get messages about inspraak and news for: {wijken}.").format(wijken=", ".join(wijken)))
    if themes:
        parts.append(_("Themes: {themes}.").format(themes=", ".join(themes)))
    return " ".join(parts)


def buttons_for(ctx: Context, wijk_code: str | None, followings: list[Following]) -> list[Button]:
    """The following buttons of Mijn wijk."""
    buttons = []
    followed = {f.code for f in followings if f.kind == "wijk"}
    if wijk_code and wijk_code in ctx.services.content.wijken:
        name = ctx.services.content.wijken[wijk_code].name
        if wijk_code in followed:
            buttons.append(Button(_("Stop messages about {wijk}").format(wijk=name), f"f:u:{wijk_code}"))
        else:
            buttons.append(Button(_("Follow {wijk}").format(wijk=name), f"f:w:{wijk_code}"))
    buttons.append(Button(_("Follow another wijk"), "f:more"))
    buttons.append(Button(_("Choose themes"), "f:th"))
    return buttons


async def follow_wijk(ctx: Context, wijk_code: str) -> list[Reply]:
    wijk = ctx.services.content.wijken.get(wijk_code)
    if wijk is None:
        return unknown_choice()
    await _remember_language(ctx)
    await ctx.services.followings.follow(ctx.user_id, "wijk", wijk_code)
    await offered(ctx)
    text = _("You now follow {wijk}. I will tell you when you can have your say (inspraak) there, and pass on "
             "news of the municipality for {wijk}. Stop at any time with /stop.").format(wijk=wijk.name)
    buttons = [Button(_("Follow another wijk"), "f:more"), Button(_("Choose themes"), "f:th"), menu_button()]
    return [Reply(text, Reply.column(buttons))]


async def decline(ctx: Context, wijk_code: str) -> list[Reply]:
    await offered(ctx)
    return [Reply(_("All right: you get no messages. You can switch them on later in Mijn wijk."),
                  main_menu_buttons())]


async def unfollow_wijk(ctx: Context, wijk_code: str) -> list[Reply]:
    wijk = ctx.services.content.wijken.get(wijk_code)
    await ctx.services.followings.unfollow(ctx.user_id, "wijk", wijk_code)
    name = wijk.name if wijk else wijk_code
    return [Reply(_("You no longer get messages about {wijk}.").format(wijk=name),
                  Reply.column([Button(_("My wijk"), "m:wijk"), menu_button()]))]


def choose_stadsdeel(ctx: Context) -> list[Reply]:
    return [Reply(_("In which stadsdeel is the wijk you want to follow?"),
                  Reply.column(stadsdeel_buttons(ctx, "f:sd")))]


async def choose_wijk(ctx: Context, stadsdeel_id: str) -> list[Reply]:
    stadsdeel = ctx.services.content.stadsdelen.get(stadsdeel_id)
    if stadsdeel is None:
        return choose_stadsdeel(ctx)
    followed = set(await ctx.services.followings.wijken_of(ctx.user_id))
    buttons = [Button(("✓ " if w.code in followed else "") + w.name, f"f:w:{w.code}") for w in stadsdeel.wijken]
    return [Reply(_("Which wijk in {stadsdeel} do you want to follow?").format(stadsdeel=stadsdeel.name),
                  Reply.column(buttons + [menu_button()]))]


async def themes(ctx: Context, *, edit: bool = False) -> list[Reply]:
    """The themes, each a button that switches it on or off."""
    followed = {f.code for f in await ctx.services.followings.of(ctx.user_id) if f.kind == "theme"}
    buttons = [Button(("✓ " if t.id in followed else "") + t.title.get(ctx.language), f"f:t:{t.id}")
               for t in ctx.services.content.themes]
    text = _("Choose the themes you want news about. Press a theme again to switch it off.")
    return [Reply(text, Reply.column(buttons + [Button(_("Ready"), "m:wijk")]), edit=edit)]


async def toggle_theme(ctx: Context, theme_id: str) -> list[Reply]:
    if not any(t.id == theme_id for t in ctx.services.content.themes):
        return await themes(ctx)
    await _remember_language(ctx)
    if not await ctx.services.followings.follow(ctx.user_id, "theme", theme_id):
        await ctx.services.followings.unfollow(ctx.user_id, "theme", theme_id)
    return await themes(ctx, edit=True)


async def stop(ctx: Context) -> list[Reply]:
    """/stop: what do you want to stop?"""
    followings = await ctx.services.followings.of(ctx.user_id)
    if not followings:
        text = _("You get no messages about inspraak or news from me. Want them after all? Choose Mijn wijk.")
        return [Reply(text, Reply.column([Button(_("My wijk"), "m:wijk"), menu_button()]))]
    buttons = [Button(_("Stop everything"), "f:stop")]
    content = ctx.services.content
    for f in followings:
        if f.kind == "wijk" and f.code in content.wijken:
            buttons.append(Button(_("Stop {wijk}").format(wijk=content.wijken[f.code].name), f"f:u:{f.code}"))
    buttons.append(Button(_("Stop nothing"), "menu"))
    text = summary(ctx, followings) + "\n\n" + _("What do you want to stop? (To leave a conversation, use "
                                                 "/annuleer.)")
    return [Reply(text, Reply.column(buttons))]


async def stop_all(ctx: Context) -> list[Reply]:
    await ctx.services.followings.unfollow_all(ctx.user_id)
    text = _("Done: you get no more messages about inspraak and news. You can follow a wijk again in Mijn wijk.")
    return [Reply(text, Reply.column([Button(_("My wijk"), "m:wijk"), menu_button()]))]


async def poster(ctx: Context, payload: str) -> list[Reply]:
    """/start w-<wijk code>: a resident scanned the poster of a wijk."""
    code = payload[2:]
    wijk = ctx.services.content.wijken.get(code)
    if wijk is None:
        from flows.menu import start  # a poster of a wijk that no longer exists: the normal welcome

        return start(ctx)
    text = "\n".join([
        _("Welcome to Wijkwijzer of the municipality of Haarlem. You came here through the poster of {wijk}.").format(
            wijk=wijk.name),
        "",
        _("Would you like to save {wijk} as your wijk, and get messages about inspraak and news for {wijk}? "
          "You can also just type a question.").format(wijk=wijk.name),
    ])
    buttons = []
    if ctx.wijk_code != code:
        buttons.append(Button(_("Save as my wijk"), f"w:set:{code}"))
    if code not in await ctx.services.followings.wijken_of(ctx.user_id):
        buttons.append(Button(_("Follow {wijk}").format(wijk=wijk.name), f"f:w:{code}"))
    return [Reply(text, Reply.column(buttons + [menu_button()]))]


async def _remember_language(ctx: Context) -> None:
    """Notices come unasked: remember the language the resident uses now, if they never chose one."""
    if ctx.resident is None or ctx.resident.language is None:
        await ctx.services.residents.set_platform_language(ctx.user_id,
                                                            language_from_telegram(ctx.incoming.language_code))


async def _on_button(ctx: Context, match: re.Match[str]) -> list[Reply]:
    what, code = match["what"], match["code"]
    handlers = {
        "y": follow_wijk, "w": follow_wijk, "n": decline, "u": unfollow_wijk, "sd": choose_wijk,
        "t": toggle_theme,
    }
    if code and what in handlers:
        return await handlers[what](ctx, code)
    if not code and what == "more":
        return choose_stadsdeel(ctx)
    if not code and what == "s":
        return await stop(ctx)
    if not code and what == "th":
        return await themes(ctx)
    if not code and what == "stop":
        return await stop_all(ctx)
    return unknown_choice()


ROUTES = Routes(
    FLOW,
    commands=(Command("stop", "stop", stop, N_("Stop messages about inspraak and news"), position=85),),
    buttons=(ButtonRoute("f", _on_button, rf"(?P<what>[a-z]{{1,5}})(?::(?P<code>{CODE}))?"),),
    deep_links=(DeepLink(r"w-[A-Za-z0-9]{1,20}", poster),),
)
