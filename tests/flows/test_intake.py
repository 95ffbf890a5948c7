"""Idee of signaal doorgeven: every path of the intake, and what sending stores and queues."""

from __future__ import annotations

import pytest

from content import load_content
from flows import Assistant, Incoming
from flows.types import InputKind
from storage import ConversationRepository, Database, OutboxRepository, StaffRepository, SubmissionRepository
from tests.conftest import Resident, actions_of, text_of


async def start_idea(resident: Resident, wijk_text: str = "Vogelenwijk") -> None:
    if "in:restart" in actions_of(await resident.say("/idee")):
        await resident.press("in:restart")
    await resident.press("in:kind:idee")
    await resident.say(wijk_text)


async def finish(resident: Resident, text: str | None = "Graag meer bankjes in het park bij de vijver.", *,
                 theme: str = "groen", reply: str = "yes", name: str = "no") -> list:
    """The rest of the intake after the wijk; answers only the questions that are asked. Returns the summary."""
    if text is not None:
        await resident.say(text)
    await resident.press("in:photos:done")
    await resident.press(f"in:theme:{theme}")
    replies = await resident.press(f"in:reply:{reply}")
    if f"in:name:{name}" in actions_of(replies):  # only asked when the platform gave a name
        replies = await resident.press(f"in:name:{name}")
    return replies


async def test_full_intake_stores_and_queues_for_every_linked_gebiedsverbinder(resident: Resident, db: Database):
    staff = StaffRepository(db)
    await staff.add(900, "gebiedsverbinder", "noord")
    await staff.add(901, "gebiedsverbinder", "noord")
    await staff.add(902, "gebiedsverbinder", "oost")
    await start_idea(resident)
    summary = await finish(resident)
    assert "Kijk het na" in text_of(summary) and "Vogelenwijk (stadsdeel Noord)" in text_of(summary)
    assert actions_of(summary) == ["in:send", "in:edit", "in:cancel"]

    sent = await resident.press("in:send")
    text = text_of(sent)
    assert "Verstuurd. Uw referentie is WW-" in text
    # the linked accounts have no name in the staff table: the contact list's name is not claimed
    assert "De gebiedsverbinder van stadsdeel Noord krijgt uw idee nu in deze chat-app" in text
    assert "Karin Kranendonk" not in text
    submission = await SubmissionRepository(db).get(1)
    assert (submission.kind, submission.wijk_code, submission.stadsdeel, submission.theme) == (
        "idee", "WK039214", "noord", "groen")
    assert submission.reference in text and submission.status == "nieuw" and submission.consent_reply
    assert [e.action for e in await SubmissionRepository(db).events(1)] == ["created"]
    queued = await OutboxRepository(db).pending()
    assert sorted(m.chat_id for m in queued) == [900, 901]
    assert "Nieuw voor stadsdeel Noord" in queued[0].payload["text"]
    assert await ConversationRepository(db).get(42) is None


async def test_sending_twice_creates_one_submission(resident: Resident, db: Database) -> None:
    await start_idea(resident)
    await finish(resident)
    await resident.press("in:send")
    again = await resident.press("in:send")
    assert "al verstuurd" in text_of(again)
    assert (await SubmissionRepository(db).for_resident(42, 10))[1] == 1


async def test_nobody_linked_still_stores_it_and_says_so(resident: Resident, db: Database) -> None:
    await start_idea(resident, "Meerwijk")
    await finish(resident)
    text = text_of(await resident.press("in:send"))
    assert (await SubmissionRepository(db).get(1)).handled_by == "schalkwijk"
    assert await OutboxRepository(db).pending() == []
    assert (await db.fetchone("SELECT COUNT(*) FROM outbox"))[0] == 0
    assert "is opgeslagen" in text and "nog niemand heeft het gekregen" in text
    assert "Ingrid Hamer" in text and "iphamer@haarlem.nl" in text  # only as the way to reach her directly
    assert "krijgt uw idee nu" not in text


async def test_linked_account_is_named_from_the_staff_table(resident: Resident, db: Database) -> None:
    await StaffRepository(db).add(900, "gebiedsverbinder", "oost", "Test Account Oost")
    await start_idea(resident, "Parkwijk")
    await finish(resident)
    text = text_of(await resident.press("in:send"))
    assert "Test Account Oost, gebiedsverbinder van stadsdeel Oost, krijgt uw idee nu" in text
    assert "Rosa Kant" not in text
    assert [m.chat_id for m in await OutboxRepository(db).pending()] == [900]


