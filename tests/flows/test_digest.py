"""/digest: a gebiedsverbinder sees and changes when and how their digest comes."""

from __future__ import annotations

from flows import Assistant
from storage import Database, StaffRepository
from storage.digests import DigestRepository
from tests.conftest import Resident, actions_of, text_of

GV, CITY = 7002, 7003


async def test_show_and_change_the_setting(db: Database, content) -> None:
    await StaffRepository(db).add(GV, "gebiedsverbinder", "noord", "Test Noord", "noord@example.org")
    changed = []
    assistant = Assistant.create(db, content, email=True)
    assistant.services.schedule_changed = lambda: changed.append(1)
    person = Resident(assistant, GV)
    text = text_of(await person.say("/digest"))
    assert "Overzicht van stadsdeel Noord" in text and "werkdagen om 08:00 · volgende:" in text
    assert "in deze chat-app en per e-mail naar noord@example.org" in text
    assert "dg:when:weekly" in actions_of(person.last) and "dg:empty:on" in actions_of(person.last)

    days = await person.press("dg:when:weekly")
    assert "Op welke dag?" in text_of(days) and actions_of(days)[4] == "dg:day:4"
    text = text_of(await person.press("dg:day:4"))
    assert "Opgeslagen." in text and "elke vrijdag om 08:00" in text
    times = await person.press("dg:time")
    assert "Hoe laat" in text_of(times) and "dg:at:0700" in actions_of(times)
    assert "• 08:00" in [b.label for r in times for row in r.buttons for b in row]  # the current time
    text = text_of(await person.press("dg:at:0700"))
    assert "elke vrijdag om 07:00" in text and ", 07:00" in text and "Tijd: 07:00 (wijzigen)" in [
        b.label for r in person.last for row in r.buttons for b in row]
    assert "hoort bij een eerdere vraag" in text_of(await person.press("dg:at:0300"))  # not a time offered
    await person.press("dg:how:email")
    await person.press("dg:empty:on")
    settings = await DigestRepository(db).settings(GV)
    assert (settings.schedule, settings.weekday, settings.at, settings.channel, settings.when_empty) == (
        "weekly", 4, "07:00", "email", True)
    assert len(changed) == 4  # the scheduler plans again after each change (choosing "weekly" saves nothing yet)

    assert "Typ het e-mailadres" in text_of(await person.press("dg:email"))
    assert "Dat is geen e-mailadres" in text_of(await person.say("k.kranendonk at haarlem"))
    text = text_of(await person.say("k.kranendonk@haarlem.nl"))
    assert "per e-mail naar k.kranendonk@haarlem.nl" in text
    await person.press("dg:email")
    await person.say("geen")
    assert (await DigestRepository(db).settings(GV)).email is None  # the staff table's address again
    await person.press("dg:when:off")
    assert "Wanneer: uit" in text_of(await person.say("/digest"))
    assert "hoort bij een eerdere vraag" in text_of(await person.press("dg:when:hourly"))


async def test_without_smtp_the_chat_app_is_said(db: Database, content, assistant) -> None:
    await StaffRepository(db).add(GV, "gebiedsverbinder", "noord", None, "noord@example.org")
    text = text_of(await Resident(assistant, GV).say("/digest"))
    assert "e-mail naar noord@example.org is op deze assistent niet ingesteld" in text


async def test_city_wide_staff_and_residents_have_no_digest(db: Database, assistant) -> None:
    await StaffRepository(db).add(CITY, "staff", None, "Communicatie")
    assert "Overzichten zijn voor gebiedsverbinders" in text_of(await Resident(assistant, CITY).say("/digest"))
    assert "alleen voor medewerkers" in text_of(await Resident(assistant, 42).press("dg:when:daily"))
    assert await db.fetchall("SELECT * FROM digest_settings") == []


async def test_english_staff_remove_the_address_with_an_english_word(db: Database, assistant) -> None:
    await StaffRepository(db).add(GV, "gebiedsverbinder", "noord", None, "noord@example.org")
    person = Resident(assistant, GV, "en")
    await person.say("/digest")
    assert "“none” to remove it" in text_of(await person.press("dg:email"))
    await person.say("k.kranendonk@haarlem.nl")
    await person.press("dg:email")
    assert "Saved." in text_of(await person.say("none"))
    assert (await DigestRepository(db).settings(GV)).email is None
