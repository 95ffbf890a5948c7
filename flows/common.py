"""Reply pieces several flows share: the main menu, contact cards, source lines, pickers."""

from __future__ import annotations

from functools import lru_cache

from content.model import Content, Source, Topic
from flows.context import Context
from flows.types import Button, Reply
from locales import N_, _, current_language, format_day, format_month_year, use_language

NOT_A_PLACE = N_("I do not recognise that as a stadsdeel, wijk, buurt or postcode.")
NOT_UNDERSTOOD = N_("I did not understand that answer. Please choose a button, or type /annuleer to stop.")

MAIN_MENU = (
    (N_("Questions about wijkplatforms"), "m:faq"),
    (N_("Send an idea or signal"), "m:idee"),
    (N_("My wijk"), "m:wijk"),
    (N_("Have your say (inspraak)"), "m:inspraak"),
    (N_("Contact"), "m:contact"),
)


# The municipality's general contact, from the letterhead of the startnotitie wijkplatforms
# (15 November 2022, ../shared/sources/startnotitie-wijkplatforms-2022.txt): for questions about
# other municipal matters, where the gebiedsverbinder is not the person to ask.
GENERAL_PHONE = "14 023"
GENERAL_WEBSITE = "haarlem.nl"
GENERAL_POST = "Postbus 511, 2003 PB Haarlem"


def general_contact() -> str:
    """How to reach the municipality about anything else."""
    return "\n".join([
        _("For other questions, contact the municipality of Haarlem:"),
        _("Phone: {phone}").format(phone=GENERAL_PHONE),
        _("Website: {website}").format(website=GENERAL_WEBSITE),
        _("Post: {address}").format(address=GENERAL_POST),
    ])


def main_menu_buttons() -> tuple[tuple[Button, ...], ...]:
    return Reply.column([Button(_(label), action) for label, action in MAIN_MENU])


def topic_button(ctx: Context, topic_id: str) -> Button:
    """A button that opens a FAQ topic, labelled with its title."""
    return Button(ctx.services.content.topics[topic_id].title.get(ctx.language), f"t:{topic_id}")


def menu_button() -> Button:
    return Button(_("Main menu"), "menu")


def source_date(source: Source) -> str:
    return _source_date(source, current_language())


@lru_cache(maxsize=256)
def _source_date(source: Source, language: str) -> str:
    """Dates formatted by Babel, once per source and language."""
    with use_language(language):
        if source.precision == "day":
            text = format_day(source.date)
        elif source.precision == "month":
            text = format_month_year(source.date)
        else:
            text = str(source.date.year)
        return _("as read in {date}").format(date=text) if source.read else text


def source_line(content: Content, source_ids: tuple[str, ...]) -> str:
    """"Bron: gemeente Haarlem, projectpagina '…' (22 januari 2024)."""
    if not source_ids:
        return ""
    language = current_language()
    parts = [
        "{title} ({date})".format(title=content.sources[sid].title.get(language),
                                  date=source_date(content.sources[sid]))
        for sid in source_ids
    ]
    return _("Source: municipality of Haarlem, {sources}.").format(sources="; ".join(parts))


def topic_text(content: Content, topic: Topic) -> str:
    text = topic.answer.get(current_language())
    line = source_line(content, topic.sources)
    return f"{text}\n\n{line}" if line else text


def contact_card(ctx: Context, stadsdeel_id: str, wijk_code: str | None = None) -> str:
    """Who the gebiedsverbinder of a stadsdeel is, with the source."""
    content = ctx.services.content
    stadsdeel = content.stadsdelen[stadsdeel_id]
    person = content.gebiedsverbinders[stadsdeel_id]
    lines = []
    if wijk_code:
        lines.append(_("{wijk} is in stadsdeel {stadsdeel}.").format(
            wijk=content.wijken[wijk_code].name, stadsdeel=stadsdeel.name))
    lines.append(_("The gebiedsverbinder of stadsdeel {stadsdeel} is {name}.").format(
        stadsdeel=stadsdeel.name, name=person.name))
    lines.append(_("E-mail: {email}").format(email=person.email))
    lines.append("")
    lines.append(source_line(content, (content.gebiedsverbinder_source,)))
    return "\n".join(lines)


def all_contacts(ctx: Context) -> str:
    content = ctx.services.content
    lines = [_("The gebiedsverbinders per stadsdeel:"), ""]
    for sid, stadsdeel in content.stadsdelen.items():
        person = content.gebiedsverbinders[sid]
        lines.append(f"{stadsdeel.name}: {person.name}, {person.email}")
    lines.append("")
    lines.append(source_line(content, (content.gebiedsverbinder_source,)))
    return "\n".join(lines)


def stadsdeel_buttons(ctx: Context, prefix: str) -> list[Button]:
    return [Button(s.name, f"{prefix}:{sid}") for sid, s in ctx.services.content.stadsdelen.items()]


def stadsdeel_of_wijk(ctx: Context, wijk_code: str | None) -> str | None:
    if not wijk_code or wijk_code not in ctx.services.content.wijken:
        return None
    return ctx.services.content.wijken[wijk_code].stadsdeel_id


def outside_haarlem(postcode: str) -> str:
    return _("Postcode {postcode} is not a Haarlem postcode as far as I know.").format(postcode=postcode)


def location_outside_haarlem() -> str:
    return _("That location is not in Haarlem. I can only help with wijken in Haarlem.")


def with_hint(hint: str, question: str) -> str:
    """A question, asked again after a short remark (why the last answer did not work)."""
    return f"{hint}\n\n{question}" if hint else question


def unknown_choice() -> list[Reply]:
    """A button whose action is not (or no longer) understood."""
    return [Reply(_("That button no longer works. Choose again below."), main_menu_buttons())]
