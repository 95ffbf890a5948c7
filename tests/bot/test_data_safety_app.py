"""The real Application when its database file is deleted while running: a clear answer, one ERROR line."""

from __future__ import annotations

import logging
import os

from tests.auxil.app import offline_application, running
from tests.auxil.updates import message_update


async def test_deleted_database_while_running(db_path: str, content, caplog) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        await app.process_update(message_update(app.bot, 41, "/start"))
        os.remove(db_path)
        api.clear()
        with caplog.at_level(logging.INFO):
            await app.process_update(message_update(app.bot, 41, "/idee"))
            await app.process_update(message_update(app.bot, 41, "/mijnwijk"))
            await app.process_update(message_update(app.bot, 42, "/idea", language_code="en"))
        texts = [p["text"] for p in api.sent()]
        assert texts[:2] == ["Er gaat iets mis bij het opslaan; uw bericht is niet bewaard. Probeer het later "
                             "opnieuw."] * 2
        assert "was not saved" in texts[2]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["storage.db"]  # once, and no "error while handling an update"
