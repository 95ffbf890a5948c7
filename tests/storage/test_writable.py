"""A read-only database (file or directory) is refused at start with one line (issue 10, item 5)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage.writable import NotWritable, check_writable
from tests.bot.test_cli import wijkwijzer


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or directory read-only, also for root (who ignores permissions): chattr +i."""
    mode = path.stat().st_mode
    os.chmod(path, 0o555 if path.is_dir() else 0o444)
    immutable = False
    if os.geteuid() == 0:
        immutable = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
        if not immutable:
            os.chmod(path, mode)
            pytest.skip("running as root without chattr: cannot make anything read-only")
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        os.chmod(path, mode)


def make_db(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
    conn.close()


def test_writable_database_passes_and_keeps_no_trace(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite3"
    make_db(db)
    check_writable(db)
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["t"]
    conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.sqlite3"]


def test_missing_database_is_not_created_by_the_check(tmp_path: Path) -> None:
    check_writable(tmp_path / "new" / "db.sqlite3")
    assert list(tmp_path.iterdir()) == []


def test_read_only_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "ro.sqlite3"
    make_db(db)
    with read_only(db), pytest.raises(NotWritable, match="WIJKWIJZER_DB .*ro.sqlite3.* cannot be written"):
        check_writable(db)


def test_read_only_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    make_db(folder / "db.sqlite3")
    with read_only(folder), pytest.raises(NotWritable, match="cannot be written"):
        check_writable(folder / "db.sqlite3")
    with read_only(folder), pytest.raises(NotWritable):
        check_writable(folder / "other.sqlite3")  # a new database there could not be created either


def test_run_refuses_a_read_only_database_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "ro.sqlite3"
    make_db(db)
    with read_only(db):
        result = wijkwijzer("run", env={"TELEGRAM_BOT_TOKEN": "123456:never-used",
                                        "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot", "WIJKWIJZER_DB": str(db)})
    assert result.returncode == 2
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wijkwijzer: WIJKWIJZER_DB ") and "cannot be written" in lines[0]
