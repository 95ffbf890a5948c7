"""Residents' ideas, signals and questions, their photos and their append-only history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from storage.audit import AuditEntry, write_audit
from storage.db import Database
from storage.outbox import enqueue, enqueue_email
from storage.timestamps import to_text

STATUSES = ("nieuw", "ontvangen", "in_behandeling", "doorgezet", "afgerond", "ingetrokken")
CLOSED = ("afgerond", "ingetrokken")
LOCAL = ZoneInfo("Europe/Amsterdam")

Notification = tuple[int, dict[str, Any]]  # (chat id, payload)
Email = tuple[str, dict[str, Any]]  # (address, {subject, text, html})


@dataclass(frozen=True)
class NewSubmission:
    user_id: int
    kind: str
    wijk_code: str
    stadsdeel: str
    handled_by: str
    theme: str
    text: str
    latitude: float | None
    longitude: float | None
    consent_reply: bool
    resident_name: str | None
    language: str
    photos: tuple[str, ...] = ()
    buurt: str | None = None


@dataclass(frozen=True)
class Submission:
    id: int
    reference: str
    user_id: int
    kind: str
    wijk_code: str
    stadsdeel: str
    handled_by: str
    theme: str
    text: str
    latitude: float | None
    longitude: float | None
    consent_reply: bool
    resident_name: str | None
    language: str
    status: str
    created_at: str
    updated_at: str
    buurt: str | None = None
    anonymised_at: str | None = None  # the resident's personal data was removed (AVG)
    photos: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED


@dataclass(frozen=True)
class Event:
    id: int
    submission_id: int
    at: str
    actor: str
    actor_id: int | None
    action: str
    status: str | None
    text: str | None


class SubmissionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, new: NewSubmission, notifications: Callable[[Submission], list[Notification]],
                     emails: Callable[[Submission], list[Email]] | None = None) -> Submission:
        """Store a confirmed submission, its 'created' event, the notifications it causes, and end the
        resident's intake, all in one transaction: after a crash it is either all there or not at all."""

        async def run(conn: aiosqlite.Connection) -> Submission:
            prefix = "WW-" + dt.datetime.now(LOCAL).strftime("%y%m") + "-"
            cursor = await conn.execute("SELECT COUNT(*) FROM submissions WHERE reference LIKE ?", (prefix + "%",))
            reference = f"{prefix}{(await cursor.fetchone())[0] + 1:04d}"
            cursor = await conn.execute(
                "INSERT INTO submissions (reference, user_id, kind, wijk_code, buurt, stadsdeel, handled_by, theme,"
                " text, latitude, longitude, consent_reply, resident_name, language)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (reference, new.user_id, new.kind, new.wijk_code, new.buurt, new.stadsdeel, new.handled_by,
                 new.theme, new.text, new.latitude, new.longitude, int(new.consent_reply), new.resident_name,
                 new.language))
            submission_id = cursor.lastrowid
            for position, file_id in enumerate(new.photos):
                await conn.execute("INSERT INTO submission_photos (submission_id, position, file_id) VALUES (?, ?, ?)",
                                   (submission_id, position, file_id))
            await conn.execute("INSERT INTO submission_events (submission_id, actor, actor_id, action, status)"
                               " VALUES (?, 'resident', ?, 'created', 'nieuw')", (submission_id, new.user_id))
            await conn.execute("DELETE FROM conversations WHERE user_id = ?", (new.user_id,))
            submission = await _load(conn, submission_id)
            for chat_id, payload in notifications(submission):
                await enqueue(conn, chat_id, payload, submission_id)
            for address, payload in (emails(submission) if emails else []):
                await enqueue_email(conn, address, payload, submission_id=submission_id)
            return submission

        return await self._db.write(run)

    async def count_since(self, user_id: int, since: dt.datetime) -> int:
        """How many submissions the resident sent since ``since`` (flood control)."""
        row = await self._db.fetchone("SELECT COUNT(*) FROM submissions WHERE user_id = ? AND created_at >= ?",
                                      (user_id, to_text(since)))
        return int(row[0]) if row else 0

    async def record(self, submission_id: int, *, actor: str, actor_id: int | None, action: str,
                     text: str | None = None, status: str | None = None,
                     notifications: Callable[[Submission], list[Notification]] | None = None,
                     audit: AuditEntry | None = None) -> Submission:
        """Append an event (and a new status, if given), queue its notifications and write the audit entry of a
        staff action, atomically."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")

        async def run(conn: aiosqlite.Connection) -> Submission:
            if status is not None:
                await conn.execute(
                    "UPDATE submissions SET status = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
                    " WHERE id = ?", (status, submission_id))
            else:
                await conn.execute(
                    "UPDATE submissions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
                    (submission_id,))
            await conn.execute(
                "INSERT INTO submission_events (submission_id, actor, actor_id, action, status, text)"
                " VALUES (?, ?, ?, ?, ?, ?)", (submission_id, actor, actor_id, action, status, text))
            submission = await _load(conn, submission_id)
            for chat_id, payload in (notifications(submission) if notifications else []):
                await enqueue(conn, chat_id, payload, submission_id)
            if audit is not None:
                await write_audit(conn, audit)
            return submission

        return await self._db.write(run)

    async def get(self, submission_id: int) -> Submission | None:
        row = await self._db.fetchone("SELECT * FROM submissions WHERE id = ?", (submission_id,))
        if row is None:
            return None
        photos = await self._db.fetchall(
            "SELECT file_id FROM submission_photos WHERE submission_id = ? ORDER BY position", (submission_id,))
        return _submission(row, tuple(p["file_id"] for p in photos))

    async def for_resident(self, user_id: int, limit: int, offset: int = 0) -> tuple[list[Submission], int]:
        """A resident's own submissions, newest first, and how many there are."""
        rows = await self._db.fetchall(
            "SELECT * FROM submissions WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?", (user_id, limit, offset))
        total = await self._db.fetchone("SELECT COUNT(*) FROM submissions WHERE user_id = ?", (user_id,))
        return [_submission(r) for r in rows], int(total[0])

    async def open_for(self, stadsdeel: str, limit: int, offset: int = 0) -> tuple[list[Submission], int]:
        """Open submissions handled by a stadsdeel, oldest first, and how many there are."""
        closed = ", ".join(f"'{s}'" for s in CLOSED)
        rows = await self._db.fetchall(
            f"SELECT * FROM submissions WHERE handled_by = ? AND status NOT IN ({closed})"
            " ORDER BY id LIMIT ? OFFSET ?", (stadsdeel, limit, offset))
        total = await self._db.fetchone(
            f"SELECT COUNT(*) FROM submissions WHERE handled_by = ? AND status NOT IN ({closed})", (stadsdeel,))
        return [_submission(r) for r in rows], int(total[0])

    async def events(self, submission_id: int) -> list[Event]:
        rows = await self._db.fetchall(
            "SELECT * FROM submission_events WHERE submission_id = ? ORDER BY id", (submission_id,))
        return [Event(r["id"], r["submission_id"], r["at"], r["actor"], r["actor_id"], r["action"], r["status"],
                      r["text"]) for r in rows]

    async def latest_replies(self, submission_ids: list[int]) -> dict[int, str]:
        if not submission_ids:
            return {}
        marks = ", ".join("?" for _ in submission_ids)
        rows = await self._db.fetchall(
            f"SELECT submission_id, text FROM submission_events WHERE id IN (SELECT MAX(id) FROM submission_events"
            f" WHERE action = 'reply' AND submission_id IN ({marks}) GROUP BY submission_id)", submission_ids)
        return {r["submission_id"]: r["text"] for r in rows}

    async def export(self, *, since: dt.date | None = None,
                     stadsdeel: str | None = None) -> list[tuple[Submission, list[Event]]]:
        conditions, params = [], []
        if since is not None:
            conditions.append("created_at >= ?")
            params.append(since.isoformat())
        if stadsdeel is not None:
            conditions.append("(stadsdeel = ? OR handled_by = ?)")
            params += [stadsdeel, stadsdeel]
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = await self._db.fetchall(f"SELECT id FROM submissions {where} ORDER BY id", params)
        result = []
        for row in rows:
            submission = await self.get(row["id"])
            result.append((submission, await self.events(row["id"])))
        return result


async def _load(conn: aiosqlite.Connection, submission_id: int) -> Submission:
    cursor = await conn.execute("SELECT * FROM submissions WHERE id = ?", (submission_id,))
    row = await cursor.fetchone()
    cursor = await conn.execute(
        "SELECT file_id FROM submission_photos WHERE submission_id = ? ORDER BY position", (submission_id,))
    return _submission(row, tuple(r["file_id"] for r in await cursor.fetchall()))


_COLUMNS = [f.name for f in fields(Submission) if f.name != "photos"]


def _submission(row: aiosqlite.Row, photos: tuple[str, ...] = ()) -> Submission:
    values = {name: row[name] for name in _COLUMNS}
    values["consent_reply"] = bool(values["consent_reply"])
    return Submission(**values, photos=photos)
