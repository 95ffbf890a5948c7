"""The real python-telegram-bot Application, offline: updates in, Bot API calls out."""

from __future__ import annotations

from telegram import Update

from storage import ConversationRepository, Database, QuestionLog, ResidentRepository, StaffRepository
from tests.auxil.app import offline_application, running
from tests.auxil.recording_request import buttons_of
from tests.auxil.updates import callback_update, message_update


async def test_start_registers_commands_and_greets(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        commands = api.sent("setMyCommands")
        assert [c.get("language_code") for c in commands] == [None, "nl", "en"]
        nl = {c["command"]: c["description"] for c in commands[1]["commands"]}
        en = {c["command"]: c["description"] for c in commands[2]["commands"]}
        assert nl["contact"] == "Vind uw gebiedsverbinder" and en["contact"] == "Find your gebiedsverbinder"
        assert commands[0]["commands"] == commands[1]["commands"]  # Dutch is the default
        assert "idee" in nl and "idea" in en and "idee" not in en  # each menu in its own language

        await app.process_update(message_update(app.bot, 11, "/start"))
        [sent] = api.sent()
        assert sent["chat_id"] == 11 and "Welkom bij Wijkwijzer" in sent["text"]
        assert "parse_mode" not in sent  # plain text: nothing a resident typed is read as markup
        assert [label for label, _ in buttons_of(sent)] == [
            "Vragen over wijkplatforms", "Idee of signaal doorgeven", "Mijn wijk", "Inspraak", "Contact"]

        api.clear()
        await app.process_update(message_update(app.bot, 12, "/start", language_code="en"))
        assert "Welcome to Wijkwijzer" in api.sent()[0]["text"]


async def test_question_and_unanswered_question_in_database(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        await app.process_update(message_update(app.bot, 21, "Wie is de gebiedsverbinder voor Schalkwijk?"))
        assert "Ingrid Hamer" in api.sent()[-1]["text"]
        await app.process_update(message_update(app.bot, 21, "wanneer wordt het grofvuil opgehaald"))
        assert "Daar weet ik niets van" in api.sent()[-1]["text"] and "14 023" in api.sent()[-1]["text"]
        unknown = "krijgen vrijwilligers van het wijkplatform een onkostenvergoeding"
        await app.process_update(message_update(app.bot, 21, unknown))
        assert "Daar heb ik geen antwoord op" in api.sent()[-1]["text"]
        gaps = await QuestionLog(app.bot_data["database"]).gaps()
        assert sorted((g.example, g.outcomes) for g in gaps) == [
            (unknown, "no_match"), ("wanneer wordt het grofvuil opgehaald", "off_topic")]


async def test_buttons_answer_the_callback_and_edit_when_paging(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        await app.process_update(callback_update(app.bot, 31, "m:faq", message_id=1001))
        assert len(api.sent("answerCallbackQuery")) == 1
        assert "Kies een onderwerp" in api.sent()[-1]["text"]
        await app.process_update(callback_update(app.bot, 31, "g:geld:0", message_id=1002))
        [edit] = api.sent("editMessageText")
        assert edit["message_id"] == 1002 and edit["chat_id"] == 31
        assert ("Meer", "g:geld:1") in buttons_of(edit)
        for _label, data in buttons_of(edit):
            assert len(data.encode()) <= 64


async def test_contact_flow_is_stored_and_finished(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        db: Database = app.bot_data["database"]
        await app.process_update(callback_update(app.bot, 41, "m:contact"))
        state = await ConversationRepository(db).get(41)
        assert (state.flow, state.step) == ("contact", "ask_stadsdeel")
        await app.process_update(message_update(app.bot, 41, "Noord"))
        assert "Karin Kranendonk" in api.sent()[-1]["text"]
        assert await ConversationRepository(db).get(41) is None


async def test_sticker_and_voice_mid_flow(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        await app.process_update(callback_update(app.bot, 51, "m:contact"))
        api.clear()
        sticker = {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False, "type": "regular"}
        await app.process_update(message_update(app.bot, 51, sticker=sticker))
        texts = [p["text"] for p in api.sent()]
        assert "kan ik niet lezen" in texts[0] and "Over welk stadsdeel" in texts[1]
        api.clear()
        voice = {"file_id": "v1", "file_unique_id": "u2", "duration": 3}
        await app.process_update(message_update(app.bot, 51, voice=voice))
        assert "kan ik niet lezen" in api.sent()[0]["text"]


async def test_location_message(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        location = {"latitude": 52.3812, "longitude": 4.6366}
        await app.process_update(message_update(app.bot, 61, location=location))
        assert "Deze locatie ligt in Oude Stad" in api.sent()[-1]["text"]


async def test_language_switch_via_buttons(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        await app.process_update(message_update(app.bot, 71, "/taal"))
        await app.process_update(callback_update(app.bot, 71, "lang:en"))
        assert (await ResidentRepository(app.bot_data["database"]).get(71)).language == "en"
        await app.process_update(message_update(app.bot, 71, "hoeveel subsidie krijgt een wijkplatform"))
        assert "€ 5,000" in api.sent()[-1]["text"]


async def test_group_chats_are_ignored(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        api.clear()
        await app.process_update(message_update(app.bot, 81, "/start", chat_type="group"))
        await app.process_update(callback_update(app.bot, 81, "m:faq", chat_type="group"))
        assert api.sent() == []


async def test_error_still_answers_the_resident(db_path: str, content, monkeypatch) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        async def broken(_incoming):
            raise RuntimeError("database on fire")

        monkeypatch.setattr(app.bot_data["assistant"], "handle", broken)
        update: Update = message_update(app.bot, 91, "hallo")
        await app.process_update(update)
        assert "er ging bij mij iets mis" in api.sent()[-1]["text"]


async def test_start_says_once_that_there_is_no_email_and_who_receives_nothing(db_path: str, content,
                                                                               caplog) -> None:
    db = await Database.open(db_path)
    await StaffRepository(db).add(900, "gebiedsverbinder", "noord")
    await db.close()
    app, _api = offline_application(db_path, content)
    with caplog.at_level("WARNING", logger="bot.app"):
        async with running(app):
            pass
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.app"]
    assert sum("SMTP is not configured" in w for w in warnings) == 1
    [unreached] = [w for w in warnings if "nobody receives" in w]
    assert "Centrum, Oost, Schalkwijk, Zuidwest" in unreached and "Noord" not in unreached
