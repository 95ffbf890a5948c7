"""Mijn meldingen: only your own, with history; add information; withdraw."""

from __future__ import annotations

from storage import Database, OutboxRepository, StaffRepository, SubmissionRepository
from tests.conftest import Resident, actions_of, text_of
from tests.flows.test_intake import finish, start_idea


async def send_one(resident: Resident) -> None:
    await start_idea(resident)
    await finish(resident)
    await resident.press("in:send")


async def test_list_history_and_privacy(assistant, db: Database) -> None:
    await StaffRepository(db).add(900, "gebiedsverbinder", "noord")
    owner, other = Resident(assistant, 42), Resident(assistant, 43)
    assert "U heeft nog niets gestuurd" in text_of(await owner.say("/mijn"))
    await send_one(owner)
    await Resident(assistant, 900).press("st:1:beh")
    await Resident(assistant, 900).press("st:1:reply")
    await Resident(assistant, 900).say("We kijken ernaar tijdens de wijkschouw.")

    listing = await owner.say("/mijn")
    assert "Wat u stuurde (1)" in text_of(listing) and "In behandeling" in text_of(listing)
    assert "Antwoord: We kijken ernaar" in text_of(listing)
    detail = await owner.press("my:1")
    text = text_of(detail)
    assert "Geschiedenis:" in text and ": verstuurd" in text and ": status In behandeling" in text
    assert "antwoord van de gebiedsverbinder: We kijken ernaar" in text
    assert actions_of(detail)[:2] == ["my:1:info", "my:1:withdraw"]

    assert "U heeft nog niets gestuurd" in text_of(await other.say("/mijn"))
    for action in ("my:1", "my:1:info", "my:1:withdraw", "my:1:withdraw:yes"):
        assert "kan ik niet vinden" in text_of(await other.press(action))
    assert (await SubmissionRepository(db).get(1)).status == "in_behandeling"


async def test_add_information_reaches_staff(assistant, db: Database) -> None:
    await StaffRepository(db).add(900, "gebiedsverbinder", "noord")
    owner = Resident(assistant, 42)
    await send_one(owner)
    outbox = OutboxRepository(db)
    for message in await outbox.pending():
        await outbox.mark_sent(message.id)
    await owner.press("my:1:info")
    assert "Gebruik 10 tot 2000 tekens" in text_of(await owner.say("kort"))
    assert "Toegevoegd aan" in text_of(await owner.say("Het gaat vooral om de kant bij de speeltuin."))
    [message] = await outbox.pending()
    assert message.chat_id == 900 and "informatie toegevoegd" in message.payload["text"]


async def test_withdraw_asks_first_and_closes(assistant, db: Database) -> None:
    owner = Resident(assistant, 42)
    await send_one(owner)
    assert "Wilt u" in text_of(await owner.press("my:1:withdraw"))
    assert (await SubmissionRepository(db).get(1)).status == "nieuw"
    assert "is ingetrokken" in text_of(await owner.press("my:1:withdraw:yes"))
    assert (await SubmissionRepository(db).get(1)).status == "ingetrokken"
    assert "al gesloten" in text_of(await owner.press("my:1:withdraw:yes"))
    assert "gesloten" in text_of(await owner.press("my:1:info"))
