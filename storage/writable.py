"""Is the database writable? Checked once at start, so a read-only file or directory stops the
assistant with one line instead of a "Sorry" to every resident who tries to save something.

The check writes for real (a table created inside a transaction that is then rolled back), because
permissions alone do not tell: root ignores them, and WAL mode also needs to create files next to
the database, so a read-only directory fails even when the file itself is writable. A database
that does not exist yet is not created here (opening it does that): the directory is tried instead.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from urllib.parse import quote

BUSY_TIMEOUT_S = 5.0


class NotWritable(Exception):
    """The database cannot be written; the message is one line naming the path."""


def check_writable(path: str | Path) -> None:
    """Raise NotWritable, with the reason, when the database at ``path`` or its directory cannot be written."""
    path = Path(path)
    if str(path) == ":memory:":
        return
    folder = path.resolve().parent
    try:
        _try_directory(folder if folder.exists() else _existing_parent(folder))
        if path.exists():
            _try_database(path)
    except (sqlite3.Error, OSError) as exc:
        reason = str(exc) or type(exc).__name__
        raise NotWritable(f"WIJKWIJZER_DB {str(path)!r} cannot be written ({reason}): the assistant needs to "
                          f"write the database file and to create files next to it in {str(folder)!r}") from None


def _existing_parent(folder: Path) -> Path:
    while not folder.exists():
        folder = folder.parent
    return folder


def _try_directory(folder: Path) -> None:
    """Create and remove a file where SQLite will create its -wal and -shm files."""
    handle, name = tempfile.mkstemp(prefix=".wijkwijzer-probe-", dir=folder)
    os.close(handle)
    os.unlink(name)


def _try_database(path: Path) -> None:
    """One write in a transaction that is rolled back; mode=rw never creates a file."""
    uri = f"file:{quote(str(path.resolve()))}?mode=rw"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE wijkwijzer_write_probe (x INTEGER)")
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()
