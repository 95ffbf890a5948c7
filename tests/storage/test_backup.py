"""Backups: consistent while the database is written, restorable, and the daily job keeps the newest N."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from scheduling.backup import DailyBackup, backups
from storage import Database, ResidentRepository
from storage.backup import BackupError, backup_to
from tests.bot.test_cli import wijkwijzer


async def test_backup_holds_committed_data_only(db: Database, db_path: str, tmp_path: Path) -> None:
    await ResidentRepository(db).set_language(1, "en")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a writer in the middle of a transaction
    other.execute("INSERT INTO residents (user_id, language) VALUES (2, 'nl')")
    result = backup_to(db_path, tmp_path / "b.sqlite3")
    other.execute("ROLLBACK")
    other.close()
    copy = sqlite3.connect(result.path)
    assert copy.execute("SELECT user_id FROM residents").fetchall() == [(1,)]
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # self-contained, no -wal beside it
    copy.close()
    assert not (tmp_path / "b.sqlite3.part").exists()


def test_backup_is_consistent_during_many_writes(db_path: str, tmp_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE pairs (a INTEGER, b INTEGER)")
    conn.close()
    stop = threading.Event()

    def writer() -> None:  # every transaction writes two rows that belong together
        w = sqlite3.connect(db_path, isolation_level=None, timeout=10)
        i = 0
        while not stop.is_set():
            w.execute("BEGIN IMMEDIATE")
            w.execute("INSERT INTO pairs VALUES (?, 1)", (i,))
            w.execute("INSERT INTO pairs VALUES (?, 2)", (i,))
            w.execute("COMMIT")
            i += 1
        w.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for n in range(5):
            path = backup_to(db_path, tmp_path / f"b{n}.sqlite3").path
            copy = sqlite3.connect(path)
            assert copy.execute("SELECT COUNT(*) FROM pairs").fetchone()[0] % 2 == 0
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            copy.close()
    finally:
        stop.set()
        thread.join()


def test_backup_never_creates_a_database(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no database"):
        backup_to(tmp_path / "missing.sqlite3", tmp_path / "b.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists()


async def test_daily_backup_keeps_the_newest(db: Database, tmp_path: Path, caplog) -> None:
    directory = tmp_path / "backups"
    directory.mkdir()
    (directory / "notes.txt").write_text("not a backup")
    engine = DailyBackup(db, directory, keep=3)
    now = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    assert await engine.next_due(now) == now
    with caplog.at_level(logging.INFO, logger="scheduling.backup"):
        for day in range(5):
            moment = now + dt.timedelta(days=day)
            assert await engine.run_due(moment) == 1
            assert await engine.run_due(moment + dt.timedelta(hours=1)) == 0  # once a day
            assert await engine.next_due(moment) == moment + dt.timedelta(days=1)
    kept = backups(directory)
    assert [m.day for m, _ in kept] == [3, 4, 5]
    assert (directory / "notes.txt").exists()
    assert "daily backup written" in caplog.text
    restored = await Database.open(kept[-1][1])  # a backup opens as a database
    await restored.close()


async def test_a_failing_backup_is_logged_and_retried_later(db: Database, tmp_path: Path, caplog) -> None:
    directory = tmp_path / "file-not-dir"
    directory.write_text("x")
    engine = DailyBackup(db, directory, keep=3)
    now = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    with caplog.at_level(logging.ERROR, logger="scheduling.backup"):
        assert await engine.run_due(now) == 0
    assert "daily backup failed" in caplog.text
    assert await engine.next_due(now) == now + dt.timedelta(hours=1)


def test_backup_settings() -> None:
    settings = Settings.from_env({"WIJKWIJZER_BACKUP_DIR": "/tmp/x", "WIJKWIJZER_BACKUP_KEEP": "14"})
    assert settings.backup_dir == Path("/tmp/x") and settings.backup_keep == 14
    assert Settings.from_env({}).backup_dir is None and Settings.from_env({}).backup_keep == 7
    for bad in ("0", "-1", "seven", "²"):
        with pytest.raises(ConfigError, match="WIJKWIJZER_BACKUP_KEEP"):
            Settings.from_env({"WIJKWIJZER_BACKUP_KEEP": bad})


def test_backup_command_and_restore(tmp_path: Path) -> None:
    db_path = tmp_path / "w.sqlite3"
    env = {"WIJKWIJZER_DB": str(db_path)}
    assert wijkwijzer("staff", "add", "77", "--role", "staff", env=env).returncode == 0
    result = wijkwijzer("backup", str(tmp_path / "copy.sqlite3"), env=env)
    assert result.returncode == 0, result.stderr
    assert "Backup written to" in result.stdout
    # the restore of the README: stop, move the broken files aside, copy the backup in place, start
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    shutil.copy(tmp_path / "copy.sqlite3", db_path)
    listed = wijkwijzer("staff", "list", env=env)
    assert listed.returncode == 0 and "77" in listed.stdout
    missing = wijkwijzer("backup", str(tmp_path / "c2.sqlite3"), env={"WIJKWIJZER_DB": str(tmp_path / "none")})
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
