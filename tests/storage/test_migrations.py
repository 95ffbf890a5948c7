"""Migrations on a blank database and on an older one; writes are atomic."""

from __future__ import annotations

import pytest

import storage.db as db_module
from storage import ConversationRepository, ConversationState, Database, ResidentRepository, StaffRepository
from storage.migrations import MIGRATIONS


async def columns(db: Database, table: str) -> list[str]:
    return [row["name"] for row in await db.fetchall(f"PRAGMA table_info({table})")]


async def opened_with(db_path: str, monkeypatch, migrations: list) -> Database:
    """The database at ``db_path`` opened by a build whose migrations are ``migrations`` (an older build, or this
    one): it applies those it has not applied yet."""
    monkeypatch.setattr(db_module, "MIGRATIONS", migrations)
    return await Database.open(db_path)


async def test_blank_database_gets_every_migration(db_path: str) -> None:
    db = await Database.open(db_path)
    try:
        assert await db.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert await columns(db, "residents") == ["user_id", "language", "wijk_code", "created_at", "updated_at",
                                                  "inactive_at", "follow_asked_at", "platform_language"]
        assert await columns(db, "conversations") == ["user_id", "flow", "step", "data", "updated_at"]
        assert "outcome" in await columns(db, "unanswered_questions")
        assert await columns(db, "broadcasts") == [
            "id", "created_by", "text_nl", "text_en", "photo", "status", "send_at", "quiet_override", "recipients",
            "created_at", "queued_at", "finished_at", "progress_chat", "progress_message", "sending_since"]
        assert await columns(db, "broadcast_audience") == ["broadcast_id", "kind", "code"]
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
    finally:
        await db.close()


async def test_reopening_applies_nothing_twice(db_path: str) -> None:
    db = await Database.open(db_path)
    await ResidentRepository(db).set_language(1, "en")
    await db.close()
    db = await Database.open(db_path)
    try:
        assert await db.migrate() == []
        assert (await ResidentRepository(db).get(1)).language == "en"
    finally:
        await db.close()


async def test_upgrade_keeps_data_and_applies_new_migration(db_path: str, monkeypatch) -> None:
    db = await Database.open(db_path)
    await ConversationRepository(db).save(5, ConversationState("contact", "ask_stadsdeel", {"x": "é"}))
    await db.close()

    extra = ("m999_test_column", ("ALTER TABLE residents ADD COLUMN nickname TEXT",))
    db = await opened_with(db_path, monkeypatch, [*MIGRATIONS, extra])
    try:
        assert (await db.applied_migrations())[-1] == "m999_test_column"
        assert "nickname" in await columns(db, "residents")
        state = await ConversationRepository(db).get(5)
        assert state == ConversationState("contact", "ask_stadsdeel", {"x": "é"})
    finally:
        await db.close()


async def test_failed_write_rolls_back(db: Database) -> None:
    async def half_then_fail(conn) -> None:
        await conn.execute("INSERT INTO residents (user_id, language) VALUES (9, 'nl')")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await db.write(half_then_fail)
    assert await ResidentRepository(db).get(9) is None


async def test_language_check_constraint(db: Database) -> None:
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        await ResidentRepository(db).set_language(1, "de")


async def test_m004_keeps_gebiedsverbinders_and_allows_city_wide_staff(db_path: str, monkeypatch) -> None:
    before = [m for m in MIGRATIONS if m[0] < "m004"]
    db = await opened_with(db_path, monkeypatch, before)
    await db.execute_write("INSERT INTO staff (user_id, role, stadsdeel, name) VALUES (7, 'gebiedsverbinder',"
                           " 'noord', 'Karin')")
    await db.close()
    db = await opened_with(db_path, monkeypatch, MIGRATIONS)
    try:
        staff = StaffRepository(db)
        assert (await staff.get(7)).stadsdeel == "noord"
        assert (await staff.add(8, "staff", None)).city_wide
        with pytest.raises(ValueError):
            await staff.add(9, "staff", "noord")
        with pytest.raises(ValueError):
            await staff.add(9, "gebiedsverbinder", None)
        with pytest.raises(Exception, match="CHECK"):  # the database itself refuses it, too
            await db.execute_write("INSERT INTO staff (user_id, role, stadsdeel) VALUES (10, 'staff', 'noord')")
    finally:
        await db.close()


