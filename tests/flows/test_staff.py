"""The gebiedsverbinder's side, and that nobody else can use it."""

from __future__ import annotations

import datetime as dt

import pytest

from flows import Assistant
from storage import Database, OutboxRepository, StaffRepository, SubmissionRepository
from tests.conftest import Resident, text_of
from tests.flows.test_intake import finish, start_idea

STAFF_ID = 900


@pytest.fixture
async def submitted(assistant: Assistant, db: Database) -> int:
    """A resident (42, English) sent an idea for Vogelenwijk (Noord); gebiedsverbinder 900 is linked."""
    await StaffRepository(db).add(STAFF_ID, "gebiedsverbinder", "noord", "Karin Kranendonk")
    resident = Resident(assistant, 42, "en")
    await start_idea(resident)
    await finish(resident)
    await resident.press("in:send")
    await drain(db)
    return 1


async def drain(db: Database) -> list:
    """Take the queued messages (as the dispatcher would) and return them."""
    outbox = OutboxRepository(db)
    messages = await outbox.pending()
    for message in messages:
        await outbox.mark_sent(message.id)
    return messages


async def test_status_change_reaches_the_resident_in_their_language(assistant, db, submitted) -> None:
    staff = Resident(assistant, STAFF_ID, "nl")
    replies = await staff.press(f"st:{submitted}:beh")
    assert "heeft nu de status In behandeling" in text_of(replies)
    [message] = await drain(db)
    assert message.chat_id == 42
    assert "the status is now In progress" in message.payload["text"]
    events = await SubmissionRepository(db).events(submitted)
    assert [(e.actor, e.actor_id, e.action, e.status) for e in events][-1] == (
        "staff", STAFF_ID, "status", "in_behandeling")


async def test_answer_is_relayed(assistant, db, submitted) -> None:
    staff = Resident(assistant, STAFF_ID, "nl")
    assert "Typ uw antwoord" in text_of(await staff.press(f"st:{submitted}:reply"))
    assert "onderweg naar de bewoner" in text_of(await staff.say("Goed idee, ik neem het mee naar de wijkschouw."))
    [message] = await drain(db)
    assert message.chat_id == 42 and "wijkschouw" in message.payload["text"]
    assert "Answer from the gebiedsverbinder" in message.payload["text"]


async def test_no_answer_button_without_consent(assistant, db) -> None:
    await StaffRepository(db).add(STAFF_ID, "gebiedsverbinder", "noord")
    resident = Resident(assistant, 43)
    await start_idea(resident)
    await finish(resident, "Graag een zebrapad bij de school.", theme="verkeer", reply="no")
    await resident.press("in:send")
    [notification] = await drain(db)
    assert "st:1:reply" not in [a for row in notification.payload["buttons"] for _, a in row]
    staff = Resident(assistant, STAFF_ID)
    assert "geen toestemming" in text_of(await staff.press("st:1:reply"))
    await staff.press("st:1:af")
    assert await drain(db) == []  # the resident asked not to get messages


@pytest.mark.parametrize("action", ["ontv", "beh", "door", "af", "reply", "show"])
async def test_resident_replaying_staff_buttons_is_refused(assistant, db, submitted, action) -> None:
    intruder = Resident(assistant, 42)  # even the resident who sent it
    replies = await intruder.press(f"st:{submitted}:{action}")
    assert "Dit mag alleen de gebiedsverbinder" in text_of(replies)
    submission = await SubmissionRepository(db).get(submitted)
    assert submission.status == "nieuw"
    assert [e.action for e in await SubmissionRepository(db).events(submitted)] == ["created"]
    assert await OutboxRepository(db).pending() == []


async def test_staff_of_another_stadsdeel_is_refused(assistant, db, submitted) -> None:
    await StaffRepository(db).add(901, "gebiedsverbinder", "oost")
    replies = await Resident(assistant, 901).press(f"st:{submitted}:af")
    assert "Dit mag alleen" in text_of(replies)
    assert (await SubmissionRepository(db).get(submitted)).status == "nieuw"


@pytest.mark.parametrize("data", ["st:1", "st:x:af", "st:1:drop", "st:99:af", "op:x"])
async def test_edited_callback_data_is_refused(assistant, db, submitted, data) -> None:
    replies = await Resident(assistant, STAFF_ID).press(data)
    assert text_of(replies)  # a clear answer, never a crash
    assert (await SubmissionRepository(db).get(submitted)).status == "nieuw"


async def test_removed_staff_loses_access(assistant, db, submitted) -> None:
    await StaffRepository(db).remove(STAFF_ID)
    assert "Dit mag alleen" in text_of(await Resident(assistant, STAFF_ID).press(f"st:{submitted}:af"))


async def test_open_is_staff_only_and_lists_oldest_first(assistant, db, submitted) -> None:
    assert "alleen voor medewerkers" in text_of(await Resident(assistant, 42).say("/open"))
    staff = Resident(assistant, STAFF_ID)
    replies = await staff.say("/open")
    assert "Open voor stadsdeel Noord: 1" in text_of(replies)
    await staff.press(f"st:{submitted}:af")
    assert "Er staat niets open" in text_of(await staff.say("/open"))
    assert "gesloten" in text_of(await staff.press(f"st:{submitted}:beh"))


async def test_invite_links_once(assistant, db) -> None:
    repo = StaffRepository(db)
    code = await repo.invite("gebiedsverbinder", "oost", valid_for=dt.timedelta(hours=1))
    assert "gekoppeld als gebiedsverbinder van stadsdeel Oost" in text_of(await Resident(assistant, 700).say(
        f"/start {code}"))
    assert (await repo.get(700)).stadsdeel == "oost"
    assert "al gebruikt" in text_of(await Resident(assistant, 701).say(f"/start {code}"))
    assert await repo.get(701) is None
    assert await repo.get(702) is None
    expired = await repo.invite("gebiedsverbinder", "oost", valid_for=dt.timedelta(seconds=-1))
    assert "verlopen" in text_of(await Resident(assistant, 703).say(f"/start {expired}"))
    row = await db.fetchone("SELECT COUNT(*) FROM staff_invites WHERE code_hash = ?", (code,))
    assert row[0] == 0  # only a hash of the code is stored


async def test_history_is_append_only(db, submitted) -> None:
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        await db.execute_write("UPDATE submission_events SET text = 'x'")
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute_write("DELETE FROM submission_events")

