"""Inspraak for residents: which consultation windows concern them, and the notices they get.

Dialogue:
  resident: /inspraak (or the menu item)
  bot:      windows that are open or open within 30 days: first those for the wijken the resident
            follows (or saved), then city-wide ones; each with its dates, area, summary and link.
            Nothing relevant: says so, offers to follow a wijk and how inspraak works.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from content.model import Content
from flows.common import menu_button, topic_button
from flows.context import Context
from flows.dispatch import ButtonRoute, Command, Routes
from flows.types import Button, Reply
from locales import N_, _, format_moment, use_language
from storage.inspraak import Window
from storage.timestamps import utc_now

AHEAD = dt.timedelta(days=30)  # windows opening within this time are listed too


def area(content: Content, window: Window) -> str:
    """For whom a window is: "heel Haarlem", "stadsdeel Noord", "Transvaalwijk, Vogelenwijk"."""
    if window.city_wide:
        return _("all of Haarlem")
    names = [_("stadsdeel {name}").format(name=content.stadsdelen[c].name)
             for c in window.codes("stadsdeel") if c in content.stadsdelen]
    names += [content.wijken[c].name for c in window.codes("wijk") if c in content.wijken]
    return ", ".join(names)


def describe(content: Content, window: Window, language: str, now: dt.datetime) -> str:
    """A window as a resident reads it, in ``language``."""
    lines = [window.title(language)]
    if window.status(now) == "open":
        lines.append(_("Open now, until {closes}.").format(closes=format_moment(window.closes_at)))
    else:
        lines.append(_("From {opens} until {closes}.").format(opens=format_moment(window.opens_at),
                                                           closes=format_moment(window.closes_at)))
    lines.append(_("For: {area}").format(area=area(content, window)))
    if window.summary:
        lines.append(window.summary)
    if window.url:
        lines.append(_("More information: {url}").format(url=window.url))
    return "\n".join(lines)


def relevant(content: Content, windows: list[Window], wijk_codes: set[str], now: dt.datetime) -> list[Window]:
    """Open, or opening within 30 days: the resident's wijken first, then city-wide ones."""
    stadsdelen = {content.wijken[c].stadsdeel_id for c in wijk_codes if c in content.wijken}
    current = [w for w in windows if w.status(now) in ("open", "planned") and w.opens_at <= now + AHEAD]
    local = [w for w in current if not w.city_wide and (set(w.codes("wijk")) & wijk_codes
                                                         or set(w.codes("stadsdeel")) & stadsdelen)]
    city = [w for w in current if w.city_wide]
    return sorted(local, key=lambda w: w.closes_at) + sorted(city, key=lambda w: w.closes_at)


async def listing(ctx: Context) -> list[Reply]:
    """/inspraak: the windows that concern this resident."""
    await ctx.clear_state()
    content = ctx.services.content
    followed = set(await ctx.services.followings.wijken_of(ctx.user_id))
    mine = followed | ({ctx.wijk_code} if ctx.wijk_code else set())
    now = utc_now()
    windows = relevant(content, await ctx.services.inspraak.all(include_ended=False), mine, now)
    buttons = [topic_button(ctx, "inspraak")]
    if not followed:
        buttons.insert(0, Button(_("Follow a wijk"), "m:wijk"))
    buttons.append(menu_button())
    if not windows:
        text = _("There is no inspraak (open now or within 30 days) for your wijk or for all of Haarlem.")
        if not followed:
            text += "\n\n" + _("Follow your wijk, and I will tell you as soon as you can have your say.")
        return [Reply(text, Reply.column(buttons))]
    intro = _("Inspraak: this is where you can have your say.")
    parts = [intro] + [describe(content, w, ctx.language, now) for w in windows]
    return [Reply("\n\n".join(parts), Reply.column(buttons))]


def notice(content: Content, window: Window, kind: str, language: str, now: dt.datetime) -> dict[str, Any]:
    """The message of a notice (open, remind, correct, cancel) in ``language``, as an outbox payload."""
    with use_language(language):
        title = window.title(language)
        if kind == "cancel":
            text = _("The inspraak about “{title}” has been cancelled. It will not take place.").format(title=title)
        else:
            first = {
                "open": _("You can now have your say: inspraak about “{title}”."),
                "remind": _("Reminder: the inspraak about “{title}” closes on {closes}."),
                "correct": _("Changed: the inspraak about “{title}” has new dates."),
            }[kind].format(title=title, closes=format_moment(window.closes_at))
            text = first + "\n\n" + describe(content, window, language, now)
        text += "\n\n" + _("You get this message because you follow a wijk in Wijkwijzer. To stop: /stop.")
        buttons = (Button(_("All inspraak"), "m:inspraak"), Button(_("Stop messages"), "f:s"))
        return Reply(text, Reply.column(list(buttons))).to_dict()


ROUTES = Routes(
    "inspraak",
    commands=(Command("inspraak", "consultation", listing, N_("Have your say: inspraak in your wijk"),
                      position=60),),
    buttons=(ButtonRoute("m:inspraak", lambda ctx, m: listing(ctx), exact=True),),
)
