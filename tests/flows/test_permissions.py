"""Authorisation in one place: every staff command and button, tried by people who may not use it.

The lists below must name an example of every staff command and staff button the flows declare
(the first test fails when a new one is added without an example here), and each example is tried
as a resident and as a gebiedsverbinder of another stadsdeel: a refusal, and no change in any table.
"""

from __future__ import annotations

import datetime as dt

import pytest

from flows.assistant import route_table
from storage import Database, FollowingRepository, NewSubmission, StaffRepository, SubmissionRepository
from storage.broadcasts import BroadcastRepository, NewBroadcast, areas_of
from storage.inspraak import InspraakRepository, NewWindow
from tests.conftest import Resident, text_of

# Examples of staff buttons, by prefix: submission 1 is handled by Noord, window 1 is for Noord.
STAFF_BUTTONS = {
    "st": ["st:1:show", "st:1:ontv", "st:1:beh", "st:1:door", "st:1:af", "st:1:reply"],
    "op": ["op:0", "op:1"],
    "ib": ["ib:list", "ib:new", "ib:cancel:1", "ib:cancelyes:1", "ib:save", "ib:city", "ib:sd:noord",
           "ib:sdall:noord", "ib:w:WK039210", "ib:skip", "ib:stop"],
    # broadcast 1 goes to followers in Noord
    "om": ["om:pause:1", "om:resume:1", "om:cancel:1", "om:cancelyes:1", "om:keep:1",
           "om:skip", "om:all", "om:sdl", "om:sd:noord", "om:wk",
           "om:wsd:noord", "om:w:WK039210", "om:wdone", "om:th", "om:t:groen", "om:gv", "om:now", "om:send",
           "om:force", "om:edit", "om:e:aud", "om:stop"],
    "dg": ["dg:when:daily", "dg:when:weekly", "dg:day:3", "dg:time", "dg:at:0700", "dg:how:email", "dg:empty:on",
           "dg:email"],
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
    await FollowingRepository(db).follow(5, "wijk", "WK039210")
    await BroadcastRepository(db, {"noord": ("WK039210",)}).create(
        NewBroadcast("Hallo Noord", (("stadsdeel", "noord"),), created_by=NOORD), {"nl": {"text": "Hallo"},
                                                                                  "en": {"text": "Hello"}})


@pytest.mark.parametrize("who", [RESIDENT, OUTSIDER])
@pytest.mark.parametrize("action", [a for examples in STAFF_BUTTONS.values() for a in examples] + staff_commands())
async def test_refused_and_nothing_changes(assistant, db, world, who: int, action: str) -> None:
    if who == OUTSIDER and action in ("/open", "op:0", "op:1", "ib:list", "/inspraakbeheer", "/manageconsultation",
                                      "ib:new", "ib:stop", "ib:skip", "ib:save", "/omroep", "/broadcast"):
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


async def test_gebiedsverbinder_cannot_reach_outside_their_stadsdeel(assistant, db, world, content) -> None:
    """Mid-dialogue, with the buttons of another stadsdeel (or city-wide ones) forged: refused, nothing changes."""
    person = Resident(assistant, OUTSIDER)
    await person.say("/omroep")
    await person.say("Hallo allemaal")
    await person.press("om:skip")
    for action in ("om:sd:noord", "om:wsd:noord", "om:w:WK039210", "om:all", "om:gv", "om:th", "om:t:groen",
                   "om:pause:1", "om:resume:1", "om:cancel:1", "om:cancelyes:1", "om:keep:1"):
        before = await snapshot(db)
        replies = await person.press(action)
        assert any(r in text_of(replies) for r in REFUSALS + ("eerdere vraag",)), (action, text_of(replies))
        assert await snapshot(db) == before, action
    # A draft whose audience was forged into the conversation state: refused when sending, nothing queued.
    state = await assistant.services.conversations.get(OUTSIDER)
    await person.press("om:sd:centrum")
    await person.press("om:now")
    from storage import ConversationState

    await assistant.services.conversations.save(OUTSIDER, ConversationState(
        "omroep", "confirm", {**state.data, "audience": [["stadsdeel", "noord"]]}))
    outbox_before = (await db.fetchone("SELECT COUNT(*) FROM outbox"))[0]
    assert "niet beheren" in text_of(await person.press("om:send"))
    assert (await db.fetchone("SELECT COUNT(*) FROM outbox"))[0] == outbox_before
    assert len(await BroadcastRepository(db, areas_of(content.stadsdelen)).all()) == 1


async def test_the_right_gebiedsverbinder_may_pause_a_broadcast(assistant, db, world) -> None:
    assert "Gepauzeerd" in text_of(await Resident(assistant, NOORD).press("om:pause:1"))
