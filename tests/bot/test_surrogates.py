"""Lone surrogates and failed writes (issue 10, item 10).

A client can send a lone UTF-16 surrogate; Python keeps it in a str, SQLite refuses to store it.
The adapter makes every incoming text valid, and a step is cleared only after its write succeeded.
"""

from __future__ import annotations

import pytest

from bot.telegram_adapter import valid_text
from flows import Assistant
from storage import ConversationRepository, Database, SubmissionRepository
from tests.auxil.app import offline_application, running
from tests.auxil.updates import callback_update, message_update
from tests.conftest import Resident, text_of
from tests.flows.test_intake import finish, start_idea

LONE = "\ud83d"


def test_valid_text_replaces_lone_surrogates_only() -> None:
    assert valid_text(f"bankje {LONE} park") == "bankje \ufffd park"
    assert valid_text("\udc00x\ud800") == "\ufffdx\ufffd"
    assert valid_text("\ud83d\ude00") == "😀"  # a split pair is joined again
    assert valid_text("gewoon 😀 é") == "gewoon 😀 é"


async def test_lone_surrogates_from_telegram_reach_the_database_as_valid_text(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        await app.process_update(message_update(app.bot, 31, f"wanneer komt de wijkraad {LONE} terug"))
        await app.process_update(message_update(app.bot, 31, "/idee"))
        await app.process_update(callback_update(app.bot, 31, f"in:kind:idee{LONE}"))
        await app.process_update(callback_update(app.bot, 31, "in:kind:idee"))
        await app.process_update(message_update(app.bot, 31, "Vogelenwijk"))
        await app.process_update(message_update(app.bot, 31, f"Een bankje {LONE} bij de vijver, graag."))
        state = await ConversationRepository(app.bot_data["database"]).get(31)
        assert state.data["text"] == "Een bankje \ufffd bij de vijver, graag."
        assert not any("Sorry" in text for text in api.texts())


async def test_add_info_keeps_its_step_when_the_write_fails(resident: Resident, assistant: Assistant, db: Database,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    await start_idea(resident)
    await finish(resident)
    await resident.press("in:send")
    await resident.press("my:1:info")

    async def failing_record(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(assistant.services.submissions, "record", failing_record)
    with pytest.raises(OSError):
        await resident.say("De vijver ligt achter de school.")
    state = await ConversationRepository(db).get(42)
    assert (state.flow, state.step, state.data) == ("mine", "info", {"submission_id": 1})
    monkeypatch.undo()
    replies = await resident.say("De vijver ligt achter de school.")  # the retry works
    assert "Toegevoegd aan" in text_of(replies)
    assert [e.action for e in await SubmissionRepository(db).events(1)] == ["created", "info"]
    assert await ConversationRepository(db).get(42) is None


@pytest.mark.parametrize("locale", ["C", "C.UTF-8"])
def test_shell_takes_bytes_that_are_not_utf8(tmp_path, locale: str) -> None:
    import os
    import subprocess
    import sys

    from tests.bot.test_cli import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIJKWIJZER_", "LC_", "PYTHONUTF8"))}
    env.update({"LC_ALL": locale, "PYTHONPATH": str(ROOT), "WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")})
    result = subprocess.run([sys.executable, "-m", "bot", "shell"], input=b"wie is \xff\xfe de gebiedsverbinder\n",
                            capture_output=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
