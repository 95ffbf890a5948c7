"""Broadcasts: one message from staff to many residents, delivered through the outbox.

Who receives a broadcast (its audience) is decided here, in SQL, in one place for the staff flow,
the CLI and the scheduled start:

- only residents who opted in: they follow a wijk in scope (a stadsdeel means its wijken), or the
  theme; ``all`` means everyone who follows anything. /stop removes followings, so whoever used it
  is left out until they follow something again;
- never a resident marked inactive (Telegram said they blocked the bot);
- ``gebiedsverbinders``: the staff of every stadsdeel (a message to colleagues, not to residents);
- each recipient once, whatever the number of audience parts they fall in.

Starting a broadcast writes one outbox row per recipient (in the resident's language: the one they
chose, else Telegram's, else Dutch) in the same transaction that sets it to 'sending', so a crash
before or after never loses or repeats a recipient; the outbox dispatcher sends them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from storage.audit import AuditEntry, write_audit
from storage.db import Database
from storage.timestamps import parse_time, to_text, utc_now

AUDIENCE_KINDS = ("all", "stadsdeel", "wijk", "theme", "gebiedsverbinders")
STATUSES = ("draft", "scheduled", "sending", "paused", "cancelled", "done")
LANGUAGES = ("nl", "en")
# Outbox priorities (higher first): a broadcast uses what replies and notifications leave over,
# and its progress message to the staff member goes before the broadcast itself.
BROADCAST_PRIORITY = -10
PROGRESS_PRIORITY = 5
# Telegram allows about 30 messages a second; a broadcast is planned at 90 % of it.
SEND_RATE = 27.0
CANCELLED = "cancelled"  # last_error of outbox rows parked by a cancellation
# In a progress payload: this message is to become the progress message of the broadcast with this id (its
# staff member has none yet: started with `wijkwijzer broadcast send --as`). The outbox sends it as a new
# message and records its Telegram id in the broadcast; sent after one was recorded, it edits that one.
PROGRESS_OF = "progress_of"
# Outbox rows that failed because Telegram refuses the chat (HTTP 403: blocked, deactivated).
_BLOCKED = ("(last_error LIKE 'Forbidden%' OR last_error LIKE '%blocked%' OR last_error LIKE '%deactivated%'"
            " OR last_error LIKE '403%')")

Part = tuple[str, str]  # (kind, code); code '' for 'all' and 'gebiedsverbinders'


@dataclass(frozen=True)
class NewBroadcast:
    text_nl: str
    audience: tuple[Part, ...]
    text_en: str | None = None
    photo: str | None = None  # a Telegram file id
    created_by: int | None = None
    send_at: dt.datetime | None = None  # None: now
    quiet_override: bool = False  # staff chose to send during quiet hours


@dataclass(frozen=True)
class Broadcast:
    id: int
    created_by: int | None
    text_nl: str
    text_en: str | None
    photo: str | None
    status: str
    send_at: dt.datetime | None
    recipients: int
    created_at: dt.datetime
    queued_at: dt.datetime | None
    finished_at: dt.datetime | None
    progress_chat: int | None
    progress_message: int | None
    audience: tuple[Part, ...]
    quiet_override: bool = False
    # when it last began sending: its start, a resume, or the end of the quiet hours that held it
    sending_since: dt.datetime | None = None

    def text(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_nl


@dataclass(frozen=True)
class Progress:
    sent: int = 0
    pending: int = 0
    blocked: int = 0
    failed: int = 0
    cancelled: int = 0
    resumes_at: dt.datetime | None = None  # held for the quiet hours: sending goes on then
    # This run: what was sent since the broadcast last began sending (Broadcast.sending_since), and when
    # the first of it went; the rate of this run, not of the hours it waited, estimates the time left.
    run_sent: int = 0
    run_first_sent: dt.datetime | None = None

    @property
    def total(self) -> int:
        return self.sent + self.pending + self.blocked + self.failed + self.cancelled

    def seconds_left(self, rate: float = SEND_RATE) -> float:
        """Estimated time until every pending message is sent, at ``rate`` messages a second."""
        return self.pending / rate if rate > 0 else 0.0


async def audit(conn: aiosqlite.Connection, action: str, broadcast_id: int, actor: int | None,
                *, system: bool = False) -> None:
    """The audit entry of a broadcast action (created, started, paused, resumed, cancelled), written inside
    the caller's transaction so the trail and the change commit together. ``actor``: the staff member's
    Telegram id; None is the operator's command line (or the scheduler when ``system``)."""
    who = "system" if system else ("staff" if actor is not None else "operator")
    await write_audit(conn, AuditEntry(action=f"broadcast.{action}", actor=who, actor_id=actor,
                                       subject=f"broadcast {broadcast_id}"))


