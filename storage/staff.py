"""Municipal staff accounts and the one-time invites that link them to Telegram."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import aiosqlite

from storage.audit import AuditEntry, write_audit
from storage.db import Database
from storage.timestamps import to_text, utc_now

ROLES = ("gebiedsverbinder", "staff")  # staff: communications and policy, city-wide, no stadsdeel


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    role: str
    stadsdeel: str | None  # None for city-wide staff
    name: str | None
    email: str | None

    @property
    def city_wide(self) -> bool:
        return self.role == "staff"


@dataclass(frozen=True)
class Redemption:
    member: StaffMember | None
    problem: str | None  # unknown | used | expired


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


class StaffRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, user_id: int, role: str, stadsdeel: str | None, name: str | None = None,
                  email: str | None = None, *, audit: AuditEntry | None = None) -> StaffMember:
        _check_role(role, stadsdeel)

        async def run(conn: aiosqlite.Connection) -> None:
            await conn.execute(
                "INSERT INTO staff (user_id, role, stadsdeel, name, email) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, stadsdeel = excluded.stadsdeel,"
                " name = excluded.name, email = excluded.email",
                (user_id, role, stadsdeel, name, email),
            )
            if audit is not None:
                await write_audit(conn, audit)

        await self._db.write(run)
        return StaffMember(user_id, role, stadsdeel, name, email)

    async def get(self, user_id: int) -> StaffMember | None:
        row = await self._db.fetchone("SELECT * FROM staff WHERE user_id = ?", (user_id,))
        return _member(row) if row else None

    async def all(self) -> list[StaffMember]:
        return [_member(r) for r in await self._db.fetchall("SELECT * FROM staff ORDER BY stadsdeel, user_id")]

    async def for_stadsdeel(self, stadsdeel: str) -> list[StaffMember]:
        rows = await self._db.fetchall(
            "SELECT * FROM staff WHERE stadsdeel = ? AND role = 'gebiedsverbinder' ORDER BY user_id", (stadsdeel,))
        return [_member(r) for r in rows]

    async def remove(self, user_id: int, *, audit: AuditEntry | None = None) -> bool:
        async def run(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute("DELETE FROM staff WHERE user_id = ?", (user_id,))
            if cursor.rowcount > 0 and audit is not None:
                await write_audit(conn, audit)
            return cursor.rowcount > 0

        return await self._db.write(run)

    async def invite(self, role: str, stadsdeel: str | None, *, valid_for: dt.timedelta, name: str | None = None,
                     email: str | None = None, audit: AuditEntry | None = None) -> str:
        """Create a one-time invite; return its code (only its hash is stored)."""
        _check_role(role, stadsdeel)
        code = secrets.token_urlsafe(18)  # 24 characters of A-Z a-z 0-9 - _, as Telegram deep links allow

        async def run(conn: aiosqlite.Connection) -> None:
            await conn.execute(
                "INSERT INTO staff_invites (code_hash, role, stadsdeel, name, email, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (_hash(code), role, stadsdeel, name, email, to_text(utc_now() + valid_for)),
            )
            if audit is not None:
                await write_audit(conn, audit)

        await self._db.write(run)
        return code

    async def redeem(self, code: str, user_id: int) -> Redemption:
        """Link ``user_id`` with an invite: once, before it expires."""

        async def run(conn: aiosqlite.Connection) -> Redemption:
            cursor = await conn.execute("SELECT * FROM staff_invites WHERE code_hash = ?", (_hash(code),))
            invite = await cursor.fetchone()
            if invite is None:
                return Redemption(None, "unknown")
            if invite["used_at"] is not None:
                return Redemption(None, "used")
            if invite["expires_at"] <= to_text(utc_now()):
                return Redemption(None, "expired")
            await conn.execute("UPDATE staff_invites SET used_at = ?, used_by = ? WHERE code_hash = ?",
                               (to_text(utc_now()), user_id, invite["code_hash"]))
            await conn.execute(
                "INSERT INTO staff (user_id, role, stadsdeel, name, email) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, stadsdeel = excluded.stadsdeel,"
                " name = excluded.name, email = excluded.email",
                (user_id, invite["role"], invite["stadsdeel"], invite["name"], invite["email"]),
            )
            await write_audit(conn, AuditEntry("staff.invite_used", actor="staff", actor_id=user_id,
                                               subject=f"staff {user_id}",
                                               details={"role": invite["role"], "stadsdeel": invite["stadsdeel"]}))
            return Redemption(StaffMember(user_id, invite["role"], invite["stadsdeel"], invite["name"],
                                          invite["email"]), None)

        return await self._db.write(run)


def _check_role(role: str, stadsdeel: str | None) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if (role == "gebiedsverbinder") != (stadsdeel is not None):
        raise ValueError("a gebiedsverbinder has one stadsdeel; city-wide staff have none")


def _member(row: aiosqlite.Row) -> StaffMember:
    return StaffMember(row["user_id"], row["role"], row["stadsdeel"], row["name"], row["email"])
