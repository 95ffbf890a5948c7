"""The one place that owns the SQLite connection and decides transactions.

Every write goes through this object: :meth:`Database.write` runs a function
of several statements inside ``BEGIN IMMEDIATE`` on the single connection, so
the write lock is taken up front and a concurrent writer (another process,
e.g. a CLI command) waits for ``busy_timeout`` instead of failing halfway
through a transaction; :meth:`Database.execute_write` runs one statement,
which SQLite makes atomic by itself.

Durability: the database runs in WAL mode with ``synchronous=NORMAL``. A
committed transaction survives the process being killed (``kill -9``); only a
power loss may lose the last commits, which is the usual trade-off for WAL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage.migrations import MIGRATIONS

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000


class Database:
    """An open Wijkwijzer database (created and migrated on open)."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._write_lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        """Open (or create) the database at ``path`` and apply pending migrations."""
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; write() opens them explicitly.
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        db = cls(conn, path)
        await db.migrate()
        return db

    async def close(self) -> None:
        await self._conn.close()

    async def write(self, fn: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run ``fn(conn)`` in one ``BEGIN IMMEDIATE`` transaction; commit or roll back."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = await fn(self._conn)
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")
            return result

    async def execute_write(self, sql: str, params: Iterable[Any] = ()) -> None:
        """Write one statement.

        One SQLite statement outside a transaction is a transaction of its own (atomic and
        durable when it returns), and a writing statement takes the write lock, waiting up to
        busy_timeout, when it starts. So it needs no BEGIN/COMMIT round trips; it still goes
        through the write lock so it never runs inside another coroutine's write().
        """
        async with self._write_lock:
            await self._conn.execute(sql, tuple(params))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self._conn.execute_fetchall(sql, tuple(params))
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def applied_migrations(self) -> list[str]:
        rows = await self.fetchall("SELECT name FROM schema_migrations ORDER BY id")
        return [row["name"] for row in rows]

    async def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded, in order; return their names."""
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " id INTEGER PRIMARY KEY,"
            " name TEXT NOT NULL UNIQUE,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
        )
        done = set(await self.applied_migrations())
        applied = []
        for name, statements in MIGRATIONS:
            if name in done:
                continue

            async def run(conn: aiosqlite.Connection, name: str = name,
                          statements: tuple[str, ...] = statements) -> None:
                for statement in statements:
                    await conn.execute(statement)
                await conn.execute("INSERT INTO schema_migrations (name) VALUES (?)", (name,))

            await self.write(run)
            applied.append(name)
        return applied
