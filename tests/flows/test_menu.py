"""Start, help, language and the honest 'coming soon' items."""

from __future__ import annotations

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
    assert nl["vragen"] == "Vragen over wijkplatforms" and en["vragen"] == "Questions about wijkplatforms"
    assert list(nl) == ["start", "vragen", "contact", "mijnwijk", "idee", "mijn", "inspraak", "taal", "annuleer",
                        "stop", "help"]
    assert set(nl) == set(en)


async def test_unknown_command(resident: Resident) -> None:
    assert "Het commando /foo ken ik niet" in text_of(await resident.say("/foo bar"))
