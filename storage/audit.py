"""The audit log: what staff and operators did, append-only (the database refuses changes).

Every staff action writes its entry with :func:`write_audit` inside the transaction of the action
itself, so an action is never without its entry, nor an entry without its action. Entries never
hold a resident's id, name or text: only who acted, what, and about which reference or window.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from storage.db import Database

ACTORS = ("staff", "operator", "resident", "system")


@dataclass(frozen=True)
class AuditEntry:
    action: str  # e.g. submission.status, submission.reply, staff.add, export, inspraak.add, broadcast.send
    actor: str = "staff"
    actor_id: int | None = None  # a staff member's Telegram id; None for the operator, a resident, the system
    subject: str | None = None  # a reference, '#3' for a window, 'staff 77'
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.actor not in ACTORS:
            raise ValueError(f"unknown audit actor {self.actor!r}")


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: str
    entry: AuditEntry


async def write_audit(conn: aiosqlite.Connection, entry: AuditEntry) -> None:
    """Append an entry inside the caller's transaction (the one function every staff action calls)."""
    await conn.execute(
        "INSERT INTO audit_log (actor, actor_id, action, subject, details) VALUES (?, ?, ?, ?, ?)",
        (entry.actor, entry.actor_id, entry.action, entry.subject,
         json.dumps(entry.details, ensure_ascii=False, sort_keys=True)))


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, entry: AuditEntry) -> None:
        """Append an entry in a transaction of its own (for actions that write nothing else, e.g. an export)."""
        await self._db.write(lambda conn: write_audit(conn, entry))

    async def since(self, moment: str | None = None) -> list[AuditRecord]:
        """Entries from ``moment`` (a stored UTC timestamp or date text) on, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM audit_log WHERE at >= ? ORDER BY id", (moment or "",))
        return [AuditRecord(r["id"], r["at"], AuditEntry(r["action"], r["actor"], r["actor_id"], r["subject"],
                                                          json.loads(r["details"]))) for r in rows]
