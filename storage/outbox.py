"""Messages waiting to be sent; written in the same transaction as what caused them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import aiosqlite

from storage.db import Database
from storage.timestamps import to_text, utc_now

MAX_ATTEMPTS = 8
# Priorities (higher is sent first): the pacer sends rows below 0 in the broadcast lane (see
# storage.broadcasts.BROADCAST_PRIORITY), after notifications and notices (0 and up), and both
# after replies to residents who just wrote.
EMAIL_LEASE = dt.timedelta(minutes=2)  # a claimed e-mail not marked sent by then is tried again


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    chat_id: int
    payload: dict[str, Any]
    attempts: int
    priority: int = 0  # higher first; below 0 a broadcast
    last_error: str | None = None
    # the broadcast this message is one recipient's copy of (not set for its progress messages to staff)
    broadcast_id: int | None = None
    # that broadcast goes on during the quiet hours (staff chose "Nu toch versturen", --ignore-quiet-hours)
    quiet_override: bool = False


COLUMNS = ("id, chat_id, payload, attempts, priority, last_error,"
           " CASE WHEN kind = 'broadcast' THEN broadcast_id END AS broadcast_id,"
           " CASE WHEN kind = 'broadcast' THEN (SELECT quiet_override FROM broadcasts"
           "                                    WHERE broadcasts.id = outbox.broadcast_id) END AS quiet_override")


def _message(r: aiosqlite.Row) -> OutboxMessage:
    return OutboxMessage(r["id"], r["chat_id"], json.loads(r["payload"]), r["attempts"], r["priority"],
                         r["last_error"], r["broadcast_id"], bool(r["quiet_override"]))


async def enqueue(conn: aiosqlite.Connection, chat_id: int, payload: dict[str, Any],
                  submission_id: int | None = None, *, kind: str = "notification", priority: int = 0) -> None:
    """Queue a Telegram message inside the caller's transaction."""
    await conn.execute("INSERT INTO outbox (chat_id, payload, submission_id, kind, priority) VALUES (?, ?, ?, ?, ?)",
                       (chat_id, json.dumps(payload, ensure_ascii=False), submission_id, kind, priority))


async def enqueue_many(conn: aiosqlite.Connection, rows: list[tuple[int, dict[str, Any]]], *, kind: str,
                       priority: int = 0) -> None:
    """Queue many Telegram messages at once (notices to followers) inside the caller's transaction.

    Many rows share one payload (one per language): each distinct payload is serialised once."""
    texts: dict[int, str] = {}

    def text(payload: dict[str, Any]) -> str:
        key = id(payload)
        if key not in texts:
            texts[key] = json.dumps(payload, ensure_ascii=False)
        return texts[key]

    await conn.executemany(
        "INSERT INTO outbox (chat_id, payload, kind, priority) VALUES (?, ?, ?, ?)",
        [(chat_id, text(payload), kind, priority) for chat_id, payload in rows])


async def enqueue_email(conn: aiosqlite.Connection, address: str, payload: dict[str, Any], *, chat_id: int = 0,
                        submission_id: int | None = None, kind: str = "notification", priority: int = 0) -> None:
    """Queue an e-mail (payload: subject, text, html) inside the caller's transaction.

    chat_id: the staff member it is for, or 0 for an address that belongs to no account."""
    await conn.execute(
        "INSERT INTO outbox (channel, address, chat_id, payload, submission_id, kind, priority)"
        " VALUES ('email', ?, ?, ?, ?, ?, ?)",
        (address, chat_id, json.dumps(payload, ensure_ascii=False), submission_id, kind, priority))


