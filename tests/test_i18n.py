"""Every message in the code has a Dutch and an English translation, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import locales
from locales import LANGUAGES, po_path, translations

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def code_messages() -> set[str]:
    found = set()
    for package in ("bot", "flows", "content", "locales"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, keywords={"_": None, "N_": None}
        ):
            found.add(message)
    return found


def test_code_has_messages() -> None:
    assert "Main menu" in code_messages()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    messages = {m.id: m for m in catalog if m.id}
    missing = sorted(code_messages() - set(messages))
    assert not missing, f"{language}: not in the catalog (run scripts/update_catalogs.sh): {missing}"
    for message_id in code_messages():
        entry = messages[message_id]
        assert entry.string, f"{language}: no translation for {message_id!r}"
        assert not entry.fuzzy, f"{language}: fuzzy translation for {message_id!r}"
        assert PLACEHOLDER.findall(entry.string) == PLACEHOLDER.findall(message_id) or sorted(
            PLACEHOLDER.findall(entry.string)) == sorted(PLACEHOLDER.findall(message_id)), (
            f"{language}: placeholders differ in {message_id!r}")


def test_catalogs_compile_and_translate() -> None:
    assert translations("nl").gettext("Main menu") == "Hoofdmenu"
    assert translations("en").gettext("Main menu") == "Main menu"
    with locales.use_language("nl"):
        assert locales._("Back") == "Terug"
        assert locales.format_number(1000) == "1.000"
    with locales.use_language("en"):
        assert locales.format_number(1000) == "1,000"


def test_language_from_telegram() -> None:
    assert locales.language_from_telegram("nl") == "nl"
    assert locales.language_from_telegram("nl-BE") == "nl"
    assert locales.language_from_telegram("en") == "en"
    assert locales.language_from_telegram("pl") == "en"
    assert locales.language_from_telegram(None) == "nl"


@pytest.mark.parametrize("language", LANGUAGES)
def test_commands_in_messages_are_that_languages_names(language: str) -> None:
    """An English message names /idea, /mine, /manageconsultation; a Dutch one /idee, /mijn, /inspraakbeheer."""
    from flows.assistant import route_table

    names = {command.name_in(language) for command in route_table().commands()}
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    wrong = sorted({f"/{name} in {message.id!r}" for message in catalog if message.id and message.string
                    for name in re.findall(r"(?<![\w/])/([a-z]+)\b", str(message.string)) if name not in names})
    assert not wrong, wrong