async def test_with_email_and_nobody_linked_it_goes_by_email_once(db: Database, content) -> None:
    resident = Resident(Assistant.create(db, content, email=True))
    await start_idea(resident, "Parkwijk")
    await finish(resident)
    text = text_of(await resident.press("in:send"))
    await resident.press("in:send")  # pressed twice: still one submission, one e-mail
    assert "gaat nu per e-mail naar Rosa Kant, gebiedsverbinder van stadsdeel Oost (rkant@haarlem.nl)" in text
    rows = await db.fetchall("SELECT address, payload, submission_id FROM outbox WHERE channel = 'email'")
    assert [(r["address"], r["submission_id"]) for r in rows] == [("rkant@haarlem.nl", 1)]
    reference = (await SubmissionRepository(db).get(1)).reference
    assert reference in rows[0]["payload"] and "Nieuw voor" not in rows[0]["payload"]
    assert await OutboxRepository(db).pending() == []  # nothing for Telegram


async def test_saved_wijk_is_offered_and_remembered(resident: Resident, db: Database) -> None:
    await start_idea(resident, "2035")
    await finish(resident)
    await resident.press("in:send")
    await resident.say("/idee")
    replies = await resident.press("in:kind:signaal")
    assert "Gaat het over uw wijk, Boerhaavewijk?" in text_of(replies)
    assert actions_of(replies) == ["in:w:WK039219", "in:wijk:other"]


async def test_ambiguous_postcode_asks_which_wijk(resident: Resident) -> None:
    await resident.say("/idee")
    await resident.press("in:kind:signaal")
    replies = await resident.say("2034")
    assert actions_of(replies) == ["in:w:WK039218", "in:w:WK039220"]
    assert "Beschrijf uw signaal" in text_of(await resident.press("in:w:WK039220"))


async def test_pc6_and_stadsdeel_buttons(resident: Resident) -> None:
    await resident.say("/idee")
    await resident.press("in:kind:vraag")
    assert "Beschrijf uw vraag" in text_of(await resident.say("2023 AB"))
    await resident.say("/annuleer")
    await resident.say("/idee")
    await resident.press("in:kind:idee")
    wijken = await resident.press("in:sd:centrum")
    assert actions_of(wijken) == ["in:w:WK039201"]


async def test_location_picks_wijk_and_outside_haarlem_is_refused(resident: Resident, db: Database) -> None:
    await resident.say("/idee")
    await resident.press("in:kind:signaal")
    amsterdam = Incoming(42, InputKind.LOCATION, latitude=52.37, longitude=4.90, language_code="nl")
    replies = await resident.send(amsterdam)
    assert "niet in Haarlem" in text_of(replies) and "Over welke wijk" in text_of(replies)
    markt = Incoming(42, InputKind.LOCATION, latitude=52.3812, longitude=4.6366, language_code="nl")
    await resident.send(markt)
    state = await ConversationRepository(db).get(42)
    assert state.step == "text" and state.data["wijk_code"] == "WK039201" and state.data["latitude"] == 52.3812


async def test_too_short_text_is_kept_and_too_long_can_be_trimmed(resident: Resident, db: Database) -> None:
    await start_idea(resident)
    assert "Dat is wat kort (6 tekens)" in text_of(await resident.say("bankje"))
    await resident.say("bij de vijver graag")
    state = await ConversationRepository(db).get(42)
    assert state.step == "photos" and state.data["text"] == "bankje bij de vijver graag"

    await start_idea(resident)
    long_text = "woord " * 500
    replies = await resident.say(long_text)
    assert "Dat is te lang: 2.999 tekens, maximaal 2.000" in text_of(replies)
    assert actions_of(replies) == ["in:trim"]
    await resident.press("in:trim")
    state = await ConversationRepository(db).get(42)
    assert state.step == "photos" and len(state.data["text"]) <= 2000 and state.data["text"].endswith("…")


