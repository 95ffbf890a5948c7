"""Start, help, language, the main menu and honest answers to everything else."""

from __future__ import annotations

from content.textfold import fold
from flows import follow
from flows.common import contact_card, location_outside_haarlem, main_menu_buttons, menu_button
from flows.context import Context
from flows.dispatch import ButtonRoute, Command, Handler, Routes, RouteTable, call
from flows.types import Button, Reply
from locales import LANGUAGES, N_, _, use_language

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


def commands(table: RouteTable, language: str, *, staff: bool = False) -> list[tuple[str, str]]:
    """(command, description) in ``language``, for /help and the platform's command menu."""
    with use_language(language):
        return [(c.name_in(language), _(c.description)) for c in table.commands()
                if c.description and (staff or not c.staff)]


def start(ctx: Context) -> list[Reply]:
    """Greet and show the main menu."""
    text = "\n".join([
        _("Welcome to Wijkwijzer of the municipality of Haarlem."),
        _("• I answer your questions about wijkplatforms, which replace the wijkraden. Just type your question."),
        _("• I tell you who the gebiedsverbinder of your stadsdeel is."),
        _("• You can send ideas and signals for your wijk; the gebiedsverbinder receives them at once."),
    ])
    return [Reply(text, main_menu_buttons())]


def main_menu(ctx: Context) -> list[Reply]:
    return [Reply(_("What would you like to do? Choose below, or type your question."), main_menu_buttons())]


def help_text(ctx: Context) -> list[Reply]:
    lines = [_("Type your question in your own words, for example: “How much subsidy does a wijkplatform "
               "get?” or “Who is the gebiedsverbinder for Schalkwijk?”."), "", _("Commands:")]
    lines += [f"/{name} – {description}" for name, description in commands(ctx.services.routes, ctx.language)]
    return [Reply("\n".join(lines), main_menu_buttons())]


def choose_language(ctx: Context) -> list[Reply]:
    buttons = [Button(LANGUAGE_NAMES[lang], f"lang:{lang}") for lang in LANGUAGES]
    return [Reply(_("Choose your language."), (tuple(buttons),))]


async def set_language(ctx: Context, language: str) -> list[Reply]:
    if language not in LANGUAGES:
        return choose_language(ctx)
    await ctx.services.residents.set_language(ctx.user_id, language)
    ctx.language = language
    with use_language(language):
        return [Reply(_("I will now talk to you in English."), main_menu_buttons())]


def unknown_command(ctx: Context, command: str) -> list[Reply]:
    text = _("I do not know the command /{command}. Type /help to see the commands, or just ask your "
             "question.").format(command=command)
    return [Reply(text, main_menu_buttons())]


def unsupported(ctx: Context) -> Reply:
    return Reply(_("I cannot read this kind of message. Please type your question in a few words, or choose "
                   "a button."))


def photo(ctx: Context) -> Reply:
    return Reply(_("Would you like to send a photo with an idea or signal? Choose /idee first; you can add "
                   "photos there."))


def location(ctx: Context, latitude: float, longitude: float) -> list[Reply]:
    """A location outside a flow: which wijk is that, and who is its gebiedsverbinder?"""
    wijk = ctx.services.geography.wijk_at(latitude, longitude)
    if wijk is None:
        return [Reply(location_outside_haarlem(),
                      main_menu_buttons())]
    text = _("This location is in {wijk}.").format(wijk=wijk.name) + "\n" + contact_card(
        ctx, wijk.stadsdeel_id, wijk.code)
    buttons = [menu_button()]
    if ctx.wijk_code != wijk.code:
        buttons.insert(0, Button(_("Save as my wijk"), f"w:set:{wijk.code}"))
    return [Reply(text, Reply.column(buttons))]


async def start_command(ctx: Context) -> list[Reply]:
    """/start, also with a deep link's payload (t.me/<bot>?start=<payload>)."""
    await ctx.clear_state()
    payload = ctx.incoming.text.strip()
    link = ctx.services.routes.deep_link(payload) if payload else None
    if link is not None:
        return await call(link.handler, ctx, payload)
    return start(ctx)


async def cancel(ctx: Context) -> list[Reply]:
    if ctx.state is None:
        return [Reply(_("There is nothing to stop. What would you like to do?"), main_menu_buttons())]
    await ctx.clear_state()
    return [Reply(_("Stopped. What would you like to do?"), main_menu_buttons())]


async def typed_stop(ctx: Context) -> list[Reply]:
    """"stop" typed in a flow stops the flow, like /annuleer; outside a flow it is /stop (which messages to stop)."""
    if ctx.state is not None:
        return await cancel(ctx)
    return await follow.stop(ctx)


# Words residents type to find their way, as the buttons and commands would (folded, as a whole message).
NAVIGATION = {
    **dict.fromkeys(("menu", "hoofdmenu", "main menu", "terug", "back", "ga terug", "go back",
                     "terug naar het menu", "back to the menu", "back to menu"), main_menu),
    **dict.fromkeys(("help", "hulp", "helpen"), help_text),
    **dict.fromkeys(("annuleer", "annuleren", "cancel", "afbreken"), cancel),
    **dict.fromkeys(("stop", "stoppen"), typed_stop),
}


def navigation(text: str) -> Handler | None:
    """What a typed navigation word ("menu", "terug", "stop", "help", "cancel") does, or None."""
    return NAVIGATION.get(fold(text))


ROUTES = Routes(
    "menu",
    commands=(
        Command("start", "start", start_command, N_("Start and show the menu"), position=0),
        Command("taal", "language", choose_language, N_("Nederlands / English"), aliases=("lang",), position=70),
        Command("annuleer", "cancel", cancel, N_("Stop what you are doing"), position=80),
        Command("help", "help", help_text, N_("Help: what can I ask?"), aliases=("hulp",), position=90),
        Command("menu", "menu", main_menu, position=99),
    ),
    buttons=(
        ButtonRoute("menu", lambda ctx, m: main_menu(ctx), exact=True),
        ButtonRoute("lang", lambda ctx, m: set_language(ctx, m[0]), r"[a-z]{2}"),
    ),
)
