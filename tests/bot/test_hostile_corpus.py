"""Hostile input through the real Application: spammers, curious teenagers, broken clients, forged buttons.

Every case runs against a fresh database in the real python-telegram-bot Application (offline Bot
API) and must get either a helpful reply (the texts listed) or a deliberate silence (``SILENT``).
For every case: nothing is logged above WARNING, the tables not named in ``changes`` are exactly
as before, every message fits Telegram (4,096 characters, 64-byte buttons, no parse mode), and the
application still answers the next resident.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from telegram.error import NetworkError
from telegram.ext import Application

from content import load_content
from content.errors import ContentError
from content.geography import Geography
from content.loader import BUNDLED_DIR, POLYGONS_FILE
from storage import ConversationRepository, NewSubmission, StaffRepository, SubmissionRepository
from tests.auxil.app import offline_application, running
from tests.auxil.hostile import FaultyRequest, Harness, db_files, message
from tests.auxil.recording_request import BOT_USER, buttons_of
from tests.auxil.updates import user
from tests.flows.test_permissions import snapshot

Action = Callable[[Harness], Awaitable[None]]
SILENT = None
ANY_TABLE = "*"
RESIDENT, OTHER, STAFF = 42, 43, 900
TOKEN = "123456:TEST-token"  # the token tests/auxil/app.py gives the application

# What the assistant says (Dutch: the residents' Telegram reports language "nl").
WELCOME = "Welkom bij Wijkwijzer"
UNREADABLE = "Dit soort bericht kan ik niet lezen"
STALE_BUTTON = "Die knop werkt niet meer"
UNKNOWN_COMMAND = "ken ik niet. Typ /help"
TOO_LONG = "Uw bericht is te lang voor een vraag"
NO_ANSWER = "Daar heb ik geen antwoord op"
NOT_HAARLEM = "Die locatie ligt niet in Haarlem"
PHOTO_FIRST_IDEE = "Kies dan eerst /idee"
STAFF_ONLY = "alleen voor medewerkers"
ONLY_GEBIEDSVERBINDER = "Dit mag alleen de gebiedsverbinder"
NOT_YOURS = "Die melding kan ik niet vinden bij uw meldingen"
HELP = "Commando's:"
ASK_TEXT = "Beschrijf uw idee"
ASK_STADSDEEL = "Over welk stadsdeel"
ASK_REPLY = "Mag de gebiedsverbinder u via deze chat antwoorden?"
ASK_NAME = "Mag de gebiedsverbinder uw naam in Telegram"
LANGUAGE = "Kies uw taal"
ADDED = "Toegevoegd aan"
NO_LOCATION_HERE = "Een locatie kan ik hier niet gebruiken"


@dataclass(frozen=True)
class Case:
    id: str
    send: Action  # the hostile input
    expect: tuple[str, ...] | None  # texts the answer holds; None: a deliberate silence
    setup: Action | None = None  # how the resident got here (not checked)
    changes: tuple[str, ...] = ()  # tables that may change; ANY_TABLE: not compared
    quiet: bool = True  # nothing logged above WARNING
    check: Action | None = None  # what else must hold afterwards

    def param(self) -> object:
        return pytest.param(self, id=self.id)


# ---------------------------------------------------------------- where residents are when it happens

async def in_contact(h: Harness) -> None:
    await h.press("m:contact")


async def in_intake_text(h: Harness) -> None:
    await h.say("/idee")
    await h.press("in:kind:idee")
    await h.say("Vogelenwijk")


async def in_intake_reply(h: Harness) -> None:
    await in_intake_text(h)
    await h.say("Graag meer bankjes in het park bij de vijver.")
    await h.press("in:photos:done")
    await h.press("in:theme:groen")


async def in_intake_name(h: Harness) -> None:
    await in_intake_reply(h)
    await h.press("in:reply:yes")


async def with_submission(h: Harness) -> None:
    """Resident 42 sent submission 1 for Noord; gebiedsverbinder 900 handles Noord."""
    await StaffRepository(h.db).add(STAFF, "gebiedsverbinder", "noord")
    await SubmissionRepository(h.db).create(NewSubmission(
        user_id=RESIDENT, kind="idee", wijk_code="WK039210", stadsdeel="noord", handled_by="noord",
        theme="groen", text="Een bankje bij de speeltuin graag.", latitude=None, longitude=None,
        consent_reply=True, resident_name=None, language="nl"), lambda s: [])


async def in_add_info(h: Harness) -> None:
    await with_submission(h)
    await h.press("my:1:info")


async def as_staff(h: Harness) -> None:
    """The person pressing is the gebiedsverbinder of Noord."""
    await StaffRepository(h.db).add(RESIDENT, "gebiedsverbinder", "noord")


def at_step(step: str, *absent: str) -> Action:
    """The resident is still at ``step`` of their conversation, without the answers ``absent``."""
    async def check(h: Harness) -> None:
        state = await ConversationRepository(h.db).get(RESIDENT)
        assert state is not None and state.step == step, state
        assert not set(absent) & set(state.data), state.data
    return check


# ---------------------------------------------------------------- kinds of message Telegram can send

def media(kind: str, value: object) -> Action:
    return lambda h: h.raw(message=message(**{kind: value}))


STICKER = {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512, "is_animated": False,
           "is_video": False, "type": "regular"}
VOICE = {"file_id": "v1", "file_unique_id": "u2", "duration": 3}
VIDEO = {"file_id": "vi1", "file_unique_id": "u3", "width": 640, "height": 480, "duration": 5}
DOCUMENT = {"file_id": "d1", "file_unique_id": "u4", "file_name": "../../etc/passwd.pdf"}
CONTACT = {"phone_number": "+31612345678", "first_name": "Buurman"}
POLL = {"id": "p1", "question": "Meer bankjes?", "total_voter_count": 0, "is_closed": False,
        "is_anonymous": True, "type": "regular", "allows_multiple_answers": False, "allows_revoting": False,
        "members_only": False, "options": [{"text": "ja", "voter_count": 0, "persistent_id": "o1"},
                                           {"text": "nee", "voter_count": 0, "persistent_id": "o2"}]}
DICE = {"emoji": "🎲", "value": 6}
AUDIO = {"file_id": "a1", "file_unique_id": "u5", "duration": 30}
VIDEO_NOTE = {"file_id": "vn1", "file_unique_id": "u6", "length": 240, "duration": 4}
ANIMATION = {"file_id": "an1", "file_unique_id": "u7", "width": 200, "height": 200, "duration": 2}
PHOTO = [{"file_id": "ph-small", "file_unique_id": "u8", "width": 90, "height": 90},
         {"file_id": "ph-large", "file_unique_id": "u9", "width": 1280, "height": 960}]
AMSTERDAM = {"latitude": 52.3731, "longitude": 4.8926}
NORTH_SEA = {"latitude": 52.45, "longitude": 4.30}
NOT_ON_EARTH = {"latitude": 91.0, "longitude": 200.0}
VENUE = {"location": {"latitude": 52.3812, "longitude": 4.6366}, "title": "Grote Markt", "address": "Haarlem"}
GROUP = {"id": -100123, "type": "group", "title": "Buurtgroep"}
SUPERGROUP = {"id": -100456, "type": "supergroup", "title": "Wijkapp"}
CHANNEL = {"id": -100789, "type": "channel", "title": "Wijknieuws"}


async def bot_sender(h: Harness) -> None:
    await h.raw(message=message(text="/start", **{"from": {**BOT_USER, "id": 1234}},
                                entities=[{"type": "bot_command", "offset": 0, "length": 6}]))


async def no_data_callback(h: Harness) -> None:
    """A game button: a callback query without data."""
    await h.raw(callback_query={"id": "cq1", "from": user(RESIDENT), "chat_instance": "ci",
                                "game_short_name": "game", "message": message(text="…")})


async def old_message_callback(h: Harness) -> None:
    """A button on a message Telegram no longer has (date 0: an inaccessible message)."""
    await h.raw(callback_query={"id": "cq2", "from": user(RESIDENT), "chat_instance": "ci", "data": "m:faq",
                                "message": {"message_id": 1, "date": 0,
                                            "chat": {"id": RESIDENT, "type": "private"}}})


async def inline_callback(h: Harness) -> None:
    """A button of an inline message: no message at all, only an inline message id."""
    await h.raw(callback_query={"id": "cq3", "from": user(RESIDENT), "chat_instance": "ci", "data": "m:faq",
                                "inline_message_id": "AAAA"})


async def blocked(h: Harness) -> None:
    await h.raw(my_chat_member={"chat": {"id": RESIDENT, "type": "private"}, "from": user(RESIDENT),
                                "date": 1, "old_chat_member": {"status": "member", "user": BOT_USER},
                                "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0}})


async def flood(h: Harness) -> None:
    """300 messages in under two seconds (here: 40 in a row)."""
    for _ in range(40):
        await h.say("/help")


async def send_with_surrogate_name(h: Harness) -> None:
    """A Telegram name with a lone surrogate (some clients send them), shown to staff with consent."""
    await h.say("ja", **{"from": {**user(RESIDENT), "first_name": "Jan \udc9f"}})
    await h.press("in:send")


def answered_at_most(count: int) -> Action:
    async def check(h: Harness) -> None:
        assert 1 <= len(h.sent()) <= count, len(h.sent())
    return check


async def delete_database(h: Harness) -> None:
    for path in db_files(h.db_path):
        if path.exists():
            os.remove(path)


async def refused_and_not_recreated(h: Harness) -> None:
    assert h.records_above_warning, "an ERROR log is expected when the database file disappeared"
    assert "Wat wilt u doorgeven" not in h.texts()  # no question whose answer would be lost
    assert not any(path.exists() for path in db_files(h.db_path))  # and no fresh, empty database in its place


async def unauthorized(h: Harness) -> None:
    h.api.fail_status = 401


async def token_never_logged(h: Harness) -> None:
    assert TOKEN not in h.log_text and TOKEN.split(":")[1] not in h.log_text
    h.api.fail_status = None


async def polling_network_error(h: Harness) -> None:
    """What run_polling does when a getUpdates call fails (no error_callback: the error handlers)."""
    await h.app.process_error(update=None, error=NetworkError("httpx.ConnectError: All connection attempts failed"))


QUESTIONS = ("unanswered_questions",)  # the log of questions the sources do not answer
STATE = ("conversations",)

CASES = [
    # ---- text a resident types, outside any flow
    Case("overlong-5000", lambda h: h.say("a " * 2500), (TOO_LONG,)),
    Case("overlong-4097-one-word", lambda h: h.say("x" * 4097), (TOO_LONG,)),
    Case("empty-text", lambda h: h.say(""), (NO_ANSWER,), changes=QUESTIONS),
    Case("only-whitespace", lambda h: h.say(" \n\t "), (NO_ANSWER,), changes=QUESTIONS),
    Case("only-emoji", lambda h: h.say("😀😀🏳️‍🌈👍🏽"), (NO_ANSWER,), changes=QUESTIONS),
    Case("zero-width-only", lambda h: h.say("\u200b\u200c\u200d\ufeff\u2060"), (NO_ANSWER,), changes=QUESTIONS),
    Case("zero-width-in-question",
         lambda h: h.say("wie is de gebied\u200bsverbinder voor Schalk\u200cwijk\u200d\ufeff"),
         ("Ingrid Hamer",), changes=QUESTIONS),
    Case("rtl-arabic", lambda h: h.say("مرحبا، من هو منسق الحي؟"), (NO_ANSWER,), changes=QUESTIONS),
    Case("rtl-override", lambda h: h.say("\u202egnillortsi\u202c wie is de gebiedsverbinder"), (ASK_STADSDEEL,),
         changes=STATE),
    Case("sql-injection", lambda h: h.say("'; DROP TABLE submissions; --"), (NO_ANSWER,), changes=QUESTIONS),
    Case("sql-injection-or", lambda h: h.say("x' OR '1'='1"), (NO_ANSWER,), changes=QUESTIONS),
    Case("html-injection", lambda h: h.say("<b>vet</b><script>alert(1)</script>"), (NO_ANSWER,), changes=QUESTIONS),
    Case("markdown-injection", lambda h: h.say("*vet* _schuin_ [klik](http://evil.example) `code`"),
         (NO_ANSWER,), changes=QUESTIONS),
    Case("format-strings", lambda h: h.say("{} {0} {text} %s %(name)s %d {{"), (NO_ANSWER,), changes=QUESTIONS),
    Case("null-and-control-bytes", lambda h: h.say("hallo\x00\x07\x1b[31m"), ("Stel gerust uw vraag",)),
    Case("zalgo", lambda h: h.say("w" + "\u0301\u0302\u0303" * 200 + "ie"), ("Ik ben Wijkwijzer",)),
    Case("lone-surrogate", lambda h: h.say("hallo \ud800 daar, wie is de gebiedsverbinder?"),
         ("stadsdeel",), changes=QUESTIONS + STATE),
    # ---- commands
    Case("unknown-command", lambda h: h.say("/hack"), (UNKNOWN_COMMAND,)),
    Case("slash-only", lambda h: h.say("/"), (NO_ANSWER,), changes=QUESTIONS),
    Case("overlong-command", lambda h: h.say("/" + "a" * 3000), (UNKNOWN_COMMAND,)),
    Case("command-for-this-bot", lambda h: h.say("/start@WijkwijzerTestBot"), (WELCOME,)),
    Case("command-for-other-bot", lambda h: h.say("/help@otherbot"), (HELP,)),
    Case("command-upper-case", lambda h: h.say("/START"), (WELCOME,)),
    Case("command-junk-args", lambda h: h.say("/help '; DROP TABLE staff; -- {} %s"), (HELP,)),
    Case("mine-huge-arg", lambda h: h.say("/mijn 99999999999999999999999"), ("U heeft nog niets gestuurd",)),
    Case("language-junk-arg", lambda h: h.say("/taal xx"), (LANGUAGE,)),
    Case("idee-with-args", lambda h: h.say("/idee <script>"), ("Wat wilt u doorgeven",), changes=STATE),
    Case("staff-open-as-resident", lambda h: h.say("/open"), (STAFF_ONLY,)),
    Case("staff-open-with-page", lambda h: h.say("/open 99999999999999999999"), (STAFF_ONLY,)),
    Case("staff-inspraakbeheer-as-resident", lambda h: h.say("/inspraakbeheer"), ("alleen",)),
    Case("start-campaign-payload", lambda h: h.say("/start campagne2026"), (WELCOME,)),
    Case("start-utm-payload", lambda h: h.say("/start utm_source-poster_zuid"), (WELCOME,)),
    Case("start-unknown-wijk-poster", lambda h: h.say("/start w-WK999999"), (WELCOME,)),
    Case("start-overlong-payload", lambda h: h.say("/start " + "A" * 65), (WELCOME,)),
    Case("start-path-payload", lambda h: h.say("/start ../../etc/passwd"), (WELCOME,)),
    Case("start-two-payloads", lambda h: h.say("/start w-WK039214 extra"), (WELCOME,)),
    # ---- what the flows do not read
    Case("sticker", media("sticker", STICKER), (UNREADABLE,)),
    Case("voice", media("voice", VOICE), (UNREADABLE,)),
    Case("video", media("video", VIDEO), (UNREADABLE,)),
    Case("document", media("document", DOCUMENT), (UNREADABLE,)),
    Case("contact", media("contact", CONTACT), (UNREADABLE,)),
    Case("poll", media("poll", POLL), (UNREADABLE,)),
    Case("dice", media("dice", DICE), (UNREADABLE,)),
    Case("audio", media("audio", AUDIO), (UNREADABLE,)),
    Case("video-note", media("video_note", VIDEO_NOTE), (UNREADABLE,)),
    Case("animation", media("animation", ANIMATION), (UNREADABLE,)),
    Case("venue", lambda h: h.raw(message=message(venue=VENUE, location=VENUE["location"])), (UNREADABLE,)),
    Case("location-amsterdam", media("location", AMSTERDAM), (NOT_HAARLEM,)),
    Case("location-in-the-sea", media("location", NORTH_SEA), (NOT_HAARLEM,)),
    Case("location-not-on-earth", media("location", NOT_ON_EARTH), (NOT_HAARLEM,)),
    Case("photo-without-caption", media("photo", PHOTO), (PHOTO_FIRST_IDEE,)),
    Case("photo-with-injection-caption", lambda h: h.raw(message=message(photo=PHOTO, caption="<b>{}</b> %s")),
         (PHOTO_FIRST_IDEE,)),
    # ---- the same, in the middle of a conversation
    Case("photo-without-caption-mid-intake", media("photo", PHOTO), ("Foto toegevoegd", ASK_TEXT),
         setup=in_intake_text, changes=STATE),
    Case("sticker-mid-intake", media("sticker", STICKER), (UNREADABLE, ASK_TEXT), setup=in_intake_text),
    Case("location-in-the-sea-mid-intake", media("location", NORTH_SEA), (NO_LOCATION_HERE, ASK_TEXT),
         setup=in_intake_text),
    Case("photo-mid-contact", media("photo", PHOTO), (PHOTO_FIRST_IDEE, ASK_STADSDEEL), setup=in_contact,
         changes=STATE),
    Case("voice-mid-contact", media("voice", VOICE), (UNREADABLE, ASK_STADSDEEL), setup=in_contact,
         changes=STATE),
    Case("overlong-intake-text", lambda h: h.say("lang " * 1000), ("Dat is te lang",), setup=in_intake_text,
         changes=STATE, check=lambda h: _offers("in:trim")(h)),
    Case("format-string-intake-text", lambda h: h.say("{reference} {text} {0} %s %(x)s {{}} en meer tekst"),
         ("Wilt u foto's",), setup=in_intake_text, changes=STATE,
         check=lambda h: _state_text_is("{reference} {text} {0} %s %(x)s {{}} en meer tekst")(h)),
    Case("lone-surrogate-intake-text", lambda h: h.say("Meer bankjes \udc80 bij de vijver graag"), ("Wilt u foto's",),
         setup=in_intake_text, changes=STATE),
    Case("lone-surrogate-add-info", lambda h: h.say("Het gaat om de kant \ud83d bij de speeltuin."), (ADDED,),
         setup=in_add_info, changes=("submissions", "submission_events", "outbox", "conversations")),
    Case("lone-surrogate-in-name", send_with_surrogate_name, ("Verstuurd",), setup=in_intake_name,
         changes=("submissions", "submission_events", "outbox", "conversations", "residents")),
    # ---- updates the assistant does not take part in
    Case("edited-message", lambda h: h.raw(edited_message=message(text="/start", edit_date=1)), SILENT),
    Case("channel-post", lambda h: h.raw(channel_post={**message(text="/start", chat=CHANNEL), "from": None}),
         SILENT),
    Case("group-message", lambda h: h.raw(message=message(text="/start", chat=GROUP)), SILENT),
    Case("supergroup-message", lambda h: h.raw(message=message(text="/idee", chat=SUPERGROUP)), SILENT),
    Case("group-location", lambda h: h.raw(message=message(location=AMSTERDAM, chat=GROUP)), SILENT),
    Case("group-callback", lambda h: h.press("m:faq", chat_type="group"), SILENT),
    Case("message-from-a-bot", bot_sender, SILENT),
    Case("bot-blocked", blocked, SILENT, changes=("residents",)),  # may be marked inactive
    Case("inline-query", lambda h: h.raw(inline_query={"id": "iq", "from": user(RESIDENT), "query": "x",
                                                       "offset": ""}), SILENT),
    Case("inline-message-callback", inline_callback, SILENT),
    Case("old-message-callback", old_message_callback, ("Kies een onderwerp",)),
    # ---- forged button data (Telegram sends back whatever a modified client put there)
    Case("callback-huge-id", lambda h: h.press("my:9999999999999999999999"), (STALE_BUTTON,)),
    Case("callback-huge-page", lambda h: h.press("myp:9999999999999999999999"), (STALE_BUTTON,)),
    Case("callback-superscript-page", lambda h: h.press("myp:²"), (STALE_BUTTON,)),
    Case("callback-superscript-id", lambda h: h.press("my:²"), (STALE_BUTTON,)),
    Case("callback-arabic-indic-digits", lambda h: h.press("my:١٢"), (STALE_BUTTON,)),
    Case("callback-fullwidth-digits", lambda h: h.press("myp:１"), (STALE_BUTTON,)),
    Case("callback-staff-superscript", lambda h: h.press("st:²"), (STALE_BUTTON,)),
    Case("callback-staff-huge", lambda h: h.press("st:9999999999999999999999:show"), (STALE_BUTTON,)),
    Case("callback-staff-13-digits", lambda h: h.press("st:1234567890123:af"), (STALE_BUTTON,)),
    Case("callback-open-empty", lambda h: h.press("op:"), (STALE_BUTTON,)),
    Case("callback-open-huge", lambda h: h.press("op:99999999999999999999"), (STALE_BUTTON,)),
    Case("callback-inspraak-huge-id-as-staff", lambda h: h.press("ib:cancel:99999999999999999999"), (STALE_BUTTON,),
         setup=as_staff),
    Case("callback-inspraak-confirm-huge-id-as-staff", lambda h: h.press("ib:cancelyes:99999999999999999999"),
         (STALE_BUTTON,), setup=as_staff),
    Case("callback-inspraak-superscript-as-staff", lambda h: h.press("ib:cancel:²"), (STALE_BUTTON,),
         setup=as_staff),
    Case("callback-group-superscript", lambda h: h.press("g:geld:²"), (STALE_BUTTON,)),
    Case("callback-group-unknown", lambda h: h.press("g:x:²"), (STALE_BUTTON,)),
    Case("callback-negative-id", lambda h: h.press("my:-1"), (STALE_BUTTON,)),
    Case("callback-negative-page", lambda h: h.press("myp:-1"), (STALE_BUTTON,)),
    Case("callback-empty", lambda h: h.press(""), (STALE_BUTTON,)),
    Case("callback-no-data", no_data_callback, (STALE_BUTTON,)),
    Case("callback-65-bytes", lambda h: h.press("m:" + "f" * 63), (STALE_BUTTON,)),
    Case("callback-unicode", lambda h: h.press("m:faq😀"), (STALE_BUTTON,)),
    Case("callback-nul", lambda h: h.press("menu\x00"), (STALE_BUTTON,)),
    Case("callback-lone-surrogate", lambda h: h.press("m:faq\ud800"), (STALE_BUTTON,)),
    Case("callback-unknown-topic", lambda h: h.press("t:../../etc"), (STALE_BUTTON,)),
    Case("callback-unknown-language", lambda h: h.press("lang:xx"), (LANGUAGE,)),
    Case("callback-send-without-draft", lambda h: h.press("in:send"), ("al verstuurd",)),
    Case("callback-wrong-step", lambda h: h.press("in:name:yes"), (ASK_TEXT,), setup=in_intake_text),
    Case("callback-unknown-wijk", lambda h: h.press("in:w:WK999999"), (ASK_TEXT,), setup=in_intake_text),
    # ---- someone else's buttons, staff buttons from a resident
    Case("callback-other-residents-submission", lambda h: h.press("my:1", user_id=OTHER), (NOT_YOURS,),
         setup=with_submission),
    Case("callback-other-residents-withdraw", lambda h: h.press("my:1:withdraw:yes", user_id=OTHER), (NOT_YOURS,),
         setup=with_submission),
    Case("callback-other-residents-info", lambda h: h.press("my:1:info", user_id=OTHER), (NOT_YOURS,),
         setup=with_submission),
    Case("staff-button-from-resident", lambda h: h.press("st:1:af"), (ONLY_GEBIEDSVERBINDER,),
         setup=with_submission),
    Case("staff-reply-button-from-resident", lambda h: h.press("st:1:reply"), (ONLY_GEBIEDSVERBINDER,),
         setup=with_submission),
    Case("staff-page-from-resident", lambda h: h.press("op:1"), (STAFF_ONLY,), setup=with_submission),
    Case("inspraakbeheer-button-from-resident", lambda h: h.press("ib:cancelyes:1"), ("alleen",)),
    # ---- consent must be unambiguous
    Case("consent-name-niet-graag", lambda h: h.say("niet graag"), (ASK_NAME,), setup=in_intake_name,
         changes=STATE, check=at_step("name", "consent_name")),
    Case("consent-reply-nee-liever-niet-ok", lambda h: h.say("nee, liever niet. ok?"), (ASK_REPLY,),
         setup=in_intake_reply, changes=STATE, check=at_step("reply", "consent_reply")),
    Case("consent-name-no-not-ok", lambda h: h.say("no, not ok"), (ASK_NAME,), setup=in_intake_name,
         changes=STATE, check=at_step("name", "consent_name")),
    Case("consent-name-injection", lambda h: h.say("'; UPDATE submissions SET consent_reply=1; --"), (ASK_NAME,),
         setup=in_intake_name, check=at_step("name", "consent_name")),
    # ---- faults around the messages
    Case("flood-one-resident", flood, (HELP,), check=answered_at_most(25)),
    Case("telegram-answers-401", lambda h: h.say("/start"), (), setup=unauthorized, quiet=False,
         check=token_never_logged),
    Case("polling-network-error", polling_network_error, SILENT),
    Case("database-file-deleted", lambda h: h.say("/idee"), (), setup=delete_database, changes=(ANY_TABLE,),
         quiet=False, check=refused_and_not_recreated),
]


def _offers(action: str) -> Action:
    async def check(h: Harness) -> None:
        assert action in [data for _m, params in h.sent() for _label, data in buttons_of(params)]
    return check


def _state_text_is(expected: str) -> Action:
    async def check(h: Harness) -> None:
        state = await ConversationRepository(h.db).get(RESIDENT)
        assert state.data["text"] == expected
    return check


@asynccontextmanager
async def started(app: Application) -> AsyncIterator[None]:
    """Running as under run_polling (tasks the handlers create are awaited), without fetching updates."""
    await app.start()
    try:
        yield
    finally:
        await app.stop()


def test_the_corpus_is_large_and_named_once() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [case.param() for case in CASES])
async def test_hostile_input(case: Case, tmp_path, content, caplog: pytest.LogCaptureFixture) -> None:
    db_path = str(tmp_path / "wijkwijzer.sqlite3")
    app, api = offline_application(db_path, content, FaultyRequest())
    async with running(app), started(app):
        h = Harness(app, api, db_path)
        if case.setup is not None:
            await case.setup(h)
        api.clear()
        caplog.clear()
        before = await snapshot(h.db) if ANY_TABLE not in case.changes else {}

        with caplog.at_level(logging.INFO):
            await case.send(h)
        h.records_above_warning = [r for r in caplog.records if r.levelno > logging.WARNING]
        h.log_text = caplog.text

        texts = h.texts()
        if case.expect is SILENT:
            assert h.sent() == [], texts
        for expected in case.expect or ():
            assert expected in texts, texts
        if case.quiet:
            assert not h.records_above_warning, [r.getMessage() for r in h.records_above_warning]
        if case.check is not None:
            await case.check(h)
        for _method, params in h.sent():
            assert len(str(params.get("text", ""))) <= 4096 and len(str(params.get("caption", ""))) <= 1024
            assert "parse_mode" not in params
            for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
                assert all(len(b["callback_data"].encode()) <= 64 for b in row)
        if ANY_TABLE not in case.changes:
            after = await snapshot(h.db)
            assert {t: rows for t, rows in after.items() if t not in case.changes} == {
                t: rows for t, rows in before.items() if t not in case.changes}

        # and the application still serves the next resident
        assert app.running
        api.clear()
        await h.say("/start", user_id=4242)
        if ANY_TABLE in case.changes:  # the database is gone: an answer, whatever it says
            assert h.sent(), "the application stopped answering"
        else:
            assert WELCOME in h.texts(), "the application stopped answering"


# ---------------------------------------------------------------- corrupt content (an operator's mistake)

def _geojson(change: Callable[[dict], object]) -> bytes:
    data = json.loads((BUNDLED_DIR / POLYGONS_FILE).read_text(encoding="utf-8"))
    change(data)
    return json.dumps(data).encode()


def _set_geometry(geometry: object) -> Callable[[dict], object]:
    return lambda data: data["features"][0].__setitem__("geometry", geometry)


CONTENT_CASES = [
    # (id, file, bytes)
    ("faq-not-utf8", "faq.yaml", "vraag: caf\xe9\n".encode("latin-1")),
    ("wijken-not-utf8", "wijken.yaml", "naam: caf\xe9\n".encode("latin-1")),
    ("themes-utf16", "themes.yaml", "themes: []".encode("utf-16")),
    ("faq-a-list", "faq.yaml", b"- 1\n- 2\n"),
    ("faq-empty", "faq.yaml", b""),
    ("faq-broken-yaml", "faq.yaml", b"topics: [\n"),
    ("geojson-not-utf8", POLYGONS_FILE, b'{"type": "caf\xe9"}'),
    ("geojson-a-list", POLYGONS_FILE, b"[]"),
    ("geojson-feature-not-an-object", POLYGONS_FILE, b'{"type": "FeatureCollection", "features": [1]}'),
    ("geojson-geometry-null", POLYGONS_FILE, _geojson(_set_geometry(None))),
    ("geojson-coordinates-ragged", POLYGONS_FILE,
     _geojson(_set_geometry({"type": "Polygon", "coordinates": [[[4.6, 52.3], [4.7]]]}))),
    ("geojson-coordinates-text", POLYGONS_FILE, _geojson(_set_geometry({"type": "Polygon", "coordinates": "x"}))),
]


@pytest.mark.parametrize(("file", "data"), [
    pytest.param(file, data, id=case_id) for case_id, file, data in CONTENT_CASES])
def test_corrupt_content_is_one_line_naming_the_file(tmp_path, file: str, data: bytes) -> None:
    """check-content (and the start) refuse it with one line: file, entry and field; never a traceback.

    Whatever check-content lets through must also build the geography the running bot uses."""
    (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / file).write_bytes(data)
    with pytest.raises(ContentError) as refused:
        Geography(load_content(tmp_path))
    assert "\n" not in str(refused.value) and str(refused.value).startswith(file)
