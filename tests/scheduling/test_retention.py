"""Retention: personal data leaves closed submissions after the configured number of days, once."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from scheduling.retention import Retention
from storage import Database, NewSubmission, SubmissionRepository
from storage.audit import AuditLog
from storage.privacy import ERASED
from tests.bot.test_cli import wijkwijzer

CLOSED_AT = dt.datetime(2025, 1, 10, 12, 0, tzinfo=dt.UTC)


async def submission(db: Database, user_id: int, *, closed: str | None) -> int:
    created = await SubmissionRepository(db).create(NewSubmission(
        user_id=user_id, kind="signaal", wijk_code="WK039210", stadsdeel="noord", handled_by="noord", theme="groen",
        text="Losse stoeptegels bij de school.", latitude=52.4012, longitude=4.6345, consent_reply=True,
        resident_name="Joke Pietersen", language="nl", photos=("file-1",)), lambda s: [])
    if closed:
        await db.execute_write("UPDATE submissions SET status = ? WHERE id = ?", (closed, created.id))
        await db.execute_write("INSERT INTO submission_events (submission_id, at, actor, actor_id, action, status)"
                               " VALUES (?, '2025-01-10T12:00:00.000000Z', 'staff', 900, 'status', ?)",
                               (created.id, closed))
    return created.id


async def test_retention_removes_personal_data_after_the_period(db: Database, caplog) -> None:
    done = await submission(db, 11, closed="afgerond")
    withdrawn = await submission(db, 12, closed="ingetrokken")
    still_open = await submission(db, 13, closed=None)
    await db.execute_write("UPDATE submissions SET created_at = '2024-01-01T00:00:00.000000Z'")
    engine = Retention(db, days=365)
    before = CLOSED_AT + dt.timedelta(days=364)
    assert await engine.run_due(before) == 0
    assert (await SubmissionRepository(db).get(done)).user_id == 11
    after = CLOSED_AT + dt.timedelta(days=366)
    assert await engine.next_due(before) == before + dt.timedelta(days=1)
    with caplog.at_level(logging.INFO, logger="scheduling.retention"):
        assert await engine.run_due(after) == 2
    assert "personal data removed from 2 closed submissions" in caplog.text
    repo = SubmissionRepository(db)
    for submission_id in (done, withdrawn):
        s = await repo.get(submission_id)
        assert (s.user_id, s.resident_name, s.latitude, s.photos) == (ERASED, None, None, ())
        assert s.text == "Losse stoeptegels bij de school." and s.wijk_code == "WK039210"
        assert all(e.actor_id is None for e in await repo.events(submission_id) if e.actor == "resident")
    kept = await repo.get(still_open)
    assert kept.user_id == 13 and kept.photos == ("file-1",)  # open: untouched, however old
    assert await engine.run_due(after + dt.timedelta(days=2)) == 0  # nothing twice
    [entry] = [r.entry for r in await AuditLog(db).since() if r.entry.action == "privacy.retention"]
    assert entry.actor == "system" and entry.details["submissions"] == 2


def test_retention_command_dry_run_and_for_real(tmp_path: Path) -> None:
    import asyncio

    path = tmp_path / "w.sqlite3"

    async def fill() -> None:
        db = await Database.open(path)
        await submission(db, 11, closed="afgerond")
        await db.close()

    asyncio.run(fill())
    env = {"WIJKWIJZER_DB": str(path)}
    dry = wijkwijzer("retention", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "afgerond" in dry.stdout and "1 closed submissions would lose" in dry.stdout
    assert "Nothing was changed" in dry.stdout
    assert "0 closed submissions would lose" in wijkwijzer("retention", "--dry-run",
                                                           env={**env, "WIJKWIJZER_RETENTION_DAYS": "9999"}).stdout
    real = wijkwijzer("retention", env=env)
    assert real.returncode == 0 and "of 1 closed submissions" in real.stdout
    assert "0 closed submissions would lose" in wijkwijzer("retention", "--dry-run", env=env).stdout