async def test_photo_with_caption_counts_as_text_and_at_most_three(resident: Resident, db: Database) -> None:
    await start_idea(resident)
    await resident.send(Incoming(42, InputKind.PHOTO, text="Losliggende stoeptegels bij nummer 12",
                                 photo_ids=("p1",), language_code="nl"))
    for file_id in ("p2", "p3"):
        await resident.send(Incoming(42, InputKind.PHOTO, photo_ids=(file_id,), language_code="nl"))
    refused = await resident.send(Incoming(42, InputKind.PHOTO, photo_ids=("p4",), language_code="nl"))
    assert "maximaal 3 foto's" in text_of(refused)
    state = await ConversationRepository(db).get(42)
    assert state.data["photos"] == ["p1", "p2", "p3"] and state.data["text"].startswith("Losliggende")


async def test_photo_only_then_text(resident: Resident, db: Database) -> None:
    await start_idea(resident)
    replies = await resident.send(Incoming(42, InputKind.PHOTO, photo_ids=("p1",), language_code="nl"))
    assert "Foto toegevoegd" in text_of(replies)
    await finish(resident, "Er ligt al weken zwerfafval op het veldje.", theme="overig", reply="no")
    await resident.press("in:send")
    assert (await SubmissionRepository(db).get(1)).photos == ("p1",)


async def test_unsupported_input_mid_flow_explains_and_asks_again(resident: Resident) -> None:
    await start_idea(resident)
    replies = await resident.send(Incoming(42, InputKind.UNSUPPORTED, media="sticker", language_code="nl"))
    assert "kan ik niet lezen" in replies[0].text and "Beschrijf uw idee" in replies[1].text


async def test_change_something_returns_to_the_summary(resident: Resident) -> None:
    await start_idea(resident)
    await finish(resident)
    await resident.press("in:edit")
    await resident.press("in:edit:wijk")
    replies = await resident.say("Meerwijk")
    assert "Kijk het na" in text_of(replies) and "Meerwijk (stadsdeel Schalkwijk)" in text_of(replies)


async def test_cancel_and_stale_buttons(resident: Resident, db: Database) -> None:
    await start_idea(resident)
    assert "Er is niets verstuurd" in text_of(await resident.press("in:cancel"))
    assert "hoort bij een eerder gesprek" in text_of(await resident.press("in:theme:groen"))
    await start_idea(resident)
    assert "hoort bij een eerdere vraag" in text_of(await resident.press("in:theme:groen"))
    assert await SubmissionRepository(db).get(1) is None


async def test_name_is_shown_only_with_consent(assistant: Assistant, db: Database) -> None:
    for user_id, consent in ((50, "no"), (51, "yes")):
        async def say(text: str, uid: int = user_id) -> None:
            await assistant.handle(Incoming.message(uid, text, "nl", display_name="Jan Jansen (@jan)"))

        async def press(action: str, uid: int = user_id) -> None:
            await assistant.handle(Incoming(uid, InputKind.CHOICE, text=action, language_code="nl",
                                            display_name="Jan Jansen (@jan)"))
        await say("/idee")
        await press("in:kind:idee")
        await say("Delftwijk")
        await say("Een moestuin op het braakliggende stuk grond.")
        await press("in:photos:done")
        await press("in:theme:groen")
        await press("in:reply:yes")
        await press(f"in:name:{consent}")
        await press("in:send")
    submissions = SubmissionRepository(db)
    assert (await submissions.get(1)).resident_name is None
    assert (await submissions.get(2)).resident_name == "Jan Jansen (@jan)"


async def test_intake_survives_a_restart(db_path: str, content) -> None:
    first = await Database.open(db_path)
    resident = Resident(Assistant.create(first, content))
    await start_idea(resident)
    await resident.say("Meer prullenbakken langs de Delft graag.")
    await first.close()  # the process is gone; only the database remains

    second = await Database.open(db_path)
    try:
        resident = Resident(Assistant.create(second, content))
        replies = await resident.press("in:photos:done")
        assert "Bij welk thema" in text_of(replies)
    finally:
        await second.close()