@dataclass(frozen=True)
class EmailMessage:
    id: int
    address: str
    payload: dict[str, Any]
    attempts: int


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def check_writable(self) -> None:
        """Raise DatabaseUnavailable when sending could not be recorded."""
        self._db.check_writable()

    async def pending(self, limit: int = 50, *, exclude_chats: Collection[int] = (),
                      quiet_hours: bool = False) -> list[OutboxMessage]:
        """Telegram messages due now, highest priority first, oldest first; none for the chats in
        ``exclude_chats`` (those being sent to right now). ``quiet_hours``: it is night, so no broadcast's
        messages unless staff chose to send it anyway (everything else goes, such as answers to residents)."""
        now = to_text(utc_now())
        exclude = tuple(exclude_chats)
        skip = f" AND chat_id NOT IN ({','.join('?' * len(exclude))})" if exclude else ""
        rows = await self._db.fetchall(
            f"SELECT {COLUMNS} FROM outbox WHERE channel = 'telegram' AND sent_at IS NULL"
            f" AND failed_at IS NULL AND (next_try_at IS NULL OR next_try_at <= ?){skip}"
            # a paused broadcast's messages wait (a cancelled one's are parked by the cancellation), and so do
            # a broadcast's during the quiet hours, also before the duties hold them until the morning
            " AND (kind != 'broadcast' OR broadcast_id IS NULL OR broadcast_id NOT IN"
            "      (SELECT id FROM broadcasts WHERE status = 'paused' OR (? AND quiet_override = 0)))"
            " ORDER BY priority DESC, id LIMIT ?",
            (now, *exclude, int(quiet_hours), limit))
        return [_message(r) for r in rows]

    async def stopped_broadcasts(self, broadcast_ids: Collection[int]) -> set[int]:
        """Those of ``broadcast_ids`` that are no longer sending (paused, cancelled): their messages wait."""
        ids = tuple(broadcast_ids)
        if not ids:
            return set()
        rows = await self._db.fetchall(f"SELECT id FROM broadcasts WHERE id IN ({','.join('?' * len(ids))})"
                                       " AND status != 'sending'", ids)
        return {r["id"] for r in rows}

    async def claim_email(self, limit: int = 20, *, lease: dt.timedelta = EMAIL_LEASE) -> list[EmailMessage]:
        """Take the e-mails that are due, so no other process sends them meanwhile.

        Claiming moves next_try_at past the lease in the same statement that reads the rows: the bot and a
        'digest --now' in another process never send one mail twice. A claimed mail that is neither marked
        sent nor retried (the process died while sending) is due again when the lease has passed."""
        now = utc_now()

        async def run(conn: aiosqlite.Connection) -> list[EmailMessage]:
            cursor = await conn.execute(
                "UPDATE outbox SET next_try_at = ? WHERE id IN (SELECT id FROM outbox WHERE channel = 'email'"
                " AND sent_at IS NULL AND failed_at IS NULL AND (next_try_at IS NULL OR next_try_at <= ?)"
                " ORDER BY priority DESC, id LIMIT ?) RETURNING id, address, payload, attempts",
                (to_text(now + lease), to_text(now), limit))
            return [EmailMessage(r["id"], r["address"], json.loads(r["payload"]), r["attempts"])
                    for r in await cursor.fetchall()]

        return sorted(await self._db.write(run), key=lambda m: m.id)

    async def for_chat(self, chat_id: int) -> list[OutboxMessage]:
        rows = await self._db.fetchall(
            f"SELECT {COLUMNS} FROM outbox WHERE channel = 'telegram' AND chat_id = ?"
            " AND sent_at IS NULL AND failed_at IS NULL ORDER BY id", (chat_id,))
        return [_message(r) for r in rows]

    async def mark_sent(self, message_id: int, *, progress_message: tuple[int, int] | None = None) -> None:
        """Telegram accepted it. ``progress_message``: (broadcast id, Telegram message id) when it was the first
        progress message of that broadcast (see storage.broadcasts.PROGRESS_OF), recorded in the same
        transaction so that later progress edits it."""
        if progress_message is None:
            await self._db.execute_write("UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                                         (to_text(utc_now()), message_id))
            return
        broadcast_id, telegram_id = progress_message

        async def run(conn: aiosqlite.Connection) -> None:
            await conn.execute("UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                               (to_text(utc_now()), message_id))
            await conn.execute("UPDATE broadcasts SET progress_message = ? WHERE id = ? AND progress_message IS NULL",
                               (telegram_id, broadcast_id))

        await self._db.write(run)

    async def progress_message(self, broadcast_id: int) -> int | None:
        """The Telegram message that shows a broadcast's progress to the staff member who follows it, if any."""
        row = await self._db.fetchone("SELECT progress_message FROM broadcasts WHERE id = ?", (broadcast_id,))
        return None if row is None or row[0] is None else int(row[0])

    async def mark_retry(self, message: OutboxMessage | EmailMessage, error: str, *,
                         max_attempts: int = MAX_ATTEMPTS) -> None:
        """Try again later, backing off; give up after ``max_attempts``."""
        attempts = message.attempts + 1
        if attempts >= max_attempts:
            await self.mark_failed(message.id, error)
            return
        next_try = utc_now() + dt.timedelta(seconds=min(2 ** attempts, 600))
        await self._db.execute_write(
            "UPDATE outbox SET attempts = ?, next_try_at = ?, last_error = ? WHERE id = ?",
            (attempts, to_text(next_try), error[:500], message.id))

    async def mark_later(self, message: OutboxMessage, seconds: float, error: str) -> None:
        """Telegram asked to wait (429): try the same message again then, not counted as an attempt."""
        next_try = utc_now() + dt.timedelta(seconds=seconds)
        await self._db.execute_write("UPDATE outbox SET next_try_at = ?, last_error = ? WHERE id = ?",
                                     (to_text(next_try), error[:500], message.id))

    async def mark_failed(self, message_id: int, error: str) -> None:
        await self._db.execute_write(
            "UPDATE outbox SET failed_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
            (to_text(utc_now()), error[:500], message_id))

    async def count_pending(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
        return int(row[0])
