"""Operating the bot: a network outage while polling, and webhook mode behind a secret token.

Issue 10: polling errors during an outage are logged once, at WARNING and without a traceback,
and the recovery at INFO; the token never appears in the output. In webhook mode a request
without the right secret token gets 403 and changes nothing.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx

from tests.auxil.fake_bot_api import unused_port
from tests.e2e.harness import TOKEN, BotProcess, Emulator, Resident, require_emulator

KEY = TOKEN.split(":")[1]


def wait_for(check: Any, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_an_outage_while_polling_is_logged_once_and_the_recovery(tmp_path: Path) -> None:
    require_emulator()
    emulator = Emulator()
    log_path = tmp_path / "bot.log"
    bot = BotProcess(emulator, tmp_path / "wijkwijzer.sqlite3", log_path)
    try:
        wait_for(lambda: "Application started" in log_path.read_text(), what="the bot to start polling")
        port = emulator.port
        emulator.kill()
        wait_for(lambda: "cannot be reached" in log_path.read_text(), what="the outage warning")
        time.sleep(3)  # a few more failed polls (python-telegram-bot retries after 1, 1.5, 2.25 s)
        emulator = Emulator(port)
        resident = Resident(emulator, user_id=5101)
        resident.say("/start")
        resident.receive_text("Welkom bij Wijkwijzer")
        wait_for(lambda: "answers again" in log_path.read_text(), what="the recovery line")
    finally:
        bot.stop()
        emulator.stop()
    output = log_path.read_text()
    # The start's own warnings (no SMTP, stadsdelen nobody receives) are not about the outage.
    warnings = [line for line in output.splitlines() if " WARNING " in line and " bot.app: " not in line]
    assert len(warnings) == 1 and "bot.netwatch: the Bot API cannot be reached" in warnings[0], output
    assert [line for line in output.splitlines() if " INFO bot.netwatch: the Bot API answers again" in line]
    assert "Traceback" not in output and " ERROR " not in output, output
    assert KEY not in output


def _update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": f"Bewoner{user_id}", "language_code": "nl"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": user,
        "chat": {"id": user_id, "type": "private", "first_name": user["first_name"]},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}] if text.startswith("/") else []}}


def test_webhook_refuses_requests_without_the_right_secret_token(tmp_path: Path) -> None:
    require_emulator()
    emulator = Emulator()
    port, secret = unused_port(), "webhook-secret_42"
    url = f"http://127.0.0.1:{port}/wijkwijzer/hook"
    db_path, log_path = tmp_path / "wijkwijzer.sqlite3", tmp_path / "bot.log"
    bot = BotProcess(emulator, db_path, log_path, WIJKWIJZER_WEBHOOK_URL=url,
                     WIJKWIJZER_LISTEN=f"127.0.0.1:{port}", WIJKWIJZER_SECRET_TOKEN=secret)
    try:
        def listening() -> bool:
            try:
                httpx.get(url, timeout=1)
            except httpx.TransportError:
                return False
            return True
        wait_for(listening, 60, "the webhook server")
        registered = emulator.http.get("/shim/webhook").json()["result"]
        assert (registered["url"], registered["secret_token"]) == (url, secret)
        posts = [(1, 6001, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret"}),
                 (2, 6002, {}),
                 (3, 6003, {"X-Telegram-Bot-Api-Secret-Token": secret})]
        statuses = [httpx.post(url, json=_update(update_id, user_id, "/idee"), headers=headers, timeout=10
                               ).status_code for update_id, user_id, headers in posts]
        assert statuses == [403, 403, 200]
        Resident(emulator, 6003).receive_text("Wat wilt u doorgeven?")
        for refused in (6001, 6002):
            assert Resident(emulator, refused).receive(lambda m: True, timeout=1) == []
    finally:
        bot.stop()
        emulator.stop()
    with sqlite3.connect(db_path) as conn:
        started = {row[0] for row in conn.execute("SELECT user_id FROM conversations")}
    assert started == {6003}
    assert "serving the webhook" in log_path.read_text() and KEY not in log_path.read_text()
