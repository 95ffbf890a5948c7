"""Start, help, language and the honest 'coming soon' items."""

from __future__ import annotations

import re

import pytest

from flows.assistant import route_table
from flows.menu import commands
from storage import ResidentRepository
from tests.conftest import Resident, actions_of, text_of


async def test_start_in_dutch_and_english(assistant) -> None:
    dutch = await Resident(assistant, 1, "nl").say("/start")
    assert "Welkom bij Wijkwijzer" in text_of(dutch)
    assert actions_of(dutch) == ["m:faq", "m:idee", "m:wijk", "m:inspraak", "m:contact"]
    assert [b.label for r in dutch for row in r.buttons for b in row] == [
        "Vragen over wijkplatforms", "Idee of signaal doorgeven", "Mijn wijk", "Inspraak", "Contact"]
    assert "Welcome to Wijkwijzer" in text_of(await Resident(assistant, 2, "en-GB").say("/start"))
    assert "Welcome to Wijkwijzer" in text_of(await Resident(assistant, 3, "de").say("/start"))
    assert "Welkom bij Wijkwijzer" in text_of(await Resident(assistant, 4, None).say("/start"))


async def test_language_switch_is_remembered(resident: Resident, db) -> None:
    replies = await resident.say("/taal")
    assert actions_of(replies) == ["lang:nl", "lang:en"]
    assert "I will now talk to you in English" in text_of(await resident.press("lang:en"))
    assert (await ResidentRepository(db).get(42)).language == "en"
    assert "Welcome" in text_of(await resident.say("/start"))  # despite Telegram saying nl


async def test_help_lists_every_command(resident: Resident) -> None:
    text = text_of(await resident.say("/help"))
    for name, _description in commands(route_table(), "nl"):
        assert f"/{name} " in text


async def test_command_descriptions_are_translated() -> None:
    nl, en = dict(commands(route_table(), "nl")), dict(commands(route_table(), "en"))
    assert nl["vragen"] == "Vragen over wijkplatforms"
    assert list(nl) == ["start", "vragen", "contact", "mijnwijk", "idee", "mijn", "inspraak", "taal", "annuleer",
                        "stop", "privacy", "mijngegevens", "vergeetmij", "help"]
    assert list(en) == ["start", "questions", "contact", "mywijk", "idea", "mine", "consultation", "language",
                        "cancel", "stop", "privacy", "mydata", "forgetme", "help"]
    assert en["questions"] == "Questions about wijkplatforms"


async def test_english_help_shows_english_command_names(assistant) -> None:
    text = text_of(await Resident(assistant, 7, "en").say("/help"))
    assert "/idea " in text and "/mine " in text and "/questions " in text and "/cancel " in text
    assert "/idee " not in text and "/annuleer " not in text
    dutch = text_of(await Resident(assistant, 8, "nl").say("/help"))
    assert "/idee " in dutch and "/idea " not in dutch


@pytest.mark.parametrize("word", ["menu", "Hoofdmenu", "terug", "Back!", "main menu"])
async def test_typed_menu_words_show_the_main_menu(resident: Resident, word: str) -> None:
    replies = await resident.say(word)
    assert actions_of(replies) == ["m:faq", "m:idee", "m:wijk", "m:inspraak", "m:contact"]
    assert "Wat wilt u doen?" in text_of(replies)


@pytest.mark.parametrize("word", ["help", "Hulp?"])
async def test_typed_help_is_help(resident: Resident, word: str) -> None:
    assert "/vragen " in text_of(await resident.say(word))


@pytest.mark.parametrize("word", ["stop", "annuleer", "Cancel", "stoppen"])
async def test_typed_stop_in_a_flow_stops_it(resident: Resident, word: str) -> None:
    await resident.say("/idee")
    await resident.press("in:kind:idee")
    assert "Gestopt" in text_of(await resident.say(word))
    # the flow is gone: a typed question is a question again, not the next answer of the intake
    assert "5.000" in text_of(await resident.say("Hoeveel subsidie krijgt een wijkplatform?"))


async def test_typed_stop_outside_a_flow_is_slash_stop(resident: Resident) -> None:
    replies = await resident.say("stop")
    assert "geen berichten over inspraak of nieuws" in text_of(replies) and "Gestopt" not in text_of(replies)
    assert "Er is niets om te stoppen" in text_of(await resident.say("annuleer"))


async def test_typed_menu_in_a_step_does_what_the_menu_button_does(resident: Resident) -> None:
    await resident.say("/idee")
    await resident.press("in:kind:idee")
    typed = await resident.say("menu")
    assert actions_of(typed) == actions_of(await resident.press("menu"))


async def test_english_navigation_words(assistant) -> None:
    english = Resident(assistant, 9, "en")
    await english.say("/idea")
    assert "Stopped" in text_of(await english.say("cancel"))
    assert "/mine " in text_of(await english.say("help"))


async def test_unknown_command(resident: Resident) -> None:
    assert "Het commando /foo ken ik niet" in text_of(await resident.say("/foo bar"))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_texts_name_the_commands_of_their_language(language: str) -> None:
    """An English text says /cancel, /idea, /mine; a Dutch one /annuleer, /idee, /mijn."""
    from babel.messages.pofile import read_po

    from locales import po_path

    other = "en" if language == "nl" else "nl"
    ours, theirs = dict(commands(route_table(), language)), dict(commands(route_table(), other))
    foreign = set(theirs) - set(ours)
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for message in catalog:
        text = message.string if isinstance(message.string, str) else " ".join(message.string or ())
        named = set(re.findall(r"/(\w+)", text))
        assert not named & foreign, f"{language}: {text!r} names {named & foreign}"


@pytest.mark.parametrize("payload", ["campagne2026", "bestaatniet", "w-nergens", "x" * 64, "fb_ad-7"])
async def test_start_with_an_unknown_payload_gives_the_normal_welcome(assistant, payload: str) -> None:
    """A campaign link (t.me/<bot>?start=<anything>) is not an error (issue 10, item 9)."""
    plain = await Resident(assistant, 9).say("/start")
    linked = await Resident(assistant, 10).say(f"/start {payload}")
    assert "Welkom bij Wijkwijzer" in text_of(linked) and "niet geldig" not in text_of(linked)
    assert [r.to_dict() for r in linked] == [r.to_dict() for r in plain]
