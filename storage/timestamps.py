"""Timestamps as the database stores them: UTC, ISO 8601 with microseconds and a Z.

The same form as the SQL defaults (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), so stored
values compare correctly as text.
"""

from __future__ import annotations

import datetime as dt

FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(FORMAT)


def parse_time(value: str) -> dt.datetime:
    """A stored timestamp as an aware datetime."""
    return dt.datetime.strptime(value, FORMAT).replace(tzinfo=dt.UTC)