async def test_routing_rule_sends_elsewhere(tmp_path, db_path: str) -> None:
    (tmp_path / "routing.yaml").write_text("rules:\n  - {wijk: WK039214, theme: verkeer, route_to: centrum}\n",
                                           encoding="utf-8")
    content = load_content(tmp_path)
    db = await Database.open(db_path)
    try:
        await StaffRepository(db).add(800, "gebiedsverbinder", "centrum")
        resident = Resident(Assistant.create(db, content))
        await start_idea(resident)
        await finish(resident, "Gevaarlijke oversteek bij de school.", theme="verkeer")
        await resident.press("in:send")
        submission = await SubmissionRepository(db).get(1)
        assert (submission.stadsdeel, submission.handled_by) == ("noord", "centrum")
        assert [m.chat_id for m in await OutboxRepository(db).pending()] == [800]
    finally:
        await db.close()


def test_routing_file_is_validated(tmp_path) -> None:
    from content import ContentError

    (tmp_path / "routing.yaml").write_text("rules:\n  - {theme: nope, route_to: noord}\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(tmp_path)
    assert (info.value.file, info.value.entry, info.value.field) == ("routing.yaml", "rules[0]", "theme")


async def test_starting_again_offers_to_continue_the_draft(resident: Resident, db: Database) -> None:
    await start_idea(resident)
    await resident.say("Een boom die scheef staat bij de bushalte.")
    replies = await resident.press("m:idee")
    assert actions_of(replies) == ["in:resume", "in:restart"]
    assert "foto's" in text_of(await resident.press("in:resume"))
    assert "Wat wilt u doorgeven" in text_of(await resident.press("in:restart"))
    assert (await ConversationRepository(db).get(42)).data == {}


async def test_kind_in_words_and_no_name_question_without_a_name(resident: Resident) -> None:
    await resident.say("/idee")
    assert "Over welke wijk" in text_of(await resident.say("ik wil iets melden over de stoep"))
    await resident.say("Meerwijk")
    await resident.say("Losse stoeptegels voor de bibliotheek.")
    location = Incoming(42, InputKind.LOCATION, latitude=52.3560, longitude=4.6580, language_code="nl")
    assert "Locatie toegevoegd (Meerwijk)" in text_of(await resident.send(location))
    await resident.press("in:photos:done")
    await resident.press("in:theme:veiligheid")
    summary = await resident.press("in:reply:yes")  # no display name known: no name question
    assert "Kijk het na" in text_of(summary) and "Locatie: meegestuurd" in text_of(summary)


async def test_trimmed_text_never_exceeds_the_limit(resident: Resident, db: Database) -> None:
    await start_idea(resident)
    await resident.say("x" * 1999 + " " + "y" * 600)  # the last space sits right at the limit
    await resident.press("in:trim")
    text = (await ConversationRepository(db).get(42)).data["text"]
    assert len(text) <= 2000 and text.endswith(" …")


async def test_named_buurt_is_kept_for_the_gebiedsverbinder(resident: Resident, db: Database) -> None:
    await StaffRepository(db).add(900, "gebiedsverbinder", "zuidwest")
    await start_idea(resident, "garenkokerskwartier")
    summary = await finish(resident)
    assert "Zijlwegkwartier, buurt Garenkokerskwartier (stadsdeel Zuidwest)" in text_of(summary)
    await resident.press("in:send")
    assert (await SubmissionRepository(db).get(1)).buurt == "Garenkokerskwartier"
    [message] = await OutboxRepository(db).pending()
    assert "buurt Garenkokerskwartier" in message.payload["text"]


async def test_at_most_the_hourly_number_of_submissions(resident: Resident, assistant: Assistant,
                                                        db: Database) -> None:
    assistant.services.submissions_per_hour = 2
    for _ in range(2):
        await start_idea(resident)
        await finish(resident)
        await resident.press("in:send")
    refused = await resident.say("/idee")
    assert "het meeste per uur" in text_of(refused)
    assert (await SubmissionRepository(db).for_resident(42, 10))[1] == 2
    # the same limit at the very end, for a draft begun before the limit was reached
    assistant.services.submissions_per_hour = 3
    await start_idea(resident)
    await finish(resident)
    assistant.services.submissions_per_hour = 2
    assert "het meeste per uur" in text_of(await resident.press("in:send"))
    assert (await SubmissionRepository(db).for_resident(42, 10))[1] == 2
    assert (await ConversationRepository(db).get(42)) is not None  # the draft is kept
