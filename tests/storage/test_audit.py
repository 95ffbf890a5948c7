"""The audit log: append-only, written with every staff action in the same transaction, listed by the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import storage.submissions as submissions_module
from storage import Database, NewSubmission, OutboxRepository, StaffRepository, SubmissionRepository
from storage.audit import AuditEntry, AuditLog
from storage.inspraak import InspraakRepository, NewWindow
from tests.bot.test_cli import wijkwijzer
from tests.conftest import Resident, text_of

GV = 900


async def a_submission(db: Database) -> int:
    created = await SubmissionRepository(db).create(NewSubmission(
        user_id=5, kind="idee", wijk_code="WK039210", stadsdeel="noord", handled_by="noord", theme="groen",
        text="Een bankje bij de speeltuin graag.", latitude=None, longitude=None, consent_reply=True,
        resident_name="Kees", language="nl"), lambda s: [])
    return created.id


async def actions(db: Database) -> list[tuple[str, str, int | None, str | None]]:
    return [(r.entry.action, r.entry.actor, r.entry.actor_id, r.entry.subject) for r in await AuditLog(db).since()]


async def test_audit_log_is_append_only(db: Database) -> None:
    await AuditLog(db).record(AuditEntry("export", actor="operator", details={"submissions": 3}))
    for sql in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            await db.execute_write(sql)
    with pytest.raises(ValueError):
        AuditEntry("x", actor="somebody")


async def test_history_may_only_lose_who_and_text(db: Database) -> None:
    submission_id = await a_submission(db)
    await SubmissionRepository(db).record(submission_id, actor="resident", actor_id=5, action="info", text="meer")
    await db.execute_write("UPDATE submission_events SET actor_id = NULL, text = NULL WHERE action = 'info'")
    for sql in ("UPDATE submission_events SET text = 'anders' WHERE action = 'created'",
                "UPDATE submission_events SET actor_id = 6 WHERE action = 'created'",
                "UPDATE submission_events SET status = 'afgerond'",
                "UPDATE submission_events SET at = '2020-01-01T00:00:00.000000Z'",
                "DELETE FROM submission_events"):
        with pytest.raises(Exception, match="append-only"):
            await db.execute_write(sql)


async def test_staff_actions_in_telegram_are_audited(assistant, db: Database) -> None:
    await StaffRepository(db).add(GV, "gebiedsverbinder", "noord")
    submission_id = await a_submission(db)
    reference = (await SubmissionRepository(db).get(submission_id)).reference
    staff = Resident(assistant, GV)
    await staff.press(f"st:{submission_id}:beh")
    await staff.press(f"st:{submission_id}:reply")
    await staff.say("Dank u, we kijken ernaar.")
    await staff.press(f"st:{submission_id}:show")  # looking is no action
    log = await AuditLog(db).since()
    assert [(r.entry.action, r.entry.actor_id, r.entry.subject) for r in log] == [
        ("submission.status", GV, reference), ("submission.reply", GV, reference)]
    assert log[0].entry.details == {"from": "nieuw", "to": "in_behandeling"}
    assert "Dank u" not in str(log[1].entry.details) and "Kees" not in str([r.entry for r in log])
    code = await StaffRepository(db).invite("staff", None, valid_for=dt.timedelta(hours=1))
    await Resident(assistant, 901).say(f"/start {code}")
    assert (await actions(db))[-1] == ("staff.invite_used", "staff", 901, "staff 901")


async def test_no_action_without_its_entry(assistant, db: Database, monkeypatch) -> None:
    await StaffRepository(db).add(GV, "gebiedsverbinder", "noord")
    submission_id = await a_submission(db)

    async def broken(conn, entry) -> None:
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(submissions_module, "write_audit", broken)
    with pytest.raises(RuntimeError):
        await Resident(assistant, GV).press(f"st:{submission_id}:beh")
    assert (await SubmissionRepository(db).get(submission_id)).status == "nieuw"
    assert len(await SubmissionRepository(db).events(submission_id)) == 1
    assert await OutboxRepository(db).pending() == []


async def test_inspraak_management_is_audited(assistant, db: Database) -> None:
    await StaffRepository(db).add(901, "gebiedsverbinder", "noord")
    now = dt.datetime.now(dt.UTC)
    window = await InspraakRepository(db).create(
        NewWindow("Noord", now + dt.timedelta(days=1), now + dt.timedelta(days=9), scope=(("stadsdeel", "noord"),)))
    member = Resident(assistant, 901)
    assert "is geannuleerd" in text_of(await member.press(f"ib:cancelyes:{window.id}"))
    await member.press(f"ib:cancelyes:{window.id}")  # a second press changes nothing and is not an action
    assert await actions(db) == [("inspraak.cancel", "staff", 901, f"#{window.id}")]


def test_operator_actions_and_the_audit_command(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "w.sqlite3")}
    assert wijkwijzer("staff", "add", "77", "--role", "gebiedsverbinder", "--stadsdeel", "Noord",
                      env=env).returncode == 0
    assert wijkwijzer("staff", "invite", "--role", "staff", "--bot", "TestBot", env=env).returncode == 0
    assert wijkwijzer("staff", "remove", "77", env=env).returncode == 0
    assert wijkwijzer("export", "--output", str(tmp_path / "e.csv"), env=env).returncode == 0
    added = wijkwijzer("inspraak", "add", "--title", "Park", "--opens", "2027-01-10 09:00", "--closes",
                       "2027-02-10 17:00", "--stadsdeel", "Noord", env=env)
    assert added.returncode == 0, added.stderr
    window = added.stdout.strip()
    assert wijkwijzer("inspraak", "edit", window, "--title", "Parkje", env=env).returncode == 0
    assert wijkwijzer("inspraak", "cancel", window, env=env).returncode == 0
    listed = wijkwijzer("audit", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert [line.split()[3] for line in lines] == ["staff.add", "staff.invite", "staff.remove", "export",
                                                    "inspraak.add", "inspraak.edit", "inspraak.cancel"]
    assert "operator" in lines[0] and "staff 77" in lines[0] and f"#{window}" in lines[-1]
    assert '"title_nl": "Parkje"' in lines[5] and "opens_at" not in lines[5]  # only what changed
    future = wijkwijzer("audit", "--since", "2099-01-01", env=env)
    assert future.stdout.strip() == "No audit entries since 2099-01-01."
