"""The rules for consultation windows, shared by the staff flow and the CLI.

Times are typed in Europe/Amsterdam and stored in UTC. A window is refused when it closes before
it opens, opens more than a day in the past, names an unknown wijk or stadsdeel, or has a link
that is not http(s).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from content.geography import Geography
from locales import N_

LOCAL = ZoneInfo("Europe/Amsterdam")
PAST_ALLOWED = dt.timedelta(days=1)
MAX_TITLE = 200
MAX_SUMMARY = 1000

# "2026-12-15 09:00", "2026-12-15 09:00:30", "15-12-2026 9:00", "15/12/2026 09.00"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2})[:.](\d{2})(?::(\d{2}))?$")
_DUTCH = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4}),? +(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")

CLOSES_BEFORE_OPENS = N_("The closing time must be after the opening time.")
OPENS_IN_PAST = N_("The opening time lies more than a day in the past.")
NOT_A_URL = N_("The link must start with http:// or https://.")
NOT_A_TIME = N_("I cannot read that date and time. Write it like 15-12-2026 09:00.")


def parse_local(text: str) -> dt.datetime | None:
    """A typed Europe/Amsterdam date and time as UTC, or None when it is not one."""
    text = " ".join(text.strip().split())
    match = _ISO.match(text)
    if match:
        year, month, day, hour, minute, second = match.groups()
    else:
        match = _DUTCH.match(text)
        if not match:
            return None
        day, month, year, hour, minute, second = match.groups()
    try:
        local = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=LOCAL)
    except ValueError:
        return None
    return local.astimezone(dt.UTC)


def check_times(opens: dt.datetime, closes: dt.datetime, now: dt.datetime, *, new: bool = True) -> str | None:
    """The problem with these times (an N_ message), or None."""
    if closes <= opens:
        return CLOSES_BEFORE_OPENS
    if new and opens < now - PAST_ALLOWED:
        return OPENS_IN_PAST
    return None


def check_url(url: str | None) -> str | None:
    if not url:
        return None
    parsed = urlparse(url)
    return None if parsed.scheme in ("http", "https") and parsed.netloc and " " not in url else NOT_A_URL


def named_place(geography: Geography, name: str, kind: str) -> str | None:
    """The code of the stadsdeel or wijk with this name or alias (case and accents do not matter)."""
    hit = geography.named(name)
    if hit is None:
        return None
    stadsdeel_id, wijk_code = hit
    if kind == "stadsdeel":
        return stadsdeel_id if wijk_code is None else None
    return wijk_code


def parse_reminders(text: str) -> tuple[int, ...]:
    """``7d,1d,12h`` as seconds before closing; ValueError when it is not such a list."""
    units = {"d": 86400, "h": 3600, "m": 60}
    result = []
    for part in text.split(","):
        part = part.strip().lower()
        match = re.fullmatch(r"(\d{1,3})([dhm])", part)
        if not match or int(match.group(1)) == 0:
            raise ValueError(f"{part!r} is not like 7d, 1d or 12h")
        result.append(int(match.group(1)) * units[match.group(2)])
    return tuple(sorted(set(result), reverse=True))
