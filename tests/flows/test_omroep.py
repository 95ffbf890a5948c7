"""Broadcasts for staff (/omroep): text, English, audience, time, preview, send, and progress buttons."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from flows import Incoming, InputKind
from flows.types import Reply
from storage import FollowingRepository, ResidentRepository, StaffRepository
from storage.broadcasts import BroadcastRepository
from storage.timestamps import ManualClock, use_clock
from tests.conftest import Resident, actions_of, text_of

TRANSVAAL, INDISCHE, OUDE_STAD, EUROPAWIJK = "WK039210", "WK039211", "WK039201", "WK039218"
STAFF, NOORD = 8000, 7002
# Tuesday 1 December 2026, 12:00 in Haarlem: outside the quiet hours.
NOON = dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with use_clock(ManualClock(NOON)) as manual:
        yield manual


@pytest.fixture(autouse=True)
async def world(db) -> None:
    staff = StaffRepository(db)
    await staff.add(STAFF, "staff", None)
    await staff.add(NOORD, "gebiedsverbinder", "noord")
    follow = FollowingRepository(db)
    await follow.follow(1, "wijk", TRANSVAAL)
    await follow.follow(2, "wijk", INDISCHE)
    await follow.follow(3, "wijk", OUDE_STAD)
    await follow.follow(4, "theme", "groen")
    await ResidentRepository(db).set_language(2, "en")


async def outbox(db, kind: str = "broadcast") -> dict[int, dict]:
    rows = await db.fetchall("SELECT chat_id, payload FROM outbox WHERE kind = ?", (kind,))
    return {r["chat_id"]: json.loads(r["payload"]) for r in rows}


async def progress_rows(db, chat_id: int) -> list[dict]:
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'progress' AND chat_id = ? ORDER BY id",
                             (chat_id,))
    return [json.loads(r["payload"]) for r in rows]


async def compose(person: Resident, text: str = "Informatieavond wijkplatform op 3 december.",
                  english: str | None = None) -> None:
    assert "Typ het bericht voor bewoners" in text_of(await person.say("/omroep"))
    assert "Engelse versie" in text_of(await person.say(text))
    replies = await (person.say(english) if english else person.press("om:skip"))
    assert "Wie moet het krijgen?" in text_of(replies)


async def send_to_noord(person: Resident, *, at: str | None = None, message_id: int | None = None) -> list[Reply]:
    """Compose, address the followers in stadsdeel Noord, and send now (or plan it ``at`` a typed moment);
    ``message_id``: of the summary pressed, which becomes the progress message."""
    await compose(person)
    await person.press("om:sdl")
    await person.press("om:sd:noord")
    await (person.say(at) if at else person.press("om:now"))
    return await person.send(Incoming(person.user_id, InputKind.CHOICE, text="om:send",
                                      language_code=person.language_code, message_id=message_id))


async def test_staff_sends_to_everyone_who_follows_something(assistant, db) -> None:
    person = Resident(assistant, STAFF)
    await compose(person, english="Information evening on 3 December.")
    assert actions_of(person.last)[:5] == ["om:all", "om:sdl", "om:wk", "om:th", "om:gv"]
    assert "Wanneer moet het weg?" in text_of(await person.press("om:all"))
    preview = await person.press("om:now")
    text = text_of(preview)
    assert "Zo krijgen bewoners het bericht:" in text
    assert preview[1].text == "Informatieavond wijkplatform op 3 december."  # exactly as residents get it
    assert preview[3].text == "Information evening on 3 December."
    assert "Ontvangers nu: 4 (3 in het Nederlands, 1 in het Engels)" in text
    assert "Versturen: nu" in text and "Voor: iedereen die een wijk of thema volgt" in text
    assert actions_of([preview[-1]]) == ["om:send", "om:edit", "om:stop"]
    assert await outbox(db) == {}  # nothing before Versturen

    sent = await person.press("om:send")
    assert sent[0].edit and "Bericht #1 aan iedereen" in sent[0].text
    assert "Verstuurd: 0 van 4" in sent[0].text and actions_of(sent) == ["om:pause:1", "om:cancel:1"]
    queued = await outbox(db)
    assert {chat: p["text"] for chat, p in queued.items()} == {
        1: "Informatieavond wijkplatform op 3 december.", 2: "Information evening on 3 December.",
        3: "Informatieavond wijkplatform op 3 december.", 4: "Informatieavond wijkplatform op 3 december."}
    assert queued[2]["buttons"] == [[["Stop these messages", "f:s"]]]
    assert (await BroadcastRepository(db, {}).get(1)).status == "sending"
    assert "eerder gesprek" in text_of(await person.press("om:send"))  # a second press sends nothing more
    assert len(await outbox(db)) == 4


async def test_gebiedsverbinder_chooses_wijken_of_own_stadsdeel_only(assistant, db) -> None:
    person = Resident(assistant, NOORD)
    await compose(person)
    assert actions_of(person.last) == ["om:sdl", "om:wk", "om:stop"]
    assert actions_of(await person.press("om:wk")) == ["om:wsd:noord", "om:stop"]
    assert "eerder" in text_of(await person.press("om:wsd:centrum"))
    assert "eerder" in text_of(await person.press("om:all"))
    assert "eerder" in text_of(await person.press("om:t:groen"))
    assert "eerder" in text_of(await person.press(f"om:w:{OUDE_STAD}"))
    picker = await person.press(f"om:w:{TRANSVAAL}")
    assert "✓ Transvaalwijk" in [b.label for r in picker for row in r.buttons for b in row]
    await person.press(f"om:w:{INDISCHE}")
    assert "Wanneer" in text_of(await person.press("om:wdone"))
    preview = text_of(await person.press("om:now"))
    assert "Voor: volgers in Transvaalwijk, Indischewijk" in preview and "Ontvangers nu: 2" in preview
    await person.press("om:send")
    assert set(await outbox(db)) == {1, 2}


async def test_long_text_photo_and_change_before_sending(assistant, db) -> None:
    person = Resident(assistant, STAFF)
    await person.say("/omroep")
    assert "Dat zijn 4.097 tekens" in text_of(await person.say("x" * 4097))
    photo = Incoming(STAFF, InputKind.PHOTO, text="Kom ook!", photo_ids=("FOTO1",))
    assert "Foto ontvangen, met het onderschrift als tekst" in text_of(await person.send(photo))
    await person.press("om:skip")
    await person.press("om:sdl")
    await person.press("om:sd:centrum")
    preview = await person.press("om:now")
    assert preview[1].photos == ("FOTO1",) and preview[1].text == "Kom ook!"
    await person.press("om:edit")
    assert "Wat wilt u aanpassen?" in text_of(person.last)
    await person.press("om:e:text")
    preview = await person.say("Kom ook naar de avond!")
    assert preview[1].text == "Kom ook naar de avond!" and "Voor: volgers in stadsdeel Centrum" in text_of(preview)
    await person.press("om:edit")
    assert "om:e:nophoto" in actions_of(person.last)
    await person.press("om:e:nophoto")
    await person.press("om:edit")
    assert "om:e:nophoto" not in actions_of(person.last)
    await person.press("om:e:back")
    await person.send(photo)  # not at a photo step: explained, then the question again
    await person.press("om:e:when")
    await person.press("om:now")
    await person.press("om:send")
    assert (await outbox(db))[3]["photos"] == []


async def test_nobody_in_audience_cannot_be_sent(assistant, db) -> None:
    person = Resident(assistant, STAFF)
    await compose(person)
    await person.press("om:sdl")
    await person.press("om:sd:schalkwijk")
    preview = await person.press("om:now")
    assert "Niemand zou het krijgen" in text_of(preview) and "om:send" not in actions_of(preview)
    assert "eerder" in text_of(await person.press("om:send"))
    assert await outbox(db) == {}


async def test_quiet_hours_wait_for_morning_unless_sent_anyway(assistant, db, clock) -> None:
    clock.set(dt.datetime(2026, 12, 1, 22, 30, tzinfo=dt.UTC))  # 23:30 in Haarlem
    person = Resident(assistant, STAFF)
    await compose(person)
    await person.press("om:th")
    await person.press("om:t:groen")
    preview = await person.press("om:now")
    assert "na de stille uren" in text_of(preview) and "woensdag 2 december 2026, 08:00" in text_of(preview)
    assert actions_of([preview[-1]]) == ["om:send", "om:force", "om:edit", "om:stop"]
    planned = await person.press("om:send")
    assert "Gepland voor woensdag 2 december 2026, 08:00" in text_of(planned)
    assert await outbox(db) == {}
    broadcast = await BroadcastRepository(db, {}).get(1)
    assert broadcast.status == "scheduled" and broadcast.send_at == dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)

    await compose(person)
    await person.press("om:th")
    await person.press("om:t:groen")
    await person.press("om:now")
    await person.press("om:force")
    assert (await BroadcastRepository(db, {}).get(2)).status == "sending"
    assert set(await outbox(db)) == {4}


async def test_typed_send_time(assistant, db) -> None:
    person = Resident(assistant, STAFF)
    await compose(person)
    await person.press("om:gv")
    assert "niet lezen" in text_of(await person.say("morgen"))
    assert "90 dagen" in text_of(await person.say("01-12-2025 10:00"))
    preview = text_of(await person.say("15-12-2026 10:00"))
    assert "Versturen: op dinsdag 15 december 2026, 10:00" in preview and "Voor: alle gebiedsverbinders" in preview
    assert "Ontvangers nu: 1" in preview  # the gebiedsverbinder of Noord
    await person.press("om:send")
    assert (await BroadcastRepository(db, {}).get(1)).status == "scheduled"


async def test_pause_resume_cancel_from_the_progress_message(assistant, db) -> None:
    person = Resident(assistant, NOORD)
    await send_to_noord(person, message_id=555)
    paused = await person.press("om:pause:1")
    assert paused[0].edit and "Gepauzeerd" in paused[0].text and actions_of(paused) == ["om:resume:1", "om:cancel:1"]
    assert (await BroadcastRepository(db, {}).get(1)).status == "paused"
    assert "Bezig met versturen" in text_of(await person.press("om:resume:1"))
    asked = await person.press("om:cancel:1")  # a question first, as a new message (the progress one is live)
    assert "Bericht #1 annuleren?" in text_of(asked) and "de 2 berichten" in text_of(asked)
    assert not asked[0].edit and actions_of(asked) == ["om:cancelyes:1", "om:keep:1"]
    assert (await BroadcastRepository(db, {}).get(1)).status == "sending"
    kept = await person.press("om:keep:1")
    assert kept[0].edit and "Niet geannuleerd" in text_of(kept)
    assert (await BroadcastRepository(db, {}).get(1)).status == "sending"
    await person.press("om:cancel:1")
    [question] = await person.press("om:cancelyes:1")
    assert question.edit and "Geannuleerd: 2 berichten zijn niet verstuurd." in question.text
    # the progress message says it too, through the outbox (which replaces an older unsent progress edit)
    [progress] = await progress_rows(db, NOORD)
    assert progress["edit_message"] == 555 and progress["buttons"] == []
    assert "Geannuleerd: 2 berichten zijn niet verstuurd." in progress["text"]
    assert (await BroadcastRepository(db, {}).get(1)).status == "cancelled"
    assert "Geannuleerd" in text_of(await person.press("om:cancelyes:1"))  # pressed twice: harmless
    assert len(await progress_rows(db, NOORD)) == 1
    assert "niet beheren" in text_of(await person.press("om:pause:99"))


async def test_pause_and_cancel_tell_the_sender_at_once(assistant, db) -> None:
    stopped: list[int] = []
    assistant.services.broadcast_stopped = stopped.append  # the outbox sender, in the running bot
    person = Resident(assistant, NOORD)
    await send_to_noord(person)
    await person.press("om:pause:1")
    assert stopped == [1]
    await person.press("om:pause:1")  # already paused: nothing changed
    await person.press("om:resume:1")
    await person.press("om:cancel:1")  # only the question
    assert stopped == [1]
    await person.press("om:cancelyes:1")
    assert stopped == [1, 1]


async def test_cancelled_by_a_colleague_shows_on_the_starters_progress_message(assistant, db) -> None:
    starter, colleague = Resident(assistant, NOORD), Resident(assistant, STAFF)
    await send_to_noord(starter, message_id=555)
    await ResidentRepository(db).set_language(NOORD, "en")  # the starter's language, not the colleague's
    assert "Bericht #1 annuleren?" in text_of(await colleague.press("om:cancel:1"))
    [outcome] = await colleague.press("om:cancelyes:1")
    assert outcome.edit and "Geannuleerd: 2 berichten zijn niet verstuurd." in outcome.text
    assert (await BroadcastRepository(db, {}).get(1)).status == "cancelled"
    edit, report = await progress_rows(db, NOORD)
    assert edit["edit_message"] == 555 and edit["buttons"] == []  # no Pause / Cancel left
    assert "Message #1 to followers in stadsdeel Noord" in edit["text"]
    assert "Cancelled by a colleague: 2 messages were not sent." in edit["text"]
    assert "edit_message" not in report and report["text"] == edit["text"]  # a new message: it notifies
    assert await progress_rows(db, STAFF) == []
    await colleague.press("om:cancelyes:1")  # pressed twice: nothing more for the starter
    assert len(await progress_rows(db, NOORD)) == 2


async def test_planned_broadcast_cancelled_by_a_colleague(assistant, db) -> None:
    starter, colleague = Resident(assistant, NOORD), Resident(assistant, STAFF)
    planned = await send_to_noord(starter, at="15-12-2026 10:00", message_id=556)
    assert "Gepland voor" in text_of(planned) and actions_of(planned) == ["om:cancel:1"]
    assert "nog niet verstuurd" in text_of(await colleague.press("om:cancel:1"))
    [outcome] = await colleague.press("om:cancelyes:1")
    assert "Geannuleerd voordat het verstuurd werd: niemand krijgt het." in outcome.text
    edit, report = await progress_rows(db, NOORD)
    assert edit["edit_message"] == 556 and edit["buttons"] == [] and "edit_message" not in report
    assert edit["text"].splitlines() == ["Bericht #1 aan volgers in stadsdeel Noord",
                                         "Geannuleerd door een collega voordat het verstuurd werd: niemand krijgt het."]
    assert await outbox(db) == {}  # and nobody got it


async def test_a_named_colleagues_cancellation_says_who_it_was(assistant, db) -> None:
    await StaffRepository(db).add(STAFF, "staff", None, name="Fatima de Vries")  # the name staff add --name gave
    starter, colleague = Resident(assistant, NOORD), Resident(assistant, STAFF)
    await send_to_noord(starter, message_id=555)
    await colleague.press("om:cancel:1")
    [outcome] = await colleague.press("om:cancelyes:1")
    assert "Geannuleerd: 2 berichten zijn niet verstuurd." in outcome.text  # the colleague's own view
    edit, report = await progress_rows(db, NOORD)
    assert edit["edit_message"] == 555 and edit["text"].splitlines()[-1] == (
        "Geannuleerd door Fatima de Vries: 2 berichten zijn niet verstuurd.")
    assert "edit_message" not in report and report["text"] == edit["text"]


async def test_a_named_colleague_cancelling_a_planned_broadcast_in_english(assistant, db) -> None:
    await StaffRepository(db).add(STAFF, "staff", None, name="Fatima de Vries")
    starter, colleague = Resident(assistant, NOORD), Resident(assistant, STAFF)
    await send_to_noord(starter, at="15-12-2026 10:00", message_id=556)
    await ResidentRepository(db).set_language(NOORD, "en")  # the starter's language, not the colleague's
    await colleague.press("om:cancel:1")
    await colleague.press("om:cancelyes:1")
    edit, report = await progress_rows(db, NOORD)
    assert edit["text"].splitlines() == ["Message #1 to followers in stadsdeel Noord",
                                         "Cancelled by Fatima de Vries before it was sent: nobody gets it."]
    assert report["text"] == edit["text"]


async def test_english_staff_member(assistant) -> None:
    person = Resident(assistant, STAFF, "en")
    assert "Type the message for residents" in text_of(await person.say("/broadcast"))
