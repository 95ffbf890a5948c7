"""Mijn wijk: saving the resident's wijk by postcode, name, buttons or location."""

from __future__ import annotations

from flows import Incoming
from flows.types import InputKind
from storage import ResidentRepository
from tests.conftest import Resident, actions_of, text_of


async def test_unambiguous_postcode_saves_wijk(resident: Resident, db) -> None:
    assert "In welke wijk woont u?" in text_of(await resident.press("m:wijk"))
    text = text_of(await resident.say("2035 KL"))
    assert "Opgeslagen: uw wijk is Boerhaavewijk" in text
    assert (await ResidentRepository(db).get(42)).wijk_code == "WK039219"
    shown = await resident.press("m:wijk")
    assert "Uw wijk: Boerhaavewijk" in text_of(shown) and "w:change" in actions_of(shown)


async def test_ambiguous_postcode_asks_which_wijk(resident: Resident, db) -> None:
    await resident.press("m:wijk")
    replies = await resident.say("2034")
    assert "meer dan één wijk" in text_of(replies)
    assert actions_of(replies) == ["w:set:WK039218", "w:set:WK039220"]
    await resident.press("w:set:WK039220")
    assert (await ResidentRepository(db).get(42)).wijk_code == "WK039220"


async def test_stadsdeel_then_wijk_buttons(resident: Resident) -> None:
    await resident.press("m:wijk")
    replies = await resident.press("w:sd:oost")
    assert actions_of(replies) == ["w:set:WK039206", "w:set:WK039207", "w:set:WK039208", "w:set:WK039209"]


async def test_location_inside_and_outside_haarlem(resident: Resident, db) -> None:
    await resident.press("m:wijk")
    outside = Incoming(42, InputKind.LOCATION, latitude=52.37, longitude=4.90, language_code="nl")  # Amsterdam
    replies = await resident.send(outside)
    assert "niet in Haarlem" in text_of(replies) and "In welke wijk woont u?" in text_of(replies)
    grote_markt = Incoming(42, InputKind.LOCATION, latitude=52.3812, longitude=4.6366, language_code="nl")
    assert "Oude Stad" in text_of(await resident.send(grote_markt))
    assert (await ResidentRepository(db).get(42)).wijk_code == "WK039201"


async def test_location_outside_a_flow_offers_to_save(resident: Resident) -> None:
    here = Incoming(42, InputKind.LOCATION, latitude=52.3812, longitude=4.6366, language_code="nl")
    replies = await resident.send(here)
    assert "Deze locatie ligt in Oude Stad" in text_of(replies) and "w:set:WK039201" in actions_of(replies)


async def test_forget_wijk(resident: Resident, db) -> None:
    await resident.press("w:set:WK039201")
    assert "vergeten" in text_of(await resident.press("w:forget"))
    assert (await ResidentRepository(db).get(42)).wijk_code is None


async def test_unknown_wijk_code_is_refused(resident: Resident, db) -> None:
    assert "Die wijk ken ik niet" in text_of(await resident.press("w:set:WK999999"))
    assert await ResidentRepository(db).get(42) is None