def audience_sql(audience: Iterable[Part], areas: Mapping[str, Sequence[str]]) -> tuple[str, list[Any]]:
    """SQL selecting the distinct user_id of everyone in ``audience`` (before the inactive rule).

    ``areas``: stadsdeel id -> its wijk codes. An unknown kind raises ValueError.
    """
    selects: list[str] = []
    params: list[Any] = []
    wijken: set[str] = set()
    themes: set[str] = set()
    for kind, code in audience:
        if kind == "all":
            selects.append("SELECT DISTINCT user_id FROM followings")
        elif kind == "stadsdeel":
            wijken.update(areas.get(code, ()))
        elif kind == "wijk":
            wijken.add(code)
        elif kind == "theme":
            themes.add(code)
        elif kind == "gebiedsverbinders":
            selects.append("SELECT user_id FROM staff WHERE role = 'gebiedsverbinder'")
        else:
            raise ValueError(f"unknown audience kind {kind!r}")
    for kind, codes in (("wijk", wijken), ("theme", themes)):
        if codes:
            marks = ", ".join("?" for _ in codes)
            selects.append(f"SELECT DISTINCT user_id FROM followings WHERE kind = '{kind}' AND code IN ({marks})")
            params += sorted(codes)
    if not selects:
        return "SELECT NULL AS user_id WHERE 0", []
    return " UNION ".join(selects), params  # UNION: each person once


def recipients_sql(audience: Iterable[Part], areas: Mapping[str, Sequence[str]]) -> tuple[str, list[Any]]:
    """SQL selecting (user_id, language) of the eligible recipients: nobody inactive."""
    who, params = audience_sql(audience, areas)
    sql = (f"SELECT w.user_id AS user_id, CASE WHEN COALESCE(r.language, r.platform_language) = 'en' THEN 'en'"
           f" ELSE 'nl' END AS language FROM ({who}) w LEFT JOIN residents r ON r.user_id = w.user_id"
           " WHERE w.user_id IS NOT NULL AND r.inactive_at IS NULL")
    return sql, params


