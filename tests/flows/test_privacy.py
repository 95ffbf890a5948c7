"""Residents' rights: /privacy, /mijngegevens (a JSON file) and /vergeetmij, against two residents."""

from __future__ import annotations

import json
from typing import Any

from flows import Incoming, InputKind
from storage import Database, OutboxRepository, StaffRepository, SubmissionRepository
from storage.audit import AuditLog
from storage.privacy import ERASED
from tests.conftest import Resident, actions_of, text_of
from tests.flows.test_intake import finish

ANNA, ANNA_NAME = 7001234567, "Annemarie Zwanenburg"
BART, BART_NAME = 7009876543, "Bartholomeus Kwakernaak"
STAFF = 9_700_001  # an id no timestamp or count in the export can contain by chance


class Named(Resident):
    """A resident whose platform gives a display name (so the intake asks whether staff may see it)."""

    def __init__(self, assistant, user_id: int, name: str) -> None:
        super().__init__(assistant, user_id)
        self.name = name

    async def say(self, text: str) -> list:
        self.last = await self.assistant.handle(Incoming.message(self.user_id, text, "nl", display_name=self.name))
        return self.last

    async def press(self, action: str) -> list:
        self.last = await self.assistant.handle(Incoming(self.user_id, InputKind.CHOICE, text=action,
                                                         language_code="nl", display_name=self.name))
        return self.last


async def live(resident: Named, text: str) -> None:
    """A resident with everything: a wijk, followings, an idea with photo, location and name, a notice."""
    await resident.say("/mijnwijk")
    await resident.say("Vogelenwijk")
    await resident.press("f:w:" + (await resident.assistant.services.residents.get(resident.user_id)).wijk_code)
    await resident.press("f:t:groen")
    if "in:restart" in actions_of(await resident.say("/idee")):
        await resident.press("in:restart")
    await resident.press("in:kind:signaal")
    await resident.say("Vogelenwijk")
    await resident.say(text)
    await resident.send(Incoming(resident.user_id, InputKind.PHOTO, photo_ids=(f"photo-of-{resident.user_id}",),
                                 language_code="nl"))
    await resident.send(Incoming(resident.user_id, InputKind.LOCATION, latitude=52.40123, longitude=4.63456,
                                 language_code="nl"))
    await finish(resident, None, reply="yes", name="yes")
    await resident.press("in:send")
    await resident.say("/idee")  # a conversation in progress


async def two_residents(assistant, db: Database) -> tuple[Named, Named, dict[str, int]]:
    await StaffRepository(db).add(STAFF, "gebiedsverbinder", "noord")
    anna, bart = Named(assistant, ANNA, ANNA_NAME), Named(assistant, BART, BART_NAME)
    await live(anna, "Losliggende stoeptegels voor huisnummer 12 van Anna.")
    await live(bart, "Kapotte lantaarnpaal bij het speeltuintje van Bart.")
    ids = {}
    for resident in (anna, bart):
        [submission], _ = await SubmissionRepository(db).for_resident(resident.user_id, 5)
        ids[resident.name] = submission.id
        gebiedsverbinder = Resident(assistant, STAFF)
        await gebiedsverbinder.press(f"st:{submission.id}:beh")
        await gebiedsverbinder.press(f"st:{submission.id}:reply")
        await gebiedsverbinder.say(f"We gaan ernaar kijken, {resident.name.split()[0]}.")
    window = await db.fetchone("SELECT 1")
    assert window is not None
    await db.execute_write("INSERT INTO inspraak_windows (id, title_nl, opens_at, closes_at) VALUES (1, 'Speelplek',"
                           " '2026-12-01T08:00:00.000000Z', '2026-12-31T08:00:00.000000Z')")
    for user in (ANNA, BART):
        await db.execute_write("INSERT INTO inspraak_notices (window_id, user_id, kind, version) VALUES (1, ?, 'open',"
                               " 1)", (user,))
        await db.execute_write("INSERT INTO outbox (chat_id, payload, kind) VALUES (?, ?, 'notice')",
                               (user, json.dumps({"text": "Inspraak over de Speelplek is open."})))
    return anna, bart, ids


