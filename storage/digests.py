"""Digests for gebiedsverbinders: their settings, what each digest covered, and what goes in one.

A digest is recorded in one transaction (see :meth:`DigestRepository.compose`): its row in
``digests`` (with the high-water mark ``covered_to``) and its outbox rows are written together, so a
crash either leaves both or neither, and the next digest starts exactly where the previous one stopped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import aiosqlite

from storage.db import Database
from storage.outbox import enqueue, enqueue_email
from storage.submissions import CLOSED, LOCAL
from storage.timestamps import to_text

SCHEDULES = ("workdays", "daily", "weekly", "off")
CHANNELS = ("telegram", "email", "both")
STALE_AFTER = dt.timedelta(days=10)  # open this long without a status change: named in the digest
LISTED = 200  # at most this many items of one section are read (the count is always complete)
QUESTIONS_READ = 100  # distinct wordings read (most asked first), to be grouped by meaning when rendering
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$")
_CLOSED_SQL = ", ".join(f"'{s}'" for s in CLOSED)


def valid_email(address: str) -> bool:
    """A plain address like name@haarlem.nl (no display name, no spaces)."""
    return len(address) <= 254 and bool(_EMAIL.match(address))


@dataclass(frozen=True)
class DigestSettings:
    user_id: int
    schedule: str = "workdays"
    weekday: int = 0  # for 'weekly': 0 = Monday
    at: str = "08:00"  # Europe/Amsterdam
    channel: str = "both"  # telegram | email | both (e-mail only when an address is set and SMTP works)
    email: str | None = None  # overrides the address in the staff table
    when_empty: bool = False
    updated_at: str | None = None


@dataclass(frozen=True)
class Recipient:
    """A gebiedsverbinder with their digest settings."""

    user_id: int
    stadsdeel: str
    name: str | None
    staff_email: str | None
    added_at: str
    settings: DigestSettings

    @property
    def email(self) -> str | None:
        return self.settings.email or self.staff_email


@dataclass(frozen=True)
class Item:
    id: int
    reference: str
    kind: str
    wijk_code: str
    theme: str
    text: str
    created_at: str
    status: str


@dataclass(frozen=True)
class DigestData:
    """What one digest says, read in the transaction that records it."""

    stadsdeel: str
    period_start: str | None  # end of the previous digest's period (None: the first digest)
    period_end: str
    covered_to: int  # highest submission id in the new section (or the previous mark)
    new: list[Item]
    new_total: int
    stale: list[Item]
    stale_total: int
    owed: list[Item]
    owed_total: int
    questions: list[tuple[str, int]]  # (a wording, how often), most frequent first
    question_total: int
    previous_new: int | None = None  # counts of the previous period (None: no previous digest)
    previous_questions: int | None = None

    @property
    def nothing_new(self) -> bool:
        return self.new_total == 0 and self.question_total == 0


@dataclass(frozen=True)
class Delivery:
    """Rendered digest messages for one recipient: a Telegram payload and/or an e-mail."""

    telegram: dict[str, object] | None = None
    email: tuple[str, dict[str, object]] | None = None  # (address, {subject, text, html})


@dataclass(frozen=True)
class Outcome:
    user_id: int
    stadsdeel: str
    digest_id: int | None  # None: nothing recorded (this scheduled digest was already done)
    sent: bool  # False: nothing new, and not asked for empty digests
    new_total: int
    channels: tuple[str, ...]
    references: tuple[str, ...] = ()


# render(recipient, data, now) -> the messages to queue
Fetch = Callable[[str, tuple[object, ...]], Awaitable[list[aiosqlite.Row]]]
Render = Callable[[Recipient, DigestData, dt.datetime], Delivery]


WORKDAYS = range(0, 5)


def _days(settings: DigestSettings) -> set[int]:
    if settings.schedule == "workdays":
        return set(WORKDAYS)
    if settings.schedule == "daily":
        return set(range(7))
    if settings.schedule == "weekly":
        return {settings.weekday}
    return set()


def _moment(day: dt.date, settings: DigestSettings) -> dt.datetime:
    hour, minute = (int(part) for part in settings.at.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL).astimezone(dt.UTC)


def next_moment(settings: DigestSettings, after: dt.datetime) -> dt.datetime | None:
    """The first scheduled moment strictly after ``after``; None when the digest is off."""
    days = _days(settings)
    if not days:
        return None
    day = after.astimezone(LOCAL).date()
    for offset in range(9):
        candidate = day + dt.timedelta(days=offset)
        if candidate.weekday() in days and _moment(candidate, settings) > after:
            return _moment(candidate, settings)
    return None


def last_moment(settings: DigestSettings, at_or_before: dt.datetime) -> dt.datetime | None:
    """The latest scheduled moment not after ``at_or_before``."""
    days = _days(settings)
    day = at_or_before.astimezone(LOCAL).date()
    for offset in range(9):
        candidate = day - dt.timedelta(days=offset)
        if candidate.weekday() in days and _moment(candidate, settings) <= at_or_before:
            return _moment(candidate, settings)
    return None


class DigestRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def settings(self, user_id: int) -> DigestSettings:
        row = await self._db.fetchone("SELECT * FROM digest_settings WHERE user_id = ?", (user_id,))
        return _settings(row) if row else DigestSettings(user_id)

    async def save(self, settings: DigestSettings) -> DigestSettings:
        if settings.schedule not in SCHEDULES or settings.channel not in CHANNELS:
            raise ValueError("unknown schedule or channel")
        if settings.email is not None and not valid_email(settings.email):
            raise ValueError(f"not an e-mail address: {settings.email!r}")
        await self._db.execute_write(
            "INSERT INTO digest_settings (user_id, schedule, weekday, at, channel, email, when_empty, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) ON CONFLICT (user_id) DO UPDATE"
            " SET schedule = excluded.schedule, weekday = excluded.weekday, at = excluded.at,"
            " channel = excluded.channel, email = excluded.email, when_empty = excluded.when_empty,"
            " updated_at = excluded.updated_at",
            (settings.user_id, settings.schedule, settings.weekday, settings.at, settings.channel, settings.email,
             int(settings.when_empty)))
        return await self.settings(settings.user_id)

    async def update(self, user_id: int, **changes: object) -> DigestSettings:
        return await self.save(replace(await self.settings(user_id), **changes))

    async def recipients(self, stadsdeel: str | None = None) -> list[Recipient]:
        """Every gebiedsverbinder (of one stadsdeel), with their settings."""
        where, params = ("AND s.stadsdeel = ?", [stadsdeel]) if stadsdeel else ("", [])
        rows = await self._db.fetchall(
            "SELECT s.user_id, s.stadsdeel, s.name, s.email AS staff_email, s.added_at, d.schedule, d.weekday, d.at,"
            " d.channel, d.email, d.when_empty, d.updated_at FROM staff s LEFT JOIN digest_settings d"
            f" ON d.user_id = s.user_id WHERE s.role = 'gebiedsverbinder' {where} ORDER BY s.stadsdeel, s.user_id",
            params)
        return [Recipient(r["user_id"], r["stadsdeel"], r["name"], r["staff_email"], r["added_at"],
                          _settings(r) if r["schedule"] is not None else DigestSettings(r["user_id"]))
                for r in rows]

    async def last(self, user_id: int, stadsdeel: str) -> aiosqlite.Row | None:
        """The recipient's previous digest of this stadsdeel (one who moves to another stadsdeel starts afresh)."""
        return await self._db.fetchone(
            "SELECT * FROM digests WHERE user_id = ? AND stadsdeel = ? ORDER BY id DESC LIMIT 1", (user_id, stadsdeel))

    async def compose(self, recipient: Recipient, *, due: dt.datetime, trigger: str, now: dt.datetime,
                      render: Render) -> Outcome:
        """Read and render one digest, then record it and queue its messages in one short transaction.

        Reading and rendering (the sentence model may group the questions) happen before the write lock is
        taken, so other writers never wait for them. The transaction records the digest only if the
        recipient's previous digest is still the one it was read after (else it reads again): two processes
        composing at once never cover one submission twice. Submissions that arrive meanwhile lie above the
        high-water mark that was read, and are new in the next digest."""
        for _attempt in range(5):
            if trigger == "schedule" and await self._db.fetchone(
                    "SELECT 1 FROM digests WHERE user_id = ? AND due_at = ? AND trigger = 'schedule'",
                    (recipient.user_id, to_text(due))) is not None:
                return Outcome(recipient.user_id, recipient.stadsdeel, None, False, 0, ())
            previous = await self.last(recipient.user_id, recipient.stadsdeel)
            data = await gather(self._db.fetchall, recipient.stadsdeel, previous, now)
            send = not data.nothing_new or recipient.settings.when_empty
            delivery = render(recipient, data, now) if send else Delivery()
            outcome = await self._db.write(
                lambda conn: self._record(conn, recipient, previous, data, delivery, due, trigger))
            if outcome is not None:
                return outcome
        raise RuntimeError(f"digest for {recipient.user_id} kept changing while it was composed")

    async def _record(self, conn: aiosqlite.Connection, recipient: Recipient, previous: aiosqlite.Row | None,
                      data: DigestData, delivery: Delivery, due: dt.datetime, trigger: str) -> Outcome | None:
        """Inside the write transaction: None when another digest was recorded since ``previous`` was read."""
        cursor = await conn.execute("SELECT MAX(id) FROM digests WHERE user_id = ? AND stadsdeel = ?",
                                    (recipient.user_id, recipient.stadsdeel))
        if (await cursor.fetchone())[0] != (previous["id"] if previous else None):
            return None
        if trigger == "schedule":
            cursor = await conn.execute(
                "SELECT 1 FROM digests WHERE user_id = ? AND due_at = ? AND trigger = 'schedule'",
                (recipient.user_id, to_text(due)))
            if await cursor.fetchone() is not None:
                return Outcome(recipient.user_id, recipient.stadsdeel, None, False, 0, ())
        channels = []
        if delivery.telegram is not None:
            await enqueue(conn, recipient.user_id, delivery.telegram, kind="digest")
            channels.append("telegram")
        if delivery.email is not None:
            await enqueue_email(conn, delivery.email[0], delivery.email[1], chat_id=recipient.user_id, kind="digest")
            channels.append("email")
        cursor = await conn.execute(
            "INSERT INTO digests (user_id, stadsdeel, due_at, period_start, period_end, covered_to, new_count,"
            " question_count, outcome, trigger) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (recipient.user_id, recipient.stadsdeel, to_text(due), data.period_start, data.period_end,
             data.covered_to, data.new_total, data.question_total, "sent" if channels else "empty", trigger))
        return Outcome(recipient.user_id, recipient.stadsdeel, cursor.lastrowid, bool(channels), data.new_total,
                       tuple(channels), tuple(item.reference for item in data.new))


