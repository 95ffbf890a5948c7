"""What residents type, and their names, never reach the log at INFO or above (issue 10, logging)."""

from __future__ import annotations

import logging

import pytest

from tests.auxil.app import offline_application, running
from tests.auxil.updates import callback_update, message_update

SECRETS = ["Hoeveel subsidie krijgt ons wijkplatform Zwarteweg", "Bewoner61", "06-12345678",
           "Mijn buurman Jan de Vries belt 0612345678 over de stoep"]


async def test_no_message_text_or_name_is_logged(db_path: str, content, caplog: pytest.LogCaptureFixture) -> None:
    app, api = offline_application(db_path, content)
    with caplog.at_level(logging.INFO):
        async with running(app):
            for text in (SECRETS[0], "/idee", SECRETS[2], "/annuleer", SECRETS[3]):
                await app.process_update(message_update(app.bot, 61, text))
            await app.process_update(callback_update(app.bot, 61, "in:kind:" + "x" * 30))
            await app.process_update(callback_update(app.bot, 61, "unknown:06-12345678"))
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records if r.levelno >= logging.INFO)
    assert caplog.records  # something was logged (the unknown button), so the check can fail
    for secret in SECRETS:
        assert secret not in logged
    assert "12345678" not in logged
