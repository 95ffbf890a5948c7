"""Telegram's 64-byte limit on button data, tested on the real screens with the largest ids.

``Button`` refuses an action over 64 bytes, but then the screen fails for the resident. Here every
screen a resident and a gebiedsverbinder can reach by pressing buttons (and the messages queued for
them) is built with 12-digit ids, the largest the route table accepts; every button must fit in
64 bytes and be understood again when it comes back.
"""

from __future__ import annotations

import datetime as dt
from collections import deque

from flows import Assistant
from flows.assistant import route_table
from flows.types import MAX_ACTION_BYTES
from storage import Database, NewSubmission, OutboxRepository, StaffRepository, SubmissionRepository
from storage.inspraak import InspraakRepository, NewWindow
from tests.conftest import Resident, actions_of
from tests.flows.test_intake import finish, start_idea

LARGEST = 999_999_999_999  # 12 digits: what button patterns accept (flows.dispatch.ID)
RESIDENT, STAFF = 8_888_888_888, 9_999_999_999  # Telegram ids are 10 digits and growing
# Pressed only to see them, never: they close or send what the other screens need.
NOT_PRESSED = (":withdraw:yes", "ib:cancelyes:", "in:send", ":ontv", ":beh", ":door", ":af")


async def largest_ids(db: Database) -> None:
    """The next submission and window get the id LARGEST (SQLite takes the highest id plus one)."""
    await db.execute_write(
        "INSERT INTO submissions (id, reference, user_id, kind, wijk_code, stadsdeel, handled_by, theme, text,"
        " consent_reply, language, status) VALUES (?, 'WW-0001-0001', 1, 'idee', 'WK039202', 'zuidwest',"
        " 'zuidwest', 'groen', 'x', 0, 'nl', 'afgerond')", (LARGEST - 1,))
    await db.execute_write(
        "INSERT INTO inspraak_windows (id, title_nl, opens_at, closes_at) VALUES (?, 'x', '2000-01-01T00:00:00Z',"
        " '2000-01-02T00:00:00Z')", (LARGEST - 1,))


async def crawl(person: Resident, start: list[str], seen: set[str], limit: int = 400) -> None:
    """Say each of ``start``, then press every button that appears (breadth first), noting every action."""
    queue: deque[str] = deque()

    def note(actions: list[str]) -> None:
        for action in actions:
            if action not in seen:
                seen.add(action)
                if not any(marker in action for marker in NOT_PRESSED):
                    queue.append(action)

    for text in start:
        note(actions_of(await person.say(text)))
    presses = 0
    while queue and presses < limit:
        note(actions_of(await person.press(queue.popleft())))
        presses += 1


def queued_actions(messages: list) -> set[str]:
    return {action for m in messages for row in m.payload.get("buttons", []) for _label, action in row}


async def test_every_button_fits_with_the_largest_ids(assistant: Assistant, db: Database) -> None:
    await largest_ids(db)
    await StaffRepository(db).add(STAFF, "gebiedsverbinder", "noord")
    now = dt.datetime.now(dt.UTC)
    window = await InspraakRepository(db).create(NewWindow(
        "Herinrichting Vogelenwijk", now + dt.timedelta(days=2), now + dt.timedelta(days=30),
        scope=(("stadsdeel", "noord"),)))
    assert window.id == LARGEST

    resident = Resident(assistant, RESIDENT)
    await start_idea(resident)
    await finish(resident)
    await resident.press("in:send")
    submission = (await SubmissionRepository(db).for_resident(RESIDENT, 1))[0][0]
    assert submission.id == LARGEST
    outbox = OutboxRepository(db)
    queued = queued_actions(await outbox.pending())  # the card the gebiedsverbinder gets
    await Resident(assistant, STAFF).press(f"st:{LARGEST}:beh")
    queued |= queued_actions(await outbox.pending())  # and the news the resident gets

    seen: set[str] = set()
    await crawl(resident, ["/start", "/mijn", "/idee", "/inspraak", "/help"], seen)
    await crawl(Resident(assistant, STAFF), ["/open", "/inspraakbeheer"], seen)
    assert queued <= seen  # what the messages carry, the screens carry too

    # the screens that carry the largest ids were reached
    assert {f"my:{LARGEST}", f"my:{LARGEST}:info", f"my:{LARGEST}:withdraw", f"my:{LARGEST}:withdraw:yes",
            f"st:{LARGEST}:show", f"st:{LARGEST}:reply", f"st:{LARGEST}:af", f"ib:cancel:{LARGEST}",
            f"ib:cancelyes:{LARGEST}"} <= seen
    table = route_table()
    too_long = [a for a in seen if len(a.encode("utf-8")) > MAX_ACTION_BYTES]
    assert too_long == []
    not_understood = [a for a in seen if table.button(a) is None]
    assert not_understood == []
    assert len(seen) > 100, len(seen)  # the crawl reached the topics, wijken and staff screens, not just a menu


async def test_the_largest_ids_still_work_when_pressed(assistant: Assistant, db: Database) -> None:
    """The route table takes 12 digits; storage must too (SQLite integers are 64-bit)."""
    await largest_ids(db)
    await StaffRepository(db).add(STAFF, "gebiedsverbinder", "noord")
    await SubmissionRepository(db).create(NewSubmission(
        user_id=RESIDENT, kind="idee", wijk_code="WK039210", stadsdeel="noord", handled_by="noord", theme="groen",
        text="Een bankje bij de speeltuin graag.", latitude=None, longitude=None, consent_reply=True,
        resident_name=None, language="nl"), lambda s: [])
    resident, staff = Resident(assistant, RESIDENT), Resident(assistant, STAFF)
    assert "Geschiedenis" in "\n".join(r.text for r in await resident.press(f"my:{LARGEST}"))
    assert "status Ontvangen" in "\n".join(r.text for r in await staff.press(f"st:{LARGEST}:ontv"))