async def traces(db: Database, user_id: int, name: str) -> list[str]:
    """Every place in every table that holds this resident's id or (part of) their name."""
    found = []
    words = [str(user_id), *name.split()]
    tables = [r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for row in await db.fetchall(f"SELECT * FROM {table}"):
            for column in row.keys():
                value = row[column]
                if value == user_id or (isinstance(value, str) and any(w in value for w in words)):
                    found.append(f"{table}.{column}")
    return found


async def rows_of(db: Database, user_id: int, name: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that mentions this resident (to show they are untouched)."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    tables = [r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for row in await db.fetchall(f"SELECT * FROM {table}"):
            values = tuple(row)
            if any(v == user_id or (isinstance(v, str) and (str(user_id) in v or name in v)) for v in values):
                result.setdefault(table, []).append(values)
    return result


async def test_privacy_statement_in_both_languages(assistant) -> None:
    dutch = text_of(await Resident(assistant).say("/privacy"))
    assert "Wat ik over u bewaar" in dutch and "365 dagen" in dutch and "/vergeetmij" in dutch
    assert "14 023" in dutch and "gebiedsverbinder" in dutch
    english = text_of(await Resident(assistant, 43, "en").say("/privacy"))
    assert "What I store about you" in english and "/forgetme" in english and "/mydata" in english


async def test_my_data_holds_everything_about_me_and_nothing_about_others(assistant, db: Database) -> None:
    anna, _bart, _ids = await two_residents(assistant, db)
    [reply] = await anna.say("/mijngegevens")
    assert reply.document is not None and reply.document[0].endswith(".json")
    assert "alles wat Wijkwijzer over u bewaart" in reply.text
    data = json.loads(reply.document[1])
    assert data["telegram_id"] == ANNA and data["profile"]["wijk"]
    assert {(f["kind"], f["code"]) for f in data["following"]} >= {("theme", "groen")}
    assert data["inspraak_messages_received"][0]["title"] == "Speelplek"
    assert data["conversation_in_progress"]["flow"] == "intake"
    [submission] = data["submissions"]
    assert submission["text"].endswith("van Anna.") and submission["name_shown_to_gebiedsverbinder"] == ANNA_NAME
    assert submission["photos"] == [f"photo-of-{ANNA}"] and submission["location"]["latitude"] == 52.40123
    assert [h["what"] for h in submission["history"]] == ["created", "status", "reply"]
    assert submission["history"][2]["text"] == "We gaan ernaar kijken, Annemarie."
    document = reply.document[1].decode("utf-8")
    for other in (str(BART), "Bartholomeus", "Kwakernaak", "Bart.", str(STAFF)):
        assert other not in document
    english = await Named(assistant, 55, "X").say("/mydata")
    assert json.loads(english[0].document[1])["submissions"] == []


async def test_forget_me_keeps_submissions_anonymised(assistant, db: Database) -> None:
    anna, bart, ids = await two_residents(assistant, db)
    assert await traces(db, ANNA, ANNA_NAME)  # the check sees them while they are there
    bart_before = await rows_of(db, BART, BART_NAME)
    asked = await anna.say("/vergeetmij")
    assert "kunt u niet terugdraaien" in text_of(asked)
    assert actions_of(asked) == ["pv:erase:keep", "pv:erase:all", "pv:nothing"]
    assert await traces(db, ANNA, ANNA_NAME)  # asking changes nothing
    done = await anna.press("pv:erase:keep")
    assert "uw gegevens zijn verwijderd" in text_of(done)
    assert await traces(db, ANNA, ANNA_NAME) == []
    assert await rows_of(db, BART, BART_NAME) == bart_before
    kept = await SubmissionRepository(db).get(ids[ANNA_NAME])
    assert kept.user_id == ERASED and kept.text.endswith("van Anna.") and kept.status == "in_behandeling"
    assert kept.photos == () and kept.latitude is None and kept.resident_name is None and kept.wijk_code
    assert kept.anonymised_at is not None
    # idempotent: again, and by button from an old message
    await anna.press("pv:erase:keep")
    await anna.say("/vergeetmij")
    assert await traces(db, ANNA, ANNA_NAME) == []
    [entry] = [r for r in await AuditLog(db).since() if r.entry.action == "privacy.erase"]
    assert entry.entry.actor_id is None and entry.entry.details["submissions_anonymised"] == 1
    # the gebiedsverbinder can still work on it, but nothing goes to anyone
    staff = Resident(assistant, STAFF)
    card = text_of(await staff.press(f"st:{kept.id}:show"))
    assert "persoonsgegevens van de inwoner zijn verwijderd" in card and ANNA_NAME not in card
    assert "geen toestemming" in text_of(await staff.press(f"st:{kept.id}:reply"))
    await staff.press(f"st:{kept.id}:afg")
    assert not await db.fetchall("SELECT * FROM outbox WHERE chat_id = ?", (ERASED,))
    assert await rows_of(db, BART, BART_NAME) == bart_before
    assert "Wat u stuurde (1)" in text_of(await bart.say("/mijn"))


async def test_forget_me_can_remove_submissions_too(assistant, db: Database) -> None:
    anna, bart, ids = await two_residents(assistant, db)
    outbox = OutboxRepository(db)
    for message in await outbox.pending():
        await outbox.mark_sent(message.id)
    bart_before = await rows_of(db, BART, BART_NAME)
    await anna.say("/vergeetmij")
    assert "wat u stuurde zijn verwijderd" in text_of(await anna.press("pv:erase:all"))
    assert await traces(db, ANNA, ANNA_NAME) == []
    assert await rows_of(db, BART, BART_NAME) == bart_before
    removed = await SubmissionRepository(db).get(ids[ANNA_NAME])
    assert removed.status == "ingetrokken" and removed.text == "" and removed.user_id == ERASED
    events = await SubmissionRepository(db).events(removed.id)
    assert events[-1].action == "withdrawn" and all(e.text is None for e in events)
    [message] = await outbox.pending()
    assert message.chat_id == STAFF and removed.reference in message.payload["text"]
    assert "ingetrokken" in message.payload["text"] and "Anna" not in json.dumps(message.payload)
    assert "van Anna" not in json.dumps([dict(r) for r in await db.fetchall("SELECT * FROM submission_events")])


async def test_forget_me_says_what_it_did(assistant) -> None:
    newcomer = Resident(assistant, 61)
    said = await newcomer.say("/vergeetmij")  # nothing stored: said at once, no question (which would store a step)
    assert "niets om te verwijderen" in text_of(said) and "pv:erase:keep" not in json.dumps([r.to_dict() for r in said])
    assert not await assistant.services.privacy.holds_anything(61)
    assert "niets om te verwijderen" in text_of(await newcomer.press("pv:erase:keep"))  # an old button: harmless
    await newcomer.say("/mijnwijk")
    await newcomer.say("Vogelenwijk")
    done = text_of(await newcomer.press("pv:erase:keep"))
    assert "uw gegevens zijn verwijderd" in done and "Wat u stuurde" not in done
    assert await assistant.services.residents.get(61) is None
    english = Resident(assistant, 62, "en")
    await english.say("/taal")
    assert "nothing to remove" in text_of(await english.press("pv:erase:all"))


async def with_wijk(assistant, user_id: int) -> Resident:
    resident = Resident(assistant, user_id)
    await resident.say("/mijnwijk")
    await resident.say("Vogelenwijk")
    assert (await assistant.services.residents.get(user_id)).wijk_code
    return resident


async def test_forget_me_a_typed_yes_removes_as_the_first_button(assistant) -> None:
    resident = await with_wijk(assistant, 63)
    await resident.say("/vergeetmij")
    done = text_of(await resident.say("Ja"))
    assert "uw gegevens zijn verwijderd" in done
    assert await assistant.services.residents.get(63) is None
    assert await assistant.services.conversations.get(63) is None


async def test_forget_me_a_typed_no_removes_nothing_as_the_last_button(assistant) -> None:
    resident = await with_wijk(assistant, 64)
    await resident.say("/idee")  # a conversation in progress goes on after "no"
    before = await assistant.services.conversations.get(64)
    assert before is not None and before.flow == "intake"
    await resident.say("/vergeetmij")
    kept = await resident.say("nee")
    assert "er is niets verwijderd" in text_of(kept) and "m:idee" in actions_of(kept)
    assert (await assistant.services.residents.get(64)).wijk_code
    assert await assistant.services.conversations.get(64) == before
    await resident.say("/vergeetmij")
    assert "er is niets verwijderd" in text_of(await resident.press("pv:nothing"))  # the button does the same
    assert await assistant.services.conversations.get(64) == before
    await resident.say("ja")  # the question was answered: a later "ja" removes nothing
    assert (await assistant.services.residents.get(64)).wijk_code


async def test_forget_me_other_text_asks_again(assistant) -> None:
    resident = await with_wijk(assistant, 65)
    await resident.say("/vergeetmij")
    again = await resident.say("blablabla")
    assert "Dat antwoord begreep ik niet" in text_of(again) and "kunt u niet terugdraaien" in text_of(again)
    assert actions_of(again) == ["pv:erase:keep", "pv:nothing"]
    unclear = await resident.say("ja maar nee")
    assert "Ik weet niet zeker of u ja of nee bedoelt" in text_of(unclear) and "pv:erase:keep" in actions_of(unclear)
    assert (await assistant.services.residents.get(65)).wijk_code  # nothing removed while unclear
    assert "uw gegevens zijn verwijderd" in text_of(await resident.say("ja"))  # still the question
