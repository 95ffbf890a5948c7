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

No silent data loss: the connection keeps writing into the file it opened, even when
that file was deleted or replaced at its path while running (the writes would be lost
at the next start). So before every write the path is compared with the file opened
(device and inode, one ``stat``); when they differ, writes are refused from then on
(:class:`DatabaseUnavailable`) and the problem is logged once at ERROR. And a database
is never created silently where one existed: a marker file ``<db>.created`` is written
beside a new database, and when the marker exists but the database is gone or empty,
opening refuses (:class:`DatabaseMissing`) unless ``WIJKWIJZER_DB_RECREATE=1``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage.migrations import MIGRATIONS

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
RECREATE_SETTING = "WIJKWIJZER_DB_RECREATE"

log = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The database file was deleted or replaced while running: writes are refused until a restart."""


class DatabaseMissing(Exception):
    """A database was created at this path before, but it is gone or empty now (a one-line start error)."""


def marker_path(path: str | Path) -> Path:
    """The marker beside a database that says a database was created at this path."""
    return Path(f"{path}.created")


def recreate_allowed(env: dict[str, str] | None = None) -> bool:
    value = (os.environ if env is None else env).get(RECREATE_SETTING, "").strip().lower()
    return value in ("1", "true", "yes")


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _missing(path: str, marker: Path) -> DatabaseMissing:
    try:
        created = json.loads(marker.read_text(encoding="utf-8")).get("created_at", "?")
    except (OSError, ValueError, AttributeError):
        created = "?"
    return DatabaseMissing(
        f"WIJKWIJZER_DB: the database {path} is missing or empty, but one was created there before ({created}, "
        f"see {marker}); restore it from a backup (README: Backup and restore), or set {RECREATE_SETTING}=1 to "
        "start with an empty database")


def check_not_lost(path: str | Path, *, recreate: bool | None = None) -> None:
    """Refuse to start where a database existed and is now gone or empty (raises DatabaseMissing)."""
    path = str(path)
    if path == ":memory:" or (recreate if recreate is not None else recreate_allowed()):
        return
    marker = marker_path(path)
    file = Path(path)
    if marker.exists() and (not file.exists() or file.stat().st_size == 0):
        raise _missing(path, marker)


class Database:
    """An open Wijkwijzer database (created and migrated on open)."""

    def __init__(self, conn: aiosqlite.Connection, path: str, identity: tuple[int, int] | None = None) -> None:
        self._conn = conn
        self._write_lock = asyncio.Lock()
        self.path = path
        self._identity = identity  # (device, inode) of the file opened; None: in memory
        self._lost = False

    @classmethod
    async def open(cls, path: str | Path, *, recreate: bool | None = None) -> Database:
        """Open (or create) the database at ``path`` and apply pending migrations.

        Raises DatabaseMissing where a database was created before but is gone or empty now, unless
        ``recreate`` (default: the WIJKWIJZER_DB_RECREATE setting)."""
        path = str(path)
        recreate = recreate_allowed() if recreate is None else recreate
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            check_not_lost(path, recreate=recreate)
        # isolation_level=None: no implicit transactions; write() opens them explicitly.
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            identity = None if path == ":memory:" else _identity(path)
            db = cls(conn, path, identity)
            marker = marker_path(path)
            if path != ":memory:" and marker.exists() and not recreate and not await db._has_schema():
                raise _missing(path, marker)  # a file is there, but not the database that was
            await db.migrate()
        except BaseException:
            await conn.close()
            raise
        if path != ":memory:" and (recreate or not marker.exists()):
            marker.write_text(json.dumps({"created_at": _now_text(), "database": os.path.abspath(path)}) + "\n",
                              encoding="utf-8")
        return db

    async def _has_schema(self) -> bool:
        row = await self.fetchone("SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'")
        return bool(row[0])

    def check_writable(self) -> None:
        """Raise DatabaseUnavailable when the file at the path is no longer the one this connection holds.

        One ``stat`` per write. Once lost, it stays lost: the connection cannot reach the file at the
        path any more, so only a restart (after restoring the file) helps."""
        if self._identity is None:
            return
        if not self._lost and _identity(self.path) == self._identity:
            return
        if not self._lost:
            self._lost = True
            log.error("the database file %s was deleted or replaced while running: every write is refused "
                      "from now on; restore it from a backup if needed and restart (README: Backup and restore)",
                      self.path)
        raise DatabaseUnavailable(f"the database file {self.path} was deleted or replaced while running")

    @property
    def lost(self) -> bool:
        return self._lost

    async def close(self) -> None:
        await self._conn.close()

    async def write(self, fn: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run ``fn(conn)`` in one ``BEGIN IMMEDIATE`` transaction; commit or roll back."""
        self.check_writable()
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
        self.check_writable()
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


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
