"""Notices about consultation windows to the residents who follow a wijk in scope.

Duties of one window, each carried out once (a row in inspraak_duties, written in the same
transaction as the per-resident notices and their outbox rows, so a crash neither loses nor
repeats one):

- ``open``: when the window opens, to every follower in scope;
- ``remind:<seconds>:v<version>``: that long before closing, to every follower in scope. Only
  reminders whose moment lies after the dates were set (creation or the last date edit) and after
  the opening exist: a window created 2 days before closing gets the 1-day reminder only;
- ``correct:v<version>``: after a date edit, to those who were told older dates;
- ``cancel``: after a cancellation, to those who were told about the window.

Quiet hours move a duty to the end of the night. What fell due while the assistant was down is
sent once if still meaningful (the window is still open), else recorded as skipped; of an opening
notice and reminders due in the same run, only the newest is sent (the opening notice names the
closing date already).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from content.model import Content
from scheduling.quiet import QuietHours, next_allowed
from storage.db import Database
from storage.inspraak import InspraakRepository, Window
from storage.timestamps import to_text

log = logging.getLogger(__name__)

LANGUAGES = ("nl", "en")

# render(window, duty kind, language, now) -> the outbox payload of one notice (Reply.to_dict()).
Render = Callable[[Window, str, str, dt.datetime], dict[str, Any]]


@dataclass(frozen=True)
class Duty:
    name: str
    due: dt.datetime

    @property
    def kind(self) -> str:
        return self.name.split(":", 1)[0]


def duties(window: Window, done: set[str]) -> list[Duty]:
    """The duties of a window not yet carried out, with the moment each falls due."""
    if window.cancelled_at is not None:
        return [] if "cancel" in done else [Duty("cancel", window.cancelled_at)]
    pending = []
    correction = f"correct:v{window.version}"
    if window.version > 1 and correction not in done:
        pending.append(Duty(correction, window.dates_changed_at or window.opens_at))
    if "open" not in done:
        pending.append(Duty("open", window.opens_at))
    for seconds in window.reminders:
        moment = window.closes_at - dt.timedelta(seconds=seconds)
        name = f"remind:{seconds}:v{window.version}"
        set_at = window.dates_changed_at or window.opens_at
        if moment <= window.opens_at or moment < set_at or name in done:
            continue  # its moment had passed when the dates were set, or lies before the opening
        pending.append(Duty(name, moment))
    return pending


class InspraakNotices:
    """The duty engine for inspraak windows (see the module docstring)."""

    name = "inspraak"

    def __init__(self, db: Database, content: Content, render: Render, *, quiet: QuietHours | None,
                 notify: Callable[[], None] = lambda: None) -> None:
        self._db = db
        self._content = content
        self._render = render
        self._quiet = quiet
        self._notify = notify
        self.windows = InspraakRepository(db)

    async def _pending(self) -> list[tuple[Window, list[Duty]]]:
        rows = await self._db.fetchall("SELECT window_id, duty FROM inspraak_duties")
        done: dict[int, set[str]] = {}
        for row in rows:
            done.setdefault(row["window_id"], set()).add(row["duty"])
        result = []
        for window in await self.windows.all():
            pending = duties(window, done.get(window.id, set()))
            if pending:
                result.append((window, pending))
        return result

    def _effective(self, duty: Duty) -> dt.datetime:
        return next_allowed(duty.due, self._quiet)

    async def next_due(self, now: dt.datetime) -> dt.datetime | None:
        moments = [self._effective(d) for _w, pending in await self._pending() for d in pending]
        return min(moments, default=None)

    async def run_due(self, now: dt.datetime) -> int:
        """Carry out every duty due at ``now``; return how many notices were queued."""
        queued = 0
        for window, pending in await self._pending():
            due = [d for d in pending if self._effective(d) <= now]
            if not due:
                continue
            still_open = window.status(now) == "open"
            announcements = [d for d in due if d.kind in ("open", "remind") and still_open]
            keep = next((d for d in announcements if d.kind == "open"), None) or max(
                announcements, key=lambda d: d.due, default=None)
            for duty in sorted(due, key=lambda d: d.due):
                if duty.kind == "correct":  # new dates matter until the window has closed
                    send = window.status(now) != "closed"
                else:
                    send = duty is keep or duty.kind == "cancel"
                queued += await self._carry_out(window, duty, now, send=send)
        if queued:
            self._notify()
        return queued

    async def _carry_out(self, window: Window, duty: Duty, now: dt.datetime, *, send: bool) -> int:
        async def run(conn: aiosqlite.Connection) -> int:
            cursor = await conn.execute(
                "INSERT INTO inspraak_duties (window_id, duty, due_at, done_at, outcome) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (window.id, duty.name, to_text(duty.due), to_text(now), "sent" if send else "skipped"))
            if cursor.rowcount == 0 or not send:
                return 0  # carried out before (by another process), or recorded as skipped
            # Everything in SQL (INSERT ... SELECT): 20,000 followers are queued in well under a second.
            recipients, params = self._recipients(window, duty)
            # The outbox first: both statements select from the notices as they were before this duty.
            payloads = {lang: json.dumps(self._render(window, duty.kind, lang, now), ensure_ascii=False)
                        for lang in LANGUAGES}
            await conn.execute(
                "INSERT INTO outbox (chat_id, payload, kind) SELECT user_id, CASE language WHEN 'en' THEN ? ELSE ? END,"
                f" 'notice' FROM ({recipients}) WHERE true", [payloads["en"], payloads["nl"], *params])
            cursor = await conn.execute(
                "INSERT INTO inspraak_notices (window_id, user_id, kind, version, at)"
                f" SELECT ?, user_id, ?, ?, ? FROM ({recipients}) WHERE true",
                [window.id, duty.name, window.version, to_text(now), *params])
            count = cursor.rowcount
            await conn.execute("UPDATE inspraak_duties SET recipients = ? WHERE window_id = ? AND duty = ?",
                               (count, window.id, duty.name))
            return count

        count = await self._db.write(run)
        log.info("inspraak window %s: %s %s (%d residents)", window.id, duty.name, "sent" if send else "skipped",
                 count)
        return count

    def _recipients(self, window: Window, duty: Duty) -> tuple[str, list[object]]:
        """SQL selecting (user_id, language) of those to tell, and its parameters; nobody who blocked the bot.

        Nobody can have a notice of this duty yet: the duty row (written first, in the same transaction) is
        unique, and the notices' primary key would refuse a second one anyway.
        """
        params: list[object]
        if duty.kind in ("open", "remind"):
            if window.city_wide:
                who, params = "SELECT DISTINCT user_id FROM followings", []
            else:
                wijken = sorted(self._wijken_in_scope(window))
                marks = ", ".join("?" for _ in wijken) or "NULL"
                who = f"SELECT DISTINCT user_id FROM followings WHERE kind = 'wijk' AND code IN ({marks})"
                params = list(wijken)
        elif duty.kind == "correct":
            who = ("SELECT user_id FROM inspraak_notices WHERE window_id = ? GROUP BY user_id"
                   " HAVING MAX(version) < ? AND SUM(kind = 'cancel') = 0")
            params = [window.id, window.version]
        else:  # cancel
            who = "SELECT DISTINCT user_id FROM inspraak_notices WHERE window_id = ? AND kind != 'cancel'"
            params = [window.id]
        sql = (f"SELECT w.user_id, CASE WHEN COALESCE(r.language, r.platform_language) = 'en' THEN 'en' ELSE 'nl'"
               f" END AS language FROM ({who}) w LEFT JOIN residents r ON r.user_id = w.user_id"
               " WHERE r.inactive_at IS NULL")
        return sql, params

    def _wijken_in_scope(self, window: Window) -> set[str]:
        wijken = set(window.codes("wijk"))
        for stadsdeel_id in window.codes("stadsdeel"):
            stadsdeel = self._content.stadsdelen.get(stadsdeel_id)
            wijken.update(w.code for w in (stadsdeel.wijken if stadsdeel else ()))
        return wijken
