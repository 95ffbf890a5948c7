"""The one place that owns the SQLite connection and decides transactions.

Every write goes through :meth:`Database.write`, which runs a function inside
``BEGIN IMMEDIATE`` on the single connection, so the write lock is taken up
front and a concurrent writer (another process, e.g. a CLI command) waits for
``busy_timeout`` instead of failing halfway through a transaction.

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
        """Shorthand for a write of a single statement."""

        async def run(conn: aiosqlite.Connection) -> None:
            await conn.execute(sql, tuple(params))

        await self.write(run)

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

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
