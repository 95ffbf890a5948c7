"""Authorisation in one place: every staff command and button, tried by people who may not use it.

The lists below must name an example of every staff command and staff button the flows declare
(the first test fails when a new one is added without an example here), and each example is tried
as a resident and as a gebiedsverbinder of another stadsdeel: a refusal, and no change in any table.
"""

from __future__ import annotations

import datetime as dt

import pytest

from flows.assistant import route_table
from storage import Database, NewSubmission, StaffRepository, SubmissionRepository
from storage.inspraak import InspraakRepository, NewWindow
from tests.conftest import Resident, text_of

# Examples of staff buttons, by prefix: submission 1 is handled by Noord, window 1 is for Noord.
STAFF_BUTTONS = {
    "st": ["st:1:show", "st:1:ontv", "st:1:beh", "st:1:door", "st:1:af", "st:1:reply"],
    "op": ["op:0", "op:1"],
    "ib": ["ib:list", "ib:new", "ib:cancel:1", "ib:cancelyes:1", "ib:save", "ib:city", "ib:sd:noord",
           "ib:sdall:noord", "ib:w:WK039210", "ib:skip", "ib:stop"],
    "dg": ["dg:when:daily", "dg:when:weekly", "dg:day:3", "dg:how:email", "dg:empty:on", "dg:email"],
}
REFUSALS = ("alleen voor medewerkers", "alleen de gebiedsverbinder", "niet beheren", "alleen voor gebiedsverbinders",
            "Dit commando is alleen", "eerder gesprek")
RESIDENT, OUTSIDER, NOORD = 42, 7001, 7002


def test_every_staff_action_has_an_example() -> None:
    table = route_table()
    assert {b.prefix for b in table.staff_buttons()} == set(STAFF_BUTTONS)
    for prefix, examples in STAFF_BUTTONS.items():
        for action in examples:
            found = table.button(action)
            assert found is not None and found[0].prefix == prefix, action


def staff_commands() -> list[str]:
    return [f"/{name}" for c in route_table().commands() if c.staff for name in c.names()]


async def snapshot(db: Database) -> dict[str, list[tuple]]:
    tables = [r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: [tuple(r) for r in await db.fetchall(f"SELECT * FROM {t}")] for t in tables}


@pytest.fixture
async def world(db: Database) -> None:
    staff = StaffRepository(db)
    await staff.add(OUTSIDER, "gebiedsverbinder", "centrum")
    await staff.add(NOORD, "gebiedsverbinder", "noord")
    await SubmissionRepository(db).create(NewSubmission(
        user_id=5, kind="idee", wijk_code="WK039210", stadsdeel="noord", handled_by="noord", theme="groen",
        text="Een bankje bij de speeltuin graag.", latitude=None, longitude=None, consent_reply=True,
        resident_name=None, language="nl"), lambda s: [])
    now = dt.datetime.now(dt.UTC)
    await InspraakRepository(db).create(NewWindow("Noord", now + dt.timedelta(days=1), now + dt.timedelta(days=9),
                                                  scope=(("stadsdeel", "noord"),)))


@pytest.mark.parametrize("who", [RESIDENT, OUTSIDER])
@pytest.mark.parametrize("action", [a for examples in STAFF_BUTTONS.values() for a in examples] + staff_commands())
async def test_refused_and_nothing_changes(assistant, db, world, who: int, action: str) -> None:
    if who == OUTSIDER and action in ("/open", "op:0", "op:1", "ib:list", "/inspraakbeheer", "/manageconsultation",
                                      "ib:new", "ib:stop", "ib:skip", "ib:save"):
        pytest.skip("staff of another stadsdeel may use it for their own stadsdeel (tested elsewhere)")
    if who == OUTSIDER and (action.startswith("dg:") or action in ("/digest", "/overzicht")):
        pytest.skip("every gebiedsverbinder sets their own digest (tests/flows/test_digest.py)")
    person = Resident(assistant, who)
    before = await snapshot(db)
    replies = await (person.say(action) if action.startswith("/") else person.press(action))
    assert any(r in text_of(replies) for r in REFUSALS), (action, text_of(replies))
    assert await snapshot(db) == before


async def test_the_right_gebiedsverbinder_may(assistant, db, world) -> None:
    person = Resident(assistant, NOORD)
    assert "heeft nu de status Ontvangen" in text_of(await person.press("st:1:ontv"))
    assert "is geannuleerd" in text_of(await person.press("ib:cancelyes:1"))
