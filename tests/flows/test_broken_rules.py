"""Rules that no other test noticed when they were broken, one at a time (issue 10).

Each test here was checked by breaking its rule in the code and seeing it fail:
- /mijn's list query without the resident filter (only the count query kept it);
- the outbox rows of a submission or status change written in a second write, after its transaction;
- a routing rule's conditions joined with ``any`` instead of ``all``;
- a typed staff answer no longer checked again when it arrives;
- /mijn and /open paging ignoring the page.
"""

from __future__ import annotations

import sqlite3

import pytest

from content import load_content
from flows import Assistant
from storage import (
    ConversationRepository,
    Database,
    NewSubmission,
    OutboxRepository,
    StaffRepository,
    SubmissionRepository,
)
from tests.conftest import Resident, actions_of, text_of
from tests.flows.test_intake import finish, start_idea

STAFF = 900
REFUSED = "Dit mag alleen de gebiedsverbinder"


async def submit(db: Database, user_id: int, *, stadsdeel: str = "noord", wijk: str = "WK039210",
                 text: str = "Een bankje bij de speeltuin graag.") -> int:
    """A submission stored as the intake stores it (consent to answers given); returns its id."""
    submission = await SubmissionRepository(db).create(NewSubmission(
        user_id=user_id, kind="idee", wijk_code=wijk, stadsdeel=stadsdeel, handled_by=stadsdeel, theme="groen",
        text=text, latitude=None, longitude=None, consent_reply=True, resident_name=None, language="nl"),
        lambda s: [])
    return submission.id


async def references(db: Database, ids: list[int]) -> list[str]:
    return [(await SubmissionRepository(db).get(i)).reference for i in ids]


async def count(db: Database, table: str) -> int:
    return (await db.fetchone(f"SELECT COUNT(*) FROM {table}"))[0]


# ---------------------------------------------------------------- /mijn shows only your own

async def test_mine_lists_only_the_residents_own_submissions(assistant, db: Database) -> None:
    first = [await submit(db, 42), await submit(db, 42)]
    second = [await submit(db, 43), await submit(db, 43)]
    first_refs, second_refs = await references(db, first), await references(db, second)
    for user_id, own, others, other_refs in ((42, first, second, second_refs), (43, second, first, first_refs)):
        listing = await Resident(assistant, user_id).say("/mijn")
        text, actions = text_of(listing), actions_of(listing)
        assert f"({len(own)})" in text
        assert {f"my:{i}" for i in own} <= set(actions)
        assert not {f"my:{i}" for i in others} & set(actions), actions
        assert not any(reference in text for reference in other_refs), text


# ---------------------------------------------------------------- a notification is queued with its cause, or neither

@pytest.fixture
async def refusing_outbox(db: Database):
    """Queuing a notification fails (the database refuses every new outbox row) until undone."""

    async def refuse() -> None:
        await db.execute_write("CREATE TEMP TRIGGER outbox_refuses BEFORE INSERT ON main.outbox "
                               "BEGIN SELECT RAISE(ABORT, 'the outbox refuses'); END")

    async def allow() -> None:
        await db.execute_write("DROP TRIGGER temp.outbox_refuses")

    return refuse, allow


async def test_a_submission_whose_notification_fails_is_not_stored(assistant, db: Database,
                                                                   refusing_outbox) -> None:
    refuse, allow = refusing_outbox
    await StaffRepository(db).add(STAFF, "gebiedsverbinder", "noord")
    resident = Resident(assistant, 42)
    await start_idea(resident)
    await finish(resident)
    await refuse()
    with pytest.raises(sqlite3.DatabaseError):
        await resident.press("in:send")
    assert await count(db, "submissions") == 0 and await count(db, "submission_events") == 0
    assert await count(db, "outbox") == 0
    assert (await ConversationRepository(db).get(42)).step == "summary"  # the draft is kept: send again

    await allow()
    assert "Verstuurd" in text_of(await resident.press("in:send"))
    assert await count(db, "submissions") == 1
    assert [m.chat_id for m in await OutboxRepository(db).pending()] == [STAFF]


async def test_a_status_change_whose_notification_fails_is_not_stored(assistant, db: Database,
                                                                      refusing_outbox) -> None:
    refuse, _allow = refusing_outbox
    await StaffRepository(db).add(STAFF, "gebiedsverbinder", "noord")
    submission_id = await submit(db, 42)
    await refuse()
    with pytest.raises(sqlite3.DatabaseError):
        await Resident(assistant, STAFF).press(f"st:{submission_id}:beh")
    assert (await SubmissionRepository(db).get(submission_id)).status == "nieuw"
    assert [e.action for e in await SubmissionRepository(db).events(submission_id)] == ["created"]
    assert await count(db, "outbox") == 0


