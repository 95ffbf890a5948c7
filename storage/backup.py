"""Consistent copies of the database while the assistant runs (SQLite's online backup API).

The copy is written to ``<file>.part``, checked (``PRAGMA quick_check``), flushed to disk and
only then renamed to its name, so a backup file is either complete or absent. The source is
opened read-only: a backup never creates a database where there is none.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """The backup could not be made (one line for the operator)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    submissions: int


def backup_to(db_path: str | Path, target: str | Path) -> BackupResult:
    """Copy the database at ``db_path`` to ``target`` consistently, also while it is being written."""
    source_path, target = Path(db_path), Path(target)
    if not source_path.is_file() or source_path.stat().st_size == 0:
        raise BackupError(f"there is no database at {source_path}")
    if target.exists() and target.resolve() == source_path.resolve():
        raise BackupError(f"{target} is the database itself; choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)  # all pages in one step: one consistent snapshot
            destination.execute("PRAGMA journal_mode = DELETE")  # a self-contained file, no -wal beside it
            check = destination.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"the copy failed its check: {check}")
            row = destination.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'submissions'").fetchone()
            submissions = destination.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] if row[0] else 0
        finally:
            destination.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"could not copy {source_path}: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    with open(partial, "rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, submissions)
