"""Following a wijk or theme (opt-in), /stop, and the poster link."""

from __future__ import annotations

from storage import FollowingRepository, ResidentRepository
from tests.conftest import Resident, actions_of, text_of

TRANSVAAL = "WK039210"


async def following(db, user_id: int = 42) -> list[tuple[str, str]]:
    return [(f.kind, f.code) for f in await FollowingRepository(db).of(user_id)]


async def test_after_saving_a_wijk_the_resident_is_asked_once(resident: Resident, db) -> None:
    replies = await resident.press(f"w:set:{TRANSVAAL}")
    assert "Wilt u berichten over inspraak" in text_of(replies)
    assert actions_of(replies)[-2:] == [f"f:y:{TRANSVAAL}", f"f:n:{TRANSVAAL}"]
    assert await following(db) == []  # opt-in: nothing before a yes
    assert "u krijgt geen berichten" in text_of(await resident.press(f"f:n:{TRANSVAAL}")).lower()
    assert await following(db) == []
    again = await resident.press("w:set:WK039201")
    assert "Wilt u berichten" not in text_of(again)  # asked once
    shown = await resident.press("m:wijk")
    assert "U krijgt nog geen berichten" in text_of(shown) and "f:w:WK039201" in actions_of(shown)


async def test_yes_follows_and_mijn_wijk_shows_it(resident: Resident, db) -> None:
    await resident.press(f"w:set:{TRANSVAAL}")
    assert "U volgt nu Transvaalwijk" in text_of(await resident.press(f"f:y:{TRANSVAAL}"))
    assert await following(db) == [("wijk", TRANSVAAL)]
    shown = await resident.press("m:wijk")
    assert "berichten over inspraak en nieuws voor: Transvaalwijk" in text_of(shown)
    assert f"f:u:{TRANSVAAL}" in actions_of(shown)
    assert "geen berichten meer over Transvaalwijk" in text_of(await resident.press(f"f:u:{TRANSVAAL}"))
    assert await following(db) == []


async def test_follow_more_wijken_and_themes(resident: Resident, db) -> None:
    assert "f:sd:centrum" in actions_of(await resident.press("f:more"))
    assert "f:w:WK039201" in actions_of(await resident.press("f:sd:centrum"))
    await resident.press("f:w:WK039201")
    themes = await resident.press("f:th")
    assert "f:t:groen" in actions_of(themes)
    toggled = await resident.press("f:t:groen")
    assert toggled[0].edit and "✓ Groen" in [b.label for row in toggled[0].buttons for b in row]
    assert await following(db) == [("wijk", "WK039201"), ("theme", "groen")]
    await resident.press("f:t:groen")  # again: off
    assert await following(db) == [("wijk", "WK039201")]


async def test_following_remembers_the_language_for_notices(assistant, db) -> None:
    english = Resident(assistant, 7, "en-GB")
    await english.press(f"f:w:{TRANSVAAL}")
    assert (await ResidentRepository(db).get(7)).platform_language == "en"


async def test_stop_lists_and_stops(resident: Resident, db) -> None:
    assert "geen berichten over inspraak of nieuws" in text_of(await resident.say("/stop"))
    await resident.press(f"f:w:{TRANSVAAL}")
    await resident.press("f:t:groen")
    replies = await resident.say("/stop")
    assert "Transvaalwijk" in text_of(replies) and "Groen" in text_of(replies)
    assert actions_of(replies)[:2] == ["f:stop", f"f:u:{TRANSVAAL}"]
    assert "Klaar" in text_of(await resident.press("f:stop"))
    assert await following(db) == []


async def test_stop_in_the_middle_of_a_flow_keeps_the_flow(resident: Resident, db) -> None:
    await resident.say("/idee")
    await resident.say("/stop")
    state = await resident.assistant.services.conversations.get(42)
    assert state is not None and state.flow == "intake"  # /annuleer leaves a flow, /stop stops messages


async def test_poster_link_offers_the_wijk(resident: Resident, db) -> None:
    replies = await resident.say(f"/start w-{TRANSVAAL}")
    assert "via de poster van Transvaalwijk" in text_of(replies)
    assert actions_of(replies)[:2] == [f"w:set:{TRANSVAAL}", f"f:w:{TRANSVAAL}"]
    assert "Welkom bij Wijkwijzer" in text_of(await resident.say("/start w-WK000000"))  # unknown wijk