class BroadcastRepository:
    def __init__(self, db: Database, areas: Mapping[str, Sequence[str]]) -> None:
        """``areas``: stadsdeel id -> its wijk codes (from the content)."""
        self._db = db
        self._areas = areas

    # --- audience -----------------------------------------------------------------------------

    async def count(self, audience: Iterable[Part]) -> dict[str, int]:
        """How many would receive it now, by language (``nl``, ``en``)."""
        sql, params = recipients_sql(audience, self._areas)
        rows = await self._db.fetchall(f"SELECT language, COUNT(*) AS n FROM ({sql}) GROUP BY language", params)
        counts = dict.fromkeys(LANGUAGES, 0)
        counts.update({r["language"]: r["n"] for r in rows})
        return counts

    # --- lifecycle ----------------------------------------------------------------------------

    async def create(self, new: NewBroadcast, payloads: Mapping[str, dict[str, Any]] | None = None,
                     *, progress_chat: int | None = None, progress_message: int | None = None) -> Broadcast:
        """Save a broadcast. Without ``send_at`` (or one that has passed) and with ``payloads`` (language ->
        outbox payload) it starts in the same transaction; otherwise it is scheduled for ``send_at``."""
        for kind, _code in new.audience:
            if kind not in AUDIENCE_KINDS:
                raise ValueError(f"unknown audience kind {kind!r}")
        now = utc_now()
        send_at = new.send_at or now

        async def run(conn: aiosqlite.Connection) -> int:
            cursor = await conn.execute(
                "INSERT INTO broadcasts (created_by, text_nl, text_en, photo, status, send_at, quiet_override,"
                " created_at, progress_chat, progress_message) VALUES (?, ?, ?, ?, 'scheduled', ?, ?, ?, ?, ?)",
                (new.created_by, new.text_nl, new.text_en, new.photo, to_text(send_at), int(new.quiet_override),
                 to_text(now), progress_chat, progress_message))
            broadcast_id = int(cursor.lastrowid or 0)
            await conn.executemany("INSERT OR IGNORE INTO broadcast_audience (broadcast_id, kind, code)"
                                   " VALUES (?, ?, ?)", [(broadcast_id, k, c) for k, c in new.audience])
            await audit(conn, "created", broadcast_id, new.created_by)
            if payloads is not None and send_at <= now:
                await self._start(conn, broadcast_id, new.audience, payloads, now)
            return broadcast_id

        broadcast = await self.get(await self._db.write(run))
        assert broadcast is not None
        return broadcast

    async def _start(self, conn: aiosqlite.Connection, broadcast_id: int, audience: Iterable[Part],
                     payloads: Mapping[str, dict[str, Any]], now: dt.datetime) -> int | None:
        """Queue one outbox row per recipient, once: None when it was started (or cancelled) before."""
        cursor = await conn.execute("UPDATE broadcasts SET status = 'sending', queued_at = ?, sending_since = ?"
                                    " WHERE id = ? AND status = 'scheduled'", (to_text(now), to_text(now),
                                                                               broadcast_id))
        if cursor.rowcount == 0:
            return None
        sql, params = recipients_sql(audience, self._areas)
        texts = {lang: json.dumps(payloads[lang], ensure_ascii=False) for lang in LANGUAGES}
        # One INSERT ... SELECT: tens of thousands of rows in well under a second, in this transaction.
        cursor = await conn.execute(
            "INSERT INTO outbox (chat_id, payload, kind, priority, broadcast_id)"
            " SELECT user_id, CASE language WHEN 'en' THEN ? ELSE ? END, 'broadcast', ?, ?"
            f" FROM ({sql}) ORDER BY user_id", [texts["en"], texts["nl"], BROADCAST_PRIORITY, broadcast_id, *params])
        count = cursor.rowcount
        await conn.execute("UPDATE broadcasts SET recipients = ? WHERE id = ?", (count, broadcast_id))
        await audit(conn, "started", broadcast_id, None, system=True)
        return count

    async def due(self, now: dt.datetime) -> list[Broadcast]:
        rows = await self._db.fetchall("SELECT id FROM broadcasts WHERE status = 'scheduled' AND send_at <= ?"
                                       " ORDER BY send_at, id", (to_text(now),))
        return [b for b in [await self.get(r["id"]) for r in rows] if b is not None]

    async def start(self, broadcast: Broadcast, payloads: Mapping[str, dict[str, Any]],
                    now: dt.datetime) -> int | None:
        """Start a scheduled broadcast (exactly once); return the number of recipients, or None."""
        return await self._db.write(lambda conn: self._start(conn, broadcast.id, broadcast.audience, payloads,
                                                             now))

    async def scheduled(self) -> list[Broadcast]:
        rows = await self._db.fetchall("SELECT id FROM broadcasts WHERE status = 'scheduled' ORDER BY send_at, id")
        return [b for b in [await self.get(r["id"]) for r in rows] if b is not None]

    async def next_send_at(self) -> dt.datetime | None:
        row = await self._db.fetchone("SELECT MIN(send_at) FROM broadcasts WHERE status = 'scheduled'")
        return parse_time(row[0]) if row and row[0] else None

    async def pause(self, broadcast_id: int, actor: int | None = None) -> bool:
        """Hold its unsent messages (the dispatcher skips them, and withdraws those it had taken but not yet
        handed to Telegram, bot/stopped_broadcasts.py). False when it is not sending."""
        return await self._set_status(broadcast_id, "paused", ("sending",), actor)

    async def resume(self, broadcast_id: int, actor: int | None = None) -> bool:
        """Send its held messages again; this run of sending begins now (or when the quiet hours end, if they
        still hold its messages)."""
        return await self._set_status(broadcast_id, "sending", ("paused",), actor)

    async def cancel(self, broadcast_id: int, actor: int | None = None) -> bool:
        """Stop it: unsent messages are parked (never sent). False when it was already over."""
        async def run(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'cancelled', finished_at = ? WHERE id = ?"
                " AND status IN ('draft', 'scheduled', 'sending', 'paused')", (to_text(utc_now()), broadcast_id))
            if cursor.rowcount == 0:
                return False
            await conn.execute(
                "UPDATE outbox SET failed_at = ?, last_error = ? WHERE broadcast_id = ? AND kind = 'broadcast'"
                " AND sent_at IS NULL AND failed_at IS NULL", (to_text(utc_now()), CANCELLED, broadcast_id))
            await audit(conn, "cancelled", broadcast_id, actor)
            return True

        return await self._db.write(run)

    async def _set_status(self, broadcast_id: int, status: str, allowed_from: tuple[str, ...],
                          actor: int | None) -> bool:
        async def run(conn: aiosqlite.Connection) -> bool:
            marks = ", ".join("?" for _ in allowed_from)
            cursor = await conn.execute(f"UPDATE broadcasts SET status = ? WHERE id = ? AND status IN ({marks})",
                                        (status, broadcast_id, *allowed_from))
            if cursor.rowcount and status == "sending":  # a new run: now, or when a quiet-hours hold ends
                await conn.execute("UPDATE broadcasts SET sending_since = MAX(COALESCE(sending_since, ''), ?)"
                                   " WHERE id = ?", (to_text(utc_now()), broadcast_id))
            if cursor.rowcount:
                await audit(conn, "paused" if status == "paused" else "resumed", broadcast_id, actor)
            return cursor.rowcount > 0

        return await self._db.write(run)

    async def finish_if_complete(self, broadcast_id: int) -> bool:
        """Mark a sending broadcast done once nothing of it is pending; True when it was marked now."""
        async def run(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ? AND status = 'sending'"
                " AND NOT EXISTS (SELECT 1 FROM outbox WHERE broadcast_id = ? AND kind = 'broadcast'"
                " AND sent_at IS NULL AND failed_at IS NULL)", (to_text(utc_now()), broadcast_id, broadcast_id))
            return cursor.rowcount > 0

        return await self._db.write(run)

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int | None) -> None:
        await self._db.execute_write("UPDATE broadcasts SET progress_chat = ?, progress_message = ? WHERE id = ?",
                                     (chat_id, message_id, broadcast_id))

    async def queue_progress(self, broadcast: Broadcast, *payloads: dict[str, Any]) -> bool:
        """Queue progress messages for the staff member; older unsent ones are replaced.

        Only while the broadcast's status is still the one they show (``broadcast.status``): a report made
        just before a colleague paused or cancelled it must not replace what that change queued. False
        when nothing was queued."""
        if broadcast.progress_chat is None:
            return False

        async def run(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute("SELECT status FROM broadcasts WHERE id = ?", (broadcast.id,))
            row = await cursor.fetchone()
            if row is None or row[0] != broadcast.status:
                return False
            await conn.execute("DELETE FROM outbox WHERE broadcast_id = ? AND kind = 'progress' AND sent_at IS NULL"
                               " AND failed_at IS NULL", (broadcast.id,))
            await conn.executemany(
                "INSERT INTO outbox (chat_id, payload, kind, priority, broadcast_id) VALUES (?, ?, 'progress', ?, ?)",
                [(broadcast.progress_chat, json.dumps(p, ensure_ascii=False), PROGRESS_PRIORITY, broadcast.id)
                 for p in payloads])
            return True

        return await self._db.write(run)

    async def queue_live_progress(self, broadcast: Broadcast, payload: dict[str, Any]) -> bool:
        """Queue the live progress for the staff member who follows it: an edit of their progress message (the
        summary they pressed Versturen on), or, when they have none yet (started on the command line with
        --as), a new message that becomes it (``PROGRESS_OF``). As :meth:`queue_progress`."""
        if broadcast.progress_message is None:
            payload = {**payload, PROGRESS_OF: broadcast.id}
        return await self.queue_progress(broadcast, payload)

    async def starter_language(self, broadcast: Broadcast) -> str:
        """The language of the staff member who follows its progress: the one they chose, else Dutch."""
        if broadcast.progress_chat is None:
            return "nl"
        row = await self._db.fetchone("SELECT language FROM residents WHERE user_id = ?", (broadcast.progress_chat,))
        return "en" if row is not None and row["language"] == "en" else "nl"

    # --- reading ------------------------------------------------------------------------------

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self._db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        if row is None:
            return None
        parts = await self._db.fetchall("SELECT kind, code FROM broadcast_audience WHERE broadcast_id = ?"
                                        " ORDER BY kind, code", (broadcast_id,))
        return _broadcast(row, tuple((p["kind"], p["code"]) for p in parts))

    async def all(self, limit: int = 50) -> list[Broadcast]:
        rows = await self._db.fetchall("SELECT id FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,))
        return [b for b in [await self.get(r["id"]) for r in rows] if b is not None]

    async def active(self) -> list[Broadcast]:
        """Broadcasts whose messages are being sent or held."""
        rows = await self._db.fetchall("SELECT id FROM broadcasts WHERE status IN ('sending', 'paused') ORDER BY id")
        return [b for b in [await self.get(r["id"]) for r in rows] if b is not None]

    async def hold_until(self, broadcast_id: int, until: dt.datetime) -> int:
        """Keep a broadcast's unsent messages until ``until`` (the end of the quiet hours); return how many
        were held now. Stored in the outbox rows themselves, so a restart keeps holding them. Its next run
        of sending begins then (also after a resume during the quiet hours)."""
        async def run(conn: aiosqlite.Connection) -> int:
            cursor = await conn.execute(
                "UPDATE outbox SET next_try_at = ? WHERE broadcast_id = ? AND kind = 'broadcast' AND sent_at IS NULL"
                " AND failed_at IS NULL AND (next_try_at IS NULL OR next_try_at < ?)",
                (to_text(until), broadcast_id, to_text(until)))
            held = cursor.rowcount
            await conn.execute("UPDATE broadcasts SET sending_since = ? WHERE id = ?"
                               " AND (sending_since IS NULL OR sending_since < ?)",
                               (to_text(until), broadcast_id, to_text(until)))
            return held

        return await self._db.write(run)

    async def progress(self, broadcast_id: int) -> Progress:
        row = await self._db.fetchone(
            "WITH run AS (SELECT COALESCE(sending_since, queued_at) AS since FROM broadcasts WHERE id = ?)"
            " SELECT COUNT(sent_at) AS sent,"
            " SUM(sent_at IS NULL AND failed_at IS NULL) AS pending,"
            # a row handed to Telegram before the dispatcher knew of the cancellation was sent all the same
            # (in this process it knows at once; a cancellation by the command line within a second)
            f" SUM(sent_at IS NULL AND failed_at IS NOT NULL AND last_error IS NOT ? AND {_BLOCKED}) AS blocked,"
            f" SUM(sent_at IS NULL AND failed_at IS NOT NULL AND last_error IS NOT ? AND NOT {_BLOCKED}) AS failed,"
            " SUM(sent_at IS NULL AND failed_at IS NOT NULL AND last_error IS ?) AS cancelled,"
            " SUM(sent_at >= (SELECT since FROM run)) AS run_sent,"
            " MIN(CASE WHEN sent_at >= (SELECT since FROM run) THEN sent_at END) AS run_first_sent"
            " FROM outbox WHERE broadcast_id = ? AND kind = 'broadcast'",
            (broadcast_id, CANCELLED, CANCELLED, CANCELLED, broadcast_id))
        if row is None:
            return Progress()
        return Progress(*(int(row[k] or 0) for k in ("sent", "pending", "blocked", "failed", "cancelled")),
                        run_sent=int(row["run_sent"] or 0),
                        run_first_sent=parse_time(row["run_first_sent"]) if row["run_first_sent"] else None)


def _broadcast(row: aiosqlite.Row, audience: tuple[Part, ...]) -> Broadcast:
    def moment(key: str) -> dt.datetime | None:
        return parse_time(row[key]) if row[key] else None

    return Broadcast(row["id"], row["created_by"], row["text_nl"], row["text_en"], row["photo"], row["status"],
                     moment("send_at"), row["recipients"], parse_time(row["created_at"]), moment("queued_at"),
                     moment("finished_at"), row["progress_chat"], row["progress_message"], audience,
                     bool(row["quiet_override"]), moment("sending_since"))


def areas_of(stadsdelen: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """stadsdeel id -> wijk codes, from the content's stadsdelen."""
    return {sid: tuple(w.code for w in s.wijken) for sid, s in stadsdelen.items()}