async def gather(rows: Fetch, stadsdeel: str, previous: aiosqlite.Row | None, now: dt.datetime) -> DigestData:
    """Everything one digest of ``stadsdeel`` says, after the ``previous`` digest of that recipient.

    The new section is bounded by the highest id read first (the new high-water mark), so its count and
    list agree even when submissions arrive while it is read."""
    since_id = previous["covered_to"] if previous else 0
    period_start = previous["period_end"] if previous else None
    # In SQL's own form (milliseconds), so the questions logged with SQL's default time compare correctly
    # as text: one asked in the same millisecond belongs to this period, not to the next.
    period_end = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"

    columns = "s.id, s.reference, s.kind, s.wijk_code, s.theme, s.text, s.created_at, s.status"

    async def listed(query: str, params: tuple[object, ...]) -> tuple[list[Item], int]:
        """The first LISTED items and how many there are, in one pass (a window count)."""
        found = await rows(f"SELECT {columns}, COUNT(*) OVER () AS total {query} LIMIT ?", (*params, LISTED))
        return [_item(r) for r in found], found[0]["total"] if found else 0
    top = (await rows("SELECT MAX(id) FROM submissions WHERE handled_by = ?", (stadsdeel,)))[0][0]
    covered_to = max(top or 0, since_id)
    new_where = "FROM submissions s WHERE s.handled_by = ? AND s.id > ? AND s.id <= ?"
    new, new_total = await listed(f"{new_where} ORDER BY s.id", (stadsdeel, since_id, covered_to))

    cutoff = to_text(now - STALE_AFTER)
    stale_where = (f"FROM submissions s WHERE s.handled_by = ? AND s.status NOT IN ({_CLOSED_SQL}) AND s.created_at < ?"
                   " AND (SELECT MAX(e.at) FROM submission_events e WHERE e.submission_id = s.id"
                   " AND e.action IN ('created', 'status')) < ?")
    stale, stale_total = await listed(f"{stale_where} ORDER BY s.id", (stadsdeel, cutoff, cutoff))

    # Owed: the resident agreed to an answer, and wrote last (no staff answer since their last word).
    owed_where = (f"FROM submissions s WHERE s.handled_by = ? AND s.status NOT IN ({_CLOSED_SQL})"
                  " AND s.consent_reply = 1 AND COALESCE((SELECT MAX(e.id) FROM submission_events e"
                  " WHERE e.submission_id = s.id AND e.action = 'reply'), 0) < (SELECT MAX(e.id)"
                  " FROM submission_events e WHERE e.submission_id = s.id AND e.actor = 'resident'"
                  " AND e.action IN ('created', 'info'))")
    owed, owed_total = await listed(f"{owed_where} ORDER BY s.id", (stadsdeel,))

    question_where = "FROM unanswered_questions WHERE stadsdeel = ? AND asked_at > ? AND asked_at <= ?"
    q_params = (stadsdeel, period_start or "", period_end)
    question_total = (await rows(f"SELECT COUNT(*) {question_where}", q_params))[0][0]
    questions = await rows(f"SELECT MIN(text) AS example, COUNT(*) AS n {question_where} GROUP BY normalized"
                           " ORDER BY n DESC, MAX(asked_at) DESC LIMIT ?", (*q_params, QUESTIONS_READ))
    return DigestData(
        stadsdeel=stadsdeel, period_start=period_start, period_end=period_end, covered_to=covered_to,
        new=new, new_total=new_total, stale=stale, stale_total=stale_total, owed=owed, owed_total=owed_total,
        questions=[(r["example"], r["n"]) for r in questions], question_total=question_total,
        previous_new=previous["new_count"] if previous else None,
        previous_questions=previous["question_count"] if previous else None)


def _item(row: aiosqlite.Row) -> Item:
    return Item(row["id"], row["reference"], row["kind"], row["wijk_code"], row["theme"], row["text"],
                row["created_at"], row["status"])


def _settings(row: aiosqlite.Row) -> DigestSettings:
    return DigestSettings(row["user_id"], row["schedule"], row["weekday"], row["at"], row["channel"], row["email"],
                          bool(row["when_empty"]), row["updated_at"])
