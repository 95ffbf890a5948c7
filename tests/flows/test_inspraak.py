"""Inspraak for residents (/inspraak) and for staff (/inspraakbeheer)."""

from __future__ import annotations

import datetime as dt

import pytest

from storage import FollowingRepository, StaffRepository
from storage.inspraak import InspraakRepository, NewWindow
from storage.timestamps import ManualClock, use_clock
from tests.conftest import Resident, actions_of, text_of

TRANSVAAL, OUDE_STAD = "WK039210", "WK039201"
NOW = dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with use_clock(ManualClock(NOW)) as manual:
        yield manual


async def add(db, title: str, opens_days: float, closes_days: float, scope=()) -> int:
    window = await InspraakRepository(db).create(NewWindow(
        title, NOW + dt.timedelta(days=opens_days), NOW + dt.timedelta(days=closes_days), scope=tuple(scope),
        summary=f"Over {title}.", url="https://www.haarlem.nl/inspraak"))
    return window.id


async def test_listing_shows_my_wijk_first_then_city_wide(resident: Resident, db) -> None:
    await add(db, "Stadsvisie", -1, 20)
    await add(db, "Speeltuin", 2, 10, [("wijk", TRANSVAAL)])
    await add(db, "Oude Stad parkeren", -1, 10, [("wijk", OUDE_STAD)])  # not mine
    await add(db, "Later", 40, 60)  # opens in more than 30 days
    await add(db, "Voorbij", -10, -1)  # closed
    await FollowingRepository(db).follow(42, "wijk", TRANSVAAL)
    text = text_of(await resident.say("/inspraak"))
    assert text.index("Speeltuin") < text.index("Stadsvisie")
    assert "Oude Stad parkeren" not in text and "Later" not in text and "Voorbij" not in text
    assert "Van donderdag 3 december 2026, 12:00 tot vrijdag 11 december 2026, 12:00." in text
    assert "Nu open, tot" in text and "Voor: heel Haarlem" in text and "https://www.haarlem.nl/inspraak" in text


async def test_listing_in_english(assistant, db) -> None:
    await add(db, "Stadsvisie", 1, 20)
    text = text_of(await Resident(assistant, 8, "en").say("/consultation"))
    assert "From Wednesday 2 December 2026, 12:00 until Monday 21 December 2026, 12:00." in text


async def test_nothing_relevant_says_so_and_offers_to_follow(resident: Resident, db) -> None:
    await add(db, "Oude Stad parkeren", -1, 10, [("wijk", OUDE_STAD)])
    replies = await resident.press("m:inspraak")
    assert "Er is geen inspraak" in text_of(replies)
    assert actions_of(replies)[:2] == ["m:wijk", "t:inspraak"]


async def staff(db, user_id: int, role: str, stadsdeel: str | None) -> None:
    await StaffRepository(db).add(user_id, role, stadsdeel)


async def test_staff_add_a_window_step_by_step(assistant, db) -> None:
    await staff(db, 900, "staff", None)
    member = Resident(assistant, 900)
    assert "ib:new" in actions_of(await member.say("/inspraakbeheer"))
    await member.press("ib:new")
    assert "Die datum en tijd kan ik niet lezen" not in text_of(await member.say("Speeltuin Transvaalplein"))
    assert "kan ik niet lezen" in text_of(await member.say("morgen"))
    assert "meer dan een dag in het verleden" in text_of(await member.say("01-11-2026 09:00"))
    await member.say("02-12-2026 09:00")
    assert "na het openen" in text_of(await member.say("01-12-2026 17:00"))
    scope = await member.say("20-12-2026 17:00")
    assert actions_of(scope)[0] == "ib:city"
    assert f"ib:w:{TRANSVAAL}" in actions_of(await member.press("ib:sd:noord"))
    await member.press(f"ib:w:{TRANSVAAL}")
    assert "http" in text_of(await member.say("ftp://x"))
    await member.say("https://www.haarlem.nl/speeltuin")
    check = await member.press("ib:skip")
    assert "Controleer" in text_of(check) and "Voor: Transvaalwijk" in text_of(check)
    assert "Opgeslagen als #1" in text_of(await member.press("ib:save"))
    window = await InspraakRepository(db).get(1)
    assert window.scope == (("wijk", TRANSVAAL),) and window.url == "https://www.haarlem.nl/speeltuin"
    assert window.opens_at == dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)  # 09:00 in Amsterdam


async def test_a_gebiedsverbinder_manages_only_their_stadsdeel(assistant, db) -> None:
    await staff(db, 901, "gebiedsverbinder", "noord")
    member = Resident(assistant, 901)
    await member.press("ib:new")
    for typed in ("Speeltuin", "02-12-2026 09:00", "20-12-2026 17:00"):
        scope = await member.say(typed)
    assert actions_of(scope) == ["ib:sd:noord"]  # no city-wide, no other stadsdeel
    assert "eerdere vraag" in text_of(await member.press("ib:sd:centrum"))
    assert "eerdere vraag" in text_of(await member.press("ib:city"))
    other = await add(db, "Oude Stad", 1, 10, [("wijk", OUDE_STAD)])
    assert "niet beheren" in text_of(await member.press(f"ib:cancelyes:{other}"))
    assert (await InspraakRepository(db).get(other)).cancelled_at is None
    own = await add(db, "Noord", 1, 10, [("stadsdeel", "noord")])
    assert "is geannuleerd" in text_of(await member.press(f"ib:cancelyes:{own}"))


@pytest.mark.parametrize("action", ["/inspraakbeheer", "ib:new", "ib:list", "ib:cancel:1", "ib:cancelyes:1",
                                    "ib:save", "ib:city"])
async def test_residents_cannot_manage_inspraak(resident: Resident, db, action: str) -> None:
    await add(db, "Stadsvisie", 1, 20)
    replies = await (resident.say(action) if action.startswith("/") else resident.press(action))
    assert "alleen voor medewerkers" in text_of(replies)
    assert (await InspraakRepository(db).get(1)).cancelled_at is None
    assert len(await InspraakRepository(db).all()) == 1