async def test_off_topic_migration_keeps_logged_questions(db_path: str, monkeypatch) -> None:
    from storage import QuestionLog

    before = [m for m in MIGRATIONS if m[0] != "m006_off_topic_questions"]
    db = await opened_with(db_path, monkeypatch, before)
    await QuestionLog(db).record(text="wat is grofvuil", normalized="wat is grofvuil", language="nl",
                                 outcome="no_match")
    await db.close()
    db = await opened_with(db_path, monkeypatch, MIGRATIONS)
    try:
        log = QuestionLog(db)
        await log.record(text="paspoort", normalized="paspoort", language="nl", outcome="off_topic")
        gaps = {gap.example: gap.outcomes for gap in await log.gaps()}
        assert gaps == {"wat is grofvuil": "no_match", "paspoort": "off_topic"}
    finally:
        await db.close()


async def test_m011_keeps_logged_questions_and_their_indexes(db_path: str, monkeypatch) -> None:
    from storage import QuestionLog

    before = [m for m in MIGRATIONS if m[0] < "m011"]
    db = await opened_with(db_path, monkeypatch, before)
    with pytest.raises(Exception, match="CHECK"):  # before m011 the database refuses the new outcome
        await QuestionLog(db).record(text="x", normalized="x", language="nl", outcome="answer_missed")
    await QuestionLog(db).record(text="paspoort", normalized="paspoort", language="nl", outcome="off_topic",
                                 stadsdeel="noord")
    await db.close()
    db = await opened_with(db_path, monkeypatch, MIGRATIONS)
    try:
        log = QuestionLog(db)
        await log.record(text="geld vooraf?", normalized="geld vooraf", language="nl", outcome="answer_missed",
                         topic_id="initiatiefbudget", stadsdeel="noord")
        gaps = {gap.example: (gap.outcomes, gap.stadsdelen) for gap in await log.gaps()}
        assert gaps == {"paspoort": ("off_topic", "noord"), "geld vooraf?": ("answer_missed", "noord")}
        indexes = {row[0] for row in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'unanswered_questions'")}
        assert {"unanswered_questions_normalized", "unanswered_questions_stadsdeel"} <= indexes
    finally:
        await db.close()


async def test_m007_digest_tables(db: Database) -> None:
    assert await columns(db, "digest_settings") == ["user_id", "schedule", "weekday", "at", "channel", "email",
                                                    "when_empty", "updated_at"]
    assert "covered_to" in await columns(db, "digests")
    with pytest.raises(Exception):  # a schedule the assistant does not know is refused by the database
        await db.execute_write("INSERT INTO digest_settings (user_id, schedule) VALUES (1, 'hourly')")
    insert = ("INSERT INTO digests (user_id, stadsdeel, due_at, period_end, covered_to, new_count, question_count,"
              " outcome, trigger) VALUES (1, 'noord', '2026-12-01T07:00:00.000000Z', 'x', 0, 0, 0, 'sent', 'schedule')")
    await db.execute_write(insert)
    with pytest.raises(Exception):  # one scheduled digest per recipient and moment
        await db.execute_write(insert)


async def test_m009_adds_the_audit_log_and_keeps_history_append_only(db_path: str, monkeypatch) -> None:
    before = [m for m in MIGRATIONS if m[0] != "m009_audit_privacy"]
    db = await opened_with(db_path, monkeypatch, before)
    await db.execute_write("INSERT INTO submissions (reference, user_id, kind, wijk_code, stadsdeel, handled_by, theme,"
                           " text, consent_reply, language) VALUES ('WW-1', 5, 'idee', 'w', 'noord', 'noord', 'groen',"
                           " 'tekst', 1, 'nl')")
    await db.execute_write("INSERT INTO submission_events (submission_id, actor, actor_id, action, text)"
                           " VALUES (1, 'resident', 5, 'info', 'meer')")
    with pytest.raises(Exception, match="append-only"):  # before m009 not even the AVG exception
        await db.execute_write("UPDATE submission_events SET actor_id = NULL")
    await db.close()
    db = await opened_with(db_path, monkeypatch, MIGRATIONS)
    try:
        assert "m009_audit_privacy" in await db.applied_migrations()
        assert await columns(db, "audit_log") == ["id", "at", "actor", "actor_id", "action", "subject", "details"]
        assert "anonymised_at" in await columns(db, "submissions")
        await db.execute_write("UPDATE submission_events SET actor_id = NULL, text = NULL")
        with pytest.raises(Exception, match="append-only"):
            await db.execute_write("UPDATE submission_events SET action = 'created'")
        row = await db.fetchone("SELECT actor, actor_id, action, text FROM submission_events")
        assert tuple(row) == ("resident", None, "info", None)
    finally:
        await db.close()