async def test_an_addition_whose_notification_fails_is_not_stored(assistant, db: Database, refusing_outbox) -> None:
    refuse, _allow = refusing_outbox
    await StaffRepository(db).add(STAFF, "gebiedsverbinder", "noord")
    submission_id = await submit(db, 42)
    resident = Resident(assistant, 42)
    await resident.press(f"my:{submission_id}:info")
    await refuse()
    with pytest.raises(sqlite3.DatabaseError):
        await resident.say("Het gaat vooral om de kant bij de speeltuin.")
    assert [e.action for e in await SubmissionRepository(db).events(submission_id)] == ["created"]
    assert await count(db, "outbox") == 0


# ---------------------------------------------------------------- a routing rule needs all its conditions

ROUTING = """
rules:
  - {theme: verkeer, stadsdeel: centrum, route_to: oost}
"""


@pytest.mark.parametrize(("wijk", "theme", "handled_by"), [
    ("Vogelenwijk", "verkeer", "noord"),  # the theme matches, the stadsdeel does not: its own stadsdeel
    ("Oude Stad", "groen", "centrum"),  # the stadsdeel matches, the theme does not: its own stadsdeel
    ("Oude Stad", "verkeer", "oost"),  # both match: the rule decides
])
async def test_a_rule_routes_only_what_matches_all_its_conditions(db: Database, tmp_path, wijk: str, theme: str,
                                                                  handled_by: str) -> None:
    (tmp_path / "routing.yaml").write_text(ROUTING, encoding="utf-8")
    assistant = Assistant.create(db, load_content(tmp_path))
    resident = Resident(assistant, 42)
    await start_idea(resident, wijk)
    await finish(resident, theme=theme)
    await resident.press("in:send")
    assert (await SubmissionRepository(db).get(1)).handled_by == handled_by


# ---------------------------------------------------------------- a typed staff answer is authorised when it arrives

async def removed(db: Database, submission_id: int) -> None:
    await StaffRepository(db).remove(STAFF)


async def rerouted(db: Database, submission_id: int) -> None:
    await db.execute_write("UPDATE submissions SET handled_by = 'oost' WHERE id = ?", (submission_id,))


@pytest.mark.parametrize("meanwhile", [removed, rerouted])
async def test_a_typed_answer_is_refused_after_losing_the_submission(assistant, db: Database, meanwhile) -> None:
    await StaffRepository(db).add(STAFF, "gebiedsverbinder", "noord")
    submission_id = await submit(db, 42)
    staff = Resident(assistant, STAFF)
    assert "Typ uw antwoord" in text_of(await staff.press(f"st:{submission_id}:reply"))
    await meanwhile(db, submission_id)
    replies = await staff.say("Goed idee, ik neem het mee naar de wijkschouw.")
    assert REFUSED in text_of(replies)
    assert [e.action for e in await SubmissionRepository(db).events(submission_id)] == ["created"]
    assert await count(db, "outbox") == 0


# ---------------------------------------------------------------- the next page shows the next ones

async def test_mine_next_page_shows_the_older_ones(assistant, db: Database) -> None:
    ids = [await submit(db, 42) for _ in range(7)]  # /mijn: newest first, five to a page
    refs = await references(db, ids)
    resident = Resident(assistant, 42)
    first = await resident.say("/mijn")
    assert "myp:1" in actions_of(first)
    assert [a for a in actions_of(first) if a.startswith("my:")] == [f"my:{i}" for i in reversed(ids[2:])]
    second = await resident.press("myp:1")
    assert [a for a in actions_of(second) if a.startswith("my:")] == [f"my:{ids[1]}", f"my:{ids[0]}"]
    assert refs[0] in text_of(second) and refs[6] not in text_of(second)
    assert "myp:0" in actions_of(second) and "myp:2" not in actions_of(second)


async def test_open_next_page_shows_the_newer_ones(assistant, db: Database) -> None:
    await StaffRepository(db).add(STAFF, "gebiedsverbinder", "noord")
    ids = [await submit(db, 42) for _ in range(7)]  # /open: oldest first, five to a page
    refs = await references(db, ids)
    staff = Resident(assistant, STAFF)
    first = await staff.say("/open")
    assert "op:1" in actions_of(first)
    assert [a for a in actions_of(first) if a.startswith("st:")] == [f"st:{i}:show" for i in ids[:5]]
    second = await staff.press("op:1")
    assert [a for a in actions_of(second) if a.startswith("st:")] == [f"st:{i}:show" for i in ids[5:]]
    assert refs[6] in text_of(second) and refs[0] not in text_of(second)
    assert "op:0" in actions_of(second) and "op:2" not in actions_of(second)
