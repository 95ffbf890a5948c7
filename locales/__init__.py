"""Translations for Wijkwijzer's own texts (gettext catalogs in this folder).

The ``.po`` files are the source of truth. They are compiled in memory the
first time a language is used, so an installed copy can never run with stale
``.mo`` files. The resident's language lives in a context variable, set once per
incoming message with :func:`use_language`, so every ``_()`` during that
message translates to the right language, also in concurrent updates.

Message ids are English; both ``nl`` and ``en`` catalogs must translate every
message (a test checks this).
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _babel_format_number

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
DOMAIN = "wijkwijzer"
LOCALES_DIR = Path(__file__).parent

_language: ContextVar[str] = ContextVar("wijkwijzer_language", default=DEFAULT_LANGUAGE)


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """Compile the ``.po`` catalog of ``language`` in memory (once per process)."""
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def language_from_telegram(language_code: str | None) -> str:
    """Telegram's ``language_code``: ``nl…`` is Dutch, anything else English, none Dutch."""
    if not language_code:
        return DEFAULT_LANGUAGE
    return "nl" if language_code.lower().startswith("nl") else "en"


@contextmanager
def use_language(language: str) -> Iterator[None]:
    token = _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


def current_language() -> str:
    return _language.get()


def _(message: str) -> str:
    """Translate ``message`` into the current resident's language."""
    return translations(_language.get()).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translate it later with ``_()``."""
    return message


def format_month_year(day: dt.date) -> str:
    """"januari 2024" / "January 2024" in the current language."""
    return _babel_format_date(day, "MMMM y", locale=_language.get())


def format_day(day: dt.date) -> str:
    """"21 december 2023" / "21 December 2023" in the current language."""
    return _babel_format_date(day, "d MMMM y", locale=_language.get())


def format_number(number: int | float) -> str:
    """"1.000" / "1,000" in the current language."""
    return _babel_format_number(number, locale=_language.get())


LOCAL_ZONE = "Europe/Amsterdam"


def format_moment(moment: dt.datetime) -> str:
    """A moment as people in Haarlem read it, in the current language: "maandag 1 december 2026, 09:00"."""
    return _babel_format_datetime(moment, "EEEE d MMMM y, HH:mm", tzinfo=LOCAL_ZONE, locale=_language.get())
