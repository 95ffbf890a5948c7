"""Consultation windows (inspraak): when residents can have their say, and for which area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import aiosqlite

from storage.audit import AuditEntry, write_audit
from storage.db import Database
from storage.timestamps import parse_time, to_text, utc_now

DEFAULT_REMINDERS = (7 * 86400, 86400)  # seconds before closing: 7 days and 1 day
SCOPE_KINDS = ("stadsdeel", "wijk")


@dataclass(frozen=True)
class Window:
    id: int
    title_nl: str
    title_en: str | None
    summary: str | None
    url: str | None
    opens_at: dt.datetime  # UTC
    closes_at: dt.datetime
    reminders: tuple[int, ...]  # seconds before closing
    scope: tuple[tuple[str, str], ...] = ()  # (stadsdeel|wijk, code); empty: the whole city
    cancelled_at: dt.datetime | None = None
    created_by: int | None = None
    dates_changed_at: dt.datetime | None = None
    version: int = 1

    def status(self, now: dt.datetime) -> str:
        """planned, open, closed or cancelled."""
        if self.cancelled_at is not None:
            return "cancelled"
        if now < self.opens_at:
            return "planned"
        return "open" if now < self.closes_at else "closed"

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_nl

    @property
    def city_wide(self) -> bool:
        return not self.scope

    def codes(self, kind: str) -> tuple[str, ...]:
        return tuple(code for k, code in self.scope if k == kind)


@dataclass(frozen=True)
class NewWindow:
    title_nl: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    title_en: str | None = None
    summary: str | None = None
    url: str | None = None
    reminders: tuple[int, ...] = DEFAULT_REMINDERS
    scope: tuple[tuple[str, str], ...] = field(default=())
    created_by: int | None = None


class InspraakRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, new: NewWindow, *, audit: AuditEntry | None = None) -> Window:
        async def run(conn: aiosqlite.Connection) -> int:
            now = to_text(utc_now())
            cursor = await conn.execute(
                "INSERT INTO inspraak_windows (title_nl, title_en, summary, url, opens_at, closes_at, reminders,"
                " created_by, created_at, updated_at, dates_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new.title_nl, new.title_en, new.summary, new.url, to_text(new.opens_at), to_text(new.closes_at),
                 _reminders_text(new.reminders), new.created_by, now, now, now))
            await _write_scope(conn, cursor.lastrowid, new.scope)
            if audit is not None:
                await write_audit(conn, replace(audit, subject=f"#{cursor.lastrowid}"))
            return cursor.lastrowid

        return await self.get(await self._db.write(run))

    async def edit(self, window_id: int, *, audit: AuditEntry | None = None, **changes: object) -> Window:
        """Change fields of a window. A change of dates (or reminders) raises its version, so those told
        the old dates get a correction, and reminders are counted again from now."""
        old = await self.get(window_id)
        if old is None:
            raise KeyError(window_id)
        new = replace(old, **changes)  # type: ignore[arg-type]
        dates_changed = (new.opens_at, new.closes_at, new.reminders) != (old.opens_at, old.closes_at, old.reminders)

        async def run(conn: aiosqlite.Connection) -> None:
            now = to_text(utc_now())
            await conn.execute(
                "UPDATE inspraak_windows SET title_nl = ?, title_en = ?, summary = ?, url = ?, opens_at = ?,"
                " closes_at = ?, reminders = ?, updated_at = ?,"
                " dates_changed_at = CASE WHEN ? THEN ? ELSE dates_changed_at END,"
                " version = version + ? WHERE id = ?",
                (new.title_nl, new.title_en, new.summary, new.url, to_text(new.opens_at), to_text(new.closes_at),
                 _reminders_text(new.reminders), now, dates_changed, now, int(dates_changed), window_id))
            if new.scope != old.scope:
                await conn.execute("DELETE FROM inspraak_scope WHERE window_id = ?", (window_id,))
                await _write_scope(conn, window_id, new.scope)
            if audit is not None:
                await write_audit(conn, replace(audit, subject=f"#{window_id}"))

        await self._db.write(run)
        return await self.get(window_id)

    async def cancel(self, window_id: int, *, audit: AuditEntry | None = None) -> Window | None:
        """Cancel a window (once); None when it does not exist."""

        async def run(conn: aiosqlite.Connection) -> None:
            cursor = await conn.execute(
                "UPDATE inspraak_windows SET cancelled_at = ?, updated_at = ? WHERE id = ? AND cancelled_at IS NULL",
                (to_text(utc_now()), to_text(utc_now()), window_id))
            if cursor.rowcount and audit is not None:
                await write_audit(conn, replace(audit, subject=f"#{window_id}"))

        await self._db.write(run)
        return await self.get(window_id)

    async def get(self, window_id: int) -> Window | None:
        row = await self._db.fetchone("SELECT * FROM inspraak_windows WHERE id = ?", (window_id,))
        if row is None:
            return None
        scope = await self._db.fetchall("SELECT kind, code FROM inspraak_scope WHERE window_id = ? ORDER BY kind, code",
                                        (window_id,))
        return _window(row, tuple((s["kind"], s["code"]) for s in scope))

    async def all(self, *, include_ended: bool = True) -> list[Window]:
        """Every window (or only those not cancelled and not yet closed), by opening time."""
        where = "" if include_ended else "WHERE cancelled_at IS NULL AND closes_at > ?"
        params = () if include_ended else (to_text(utc_now()),)
        rows = await self._db.fetchall(f"SELECT * FROM inspraak_windows {where} ORDER BY opens_at, id", params)
        scopes = await self._db.fetchall("SELECT window_id, kind, code FROM inspraak_scope ORDER BY kind, code")
        by_window: dict[int, list[tuple[str, str]]] = {}
        for s in scopes:
            by_window.setdefault(s["window_id"], []).append((s["kind"], s["code"]))
        return [_window(r, tuple(by_window.get(r["id"], ()))) for r in rows]

    async def signature(self) -> tuple[int, str]:
        """Changes whenever a window is added or changed (also by another process, such as the CLI)."""
        row = await self._db.fetchone("SELECT COUNT(*), COALESCE(MAX(updated_at), '') FROM inspraak_windows")
        return int(row[0]), str(row[1])


async def _write_scope(conn: aiosqlite.Connection, window_id: int, scope: tuple[tuple[str, str], ...]) -> None:
    for kind, code in scope:
        if kind not in SCOPE_KINDS:
            raise ValueError(f"unknown scope kind {kind!r}")
        await conn.execute("INSERT OR IGNORE INTO inspraak_scope (window_id, kind, code) VALUES (?, ?, ?)",
                           (window_id, kind, code))


def _reminders_text(reminders: tuple[int, ...]) -> str:
    return ",".join(str(int(s)) for s in sorted(set(reminders), reverse=True))


def _window(row: aiosqlite.Row, scope: tuple[tuple[str, str], ...]) -> Window:
    return Window(
        id=row["id"], title_nl=row["title_nl"], title_en=row["title_en"], summary=row["summary"], url=row["url"],
        opens_at=parse_time(row["opens_at"]), closes_at=parse_time(row["closes_at"]),
        reminders=tuple(int(s) for s in row["reminders"].split(",") if s),
        scope=scope, cancelled_at=parse_time(row["cancelled_at"]) if row["cancelled_at"] else None,
        created_by=row["created_by"], dates_changed_at=parse_time(row["dates_changed_at"]), version=row["version"])
