"""Contact: finding the gebiedsverbinder, with the state kept in the database."""

from __future__ import annotations

from flows import Assistant, Incoming
from flows.types import InputKind
from storage import ConversationRepository, Database
from tests.conftest import Resident, actions_of, text_of


async def test_contact_asks_stadsdeel_and_answers_typed_wijk(resident: Resident, db: Database) -> None:
    replies = await resident.press("m:contact")
    assert "Over welk stadsdeel gaat het?" in text_of(replies)
    assert actions_of(replies) == ["sd:centrum", "sd:noord", "sd:oost", "sd:schalkwijk", "sd:zuidwest", "sd:all"]
    state = await ConversationRepository(db).get(42)
    assert (state.flow, state.step) == ("contact", "ask_stadsdeel")

    text = text_of(await resident.say("garenkokers"))
    assert "Zijlwegkwartier ligt in stadsdeel Zuidwest" in text and "Mirjam Boxhoorn" in text
    assert await ConversationRepository(db).get(42) is None


async def test_contact_button_and_all(resident: Resident) -> None:
    await resident.say("/contact")
    assert "Rosa Kant" in text_of(await resident.press("sd:oost"))
    everyone = text_of(await resident.press("sd:all"))
    for name in ("Michel de Graaf", "Karin Kranendonk", "Rosa Kant", "Ingrid Hamer", "Mirjam Boxhoorn"):
        assert name in everyone


async def test_contact_state_survives_a_restart(db_path: str, content) -> None:
    """A new process (new Database and Assistant) continues the flow where the resident was."""
    first = await Database.open(db_path)
    await Resident(Assistant.create(first, content)).press("m:contact")
    await first.close()

    second = await Database.open(db_path)
    try:
        text = text_of(await Resident(Assistant.create(second, content)).say("Vogelenwijk"))
        assert "Karin Kranendonk" in text
    finally:
        await second.close()


async def test_unrecognised_answer_asks_again(resident: Resident) -> None:
    await resident.press("m:contact")
    replies = await resident.say("bla bla")
    assert "Dat herken ik niet" in text_of(replies) and "Over welk stadsdeel" in text_of(replies)


async def test_clear_question_in_contact_step_is_answered(resident: Resident, db: Database) -> None:
    await resident.press("m:contact")
    text = text_of(await resident.say("hoeveel subsidie krijgt een wijkplatform"))
    assert "€ 5.000" in text
    assert await ConversationRepository(db).get(42) is None


async def test_unsupported_media_mid_flow_explains_and_asks_again(resident: Resident) -> None:
    await resident.press("m:contact")
    replies = await resident.send(Incoming(42, InputKind.UNSUPPORTED, media="voice", language_code="nl"))
    assert "kan ik niet lezen" in replies[0].text
    assert "Over welk stadsdeel" in replies[1].text


async def test_cancel_leaves_the_flow(resident: Resident, db: Database) -> None:
    await resident.press("m:contact")
    assert "Gestopt" in text_of(await resident.say("/annuleer"))
    assert await ConversationRepository(db).get(42) is None
    assert "niets om te stoppen" in text_of(await resident.say("/annuleer"))


async def test_tampered_stadsdeel_is_refused(resident: Resident) -> None:
    assert "Dat stadsdeel ken ik niet" in text_of(await resident.press("sd:atlantis"))


async def test_saved_wijk_gives_own_gebiedsverbinder_at_once(resident: Resident) -> None:
    await resident.press("w:set:WK039201")
    replies = await resident.press("m:contact")
    assert "Michel de Graaf" in text_of(replies) and "c:pick" in actions_of(replies)
