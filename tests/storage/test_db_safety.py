"""No silent data loss: a database deleted or replaced while running, and a database gone at start."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

import pytest

from storage import Database, ResidentRepository
from storage.db import DatabaseMissing, DatabaseUnavailable, marker_path
from tests.bot.test_cli import wijkwijzer
from tests.conftest import Resident, text_of


async def test_a_deleted_file_refuses_writes_and_logs_once(db: Database, db_path: str, caplog) -> None:
    residents = ResidentRepository(db)
    await residents.set_language(1, "en")
    os.remove(db_path)
    with caplog.at_level(logging.ERROR, logger="storage.db"):
        for _ in range(3):
            with pytest.raises(DatabaseUnavailable):
                await residents.set_language(2, "nl")
        with pytest.raises(DatabaseUnavailable):
            await db.write(lambda conn: conn.execute("DELETE FROM residents"))
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "deleted or replaced" in errors[0].getMessage()
    assert (await residents.get(1)).language == "en"  # reading what it has still works


async def test_a_replaced_file_refuses_writes(db: Database, db_path: str, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).close()
    os.replace(other, db_path)
    with pytest.raises(DatabaseUnavailable):
        await ResidentRepository(db).set_wijk(1, "x")


async def test_the_resident_hears_nothing_was_saved(assistant, db_path: str) -> None:
    resident = Resident(assistant)
    await resident.say("/start")
    os.remove(db_path)
    replies = await resident.say("/idee")
    assert text_of(replies) == "Er gaat iets mis bij het opslaan; uw bericht is niet bewaard. Probeer het later " \
                               "opnieuw."
    english = Resident(assistant, 43, "en")
    assert "was not saved" in text_of(await english.say("/idea"))


async def test_no_fresh_database_where_one_was(db_path: str) -> None:
    db = await Database.open(db_path)
    await ResidentRepository(db).set_language(1, "en")
    await db.close()
    assert marker_path(db_path).exists()
    for suffix in ("", "-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    with pytest.raises(DatabaseMissing, match="WIJKWIJZER_DB_RECREATE=1"):
        await Database.open(db_path)
    assert not Path(db_path).exists()  # nothing was created
    Path(db_path).touch()  # an empty file is no database either
    with pytest.raises(DatabaseMissing):
        await Database.open(db_path)
    os.remove(db_path)
    conn = sqlite3.connect(db_path)  # nor one without our schema
    conn.execute("CREATE TABLE x (y)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseMissing):
        await Database.open(db_path)
    db = await Database.open(db_path, recreate=True)  # a deliberate decision
    try:
        assert await ResidentRepository(db).get(1) is None
    finally:
        await db.close()
    db = await Database.open(db_path)  # and from then on it is the database
    await db.close()


async def test_a_reopened_database_opens(db_path: str) -> None:
    for _ in range(2):
        db = await Database.open(db_path)
        await db.close()


def test_start_refuses_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    env = {"WIJKWIJZER_DB": str(path)}
    assert wijkwijzer("staff", "list", env=env).returncode == 0
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    for args in (("staff", "list"), ("run",), ("shell",)):
        result = wijkwijzer(*args, env={**env, "TELEGRAM_BOT_TOKEN": "123:abc"} if args == ("run",) else env,
                            stdin="hallo\n")
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "WIJKWIJZER_DB" in result.stderr
        assert "Traceback" not in result.stderr
    result = wijkwijzer("staff", "list", env={**env, "WIJKWIJZER_DB_RECREATE": "1"})
    assert result.returncode == 0 and "No staff accounts" in result.stdout
