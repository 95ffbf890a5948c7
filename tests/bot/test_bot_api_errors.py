"""The Bot API refusing the token or out of reach: one clear line, retries, and never the token.

Issue 10, items 2 and 8: a 401 used to print the token twice in a traceback, and an unreachable
Bot API at start ended in a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from telegram.error import InvalidToken, NetworkError

from bot.logs import JsonFormatter, TextFormatter
from bot.netwatch import TOKEN_REJECTED, OutageLog, StartError, wait_for_bot_api
from tests.auxil.fake_bot_api import fixed_bot_api, scripted_bot_api, unused_port
from tests.bot.test_cli import wijkwijzer

TOKEN = "123456:SECRET-token-that-must-never-show"
KEY = TOKEN.split(":")[1]


def test_rejected_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    with fixed_bot_api(401, {"ok": False, "error_code": 401, "description": "Unauthorized"}) as base_url:
        result = wijkwijzer("run", env={"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": base_url,
                                        "WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")})
    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert KEY not in output and "123456" not in output
    assert "Traceback" not in output
    assert output.strip().splitlines() == [f"wijkwijzer: {TOKEN_REJECTED}"]


def test_unreachable_bot_api_is_retried_then_one_line(tmp_path: Path) -> None:
    base_url = f"http://127.0.0.1:{unused_port()}/bot"
    result = wijkwijzer("run", env={"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": base_url,
                                    "WIJKWIJZER_START_TIMEOUT": "2", "WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")})
    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert KEY not in output and "Traceback" not in output
    lines = output.strip().splitlines()
    assert "WARNING" in lines[0] and "cannot be reached" in lines[0] and "trying again in 1 s" in lines[0]
    assert lines[-1].startswith(f"wijkwijzer: the Bot API at {base_url} cannot be reached")
    assert "WIJKWIJZER_START_TIMEOUT=2" in lines[-1]


def test_bad_start_timeout_names_the_setting(tmp_path: Path) -> None:
    result = wijkwijzer("run", env={"TELEGRAM_BOT_TOKEN": TOKEN, "WIJKWIJZER_START_TIMEOUT": "soon",
                                    "WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")})
    assert result.returncode == 2 and result.stderr.startswith("wijkwijzer: WIJKWIJZER_START_TIMEOUT")


class FlakyBot:
    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    async def get_me(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error


class FakeTime:
    def __init__(self) -> None:
        self.now, self.pauses = 0.0, []

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


async def test_start_backs_off_and_succeeds() -> None:
    bot, clock = FlakyBot(4, NetworkError("connection refused")), FakeTime()
    await wait_for_bot_api(bot, TOKEN, "http://x/bot", 60, sleep=clock.sleep, clock=lambda: clock.now)
    assert bot.calls == 5 and clock.pauses == [1, 2, 4, 8]


async def test_start_gives_up_at_the_timeout() -> None:
    bot, clock = FlakyBot(100, NetworkError("connection refused")), FakeTime()
    with pytest.raises(StartError, match="gave up after 20 s"):
        await wait_for_bot_api(bot, TOKEN, "http://x/bot", 20, sleep=clock.sleep, clock=lambda: clock.now)
    assert clock.pauses == [1, 2, 4, 8, 5]


async def test_start_stops_at_once_on_a_rejected_token() -> None:
    bot, clock = FlakyBot(1, InvalidToken(f"The token `{TOKEN}` was rejected by the server.")), FakeTime()
    with pytest.raises(StartError) as raised:
        await wait_for_bot_api(bot, TOKEN, "http://x/bot", 60, sleep=clock.sleep, clock=lambda: clock.now)
    assert KEY not in str(raised.value) and clock.pauses == []


def test_an_outage_is_logged_once_and_its_end(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    outages = OutageLog(TOKEN, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="bot.netwatch"):
        for _ in range(5):
            outages.polling_error(NetworkError("httpx.ConnectError: All connection attempts failed"))
            now[0] += 3
        outages.succeeded()
        outages.succeeded()
    assert [(r.levelname, r.exc_info) for r in caplog.records] == [("WARNING", None), ("INFO", None)]
    assert "answers again after 15 s (5 failed requests)" in caplog.records[1].getMessage()


@pytest.mark.parametrize("formatter", [TextFormatter((TOKEN,)), JsonFormatter((TOKEN,))])
def test_the_token_is_redacted_from_every_log_line_and_traceback(formatter: logging.Formatter) -> None:
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    except InvalidToken:
        import sys

        record = logging.LogRecord("telegram.ext", logging.ERROR, __file__, 1, "GET /bot%s/getMe", (TOKEN,),
                                   sys.exc_info())
    line = formatter.format(record)
    assert KEY not in line and "<token>" in line
    if isinstance(formatter, JsonFormatter):
        assert "\n" not in line
    else:  # the event's first line at the margin, its traceback indented below it
        first, *rest = line.splitlines()
        assert first.split()[2] == "ERROR" and rest and all(r.startswith("    ") for r in rest)
        assert rest[0].strip() == "Traceback (most recent call last):"


def test_json_log_lines(tmp_path: Path) -> None:
    import json

    base_url = f"http://127.0.0.1:{unused_port()}/bot"
    result = wijkwijzer("run", env={"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": base_url,
                                    "WIJKWIJZER_START_TIMEOUT": "1", "WIJKWIJZER_LOG_FORMAT": "json",
                                    "WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")})
    *logged, last = result.stderr.strip().splitlines()
    entries = [json.loads(line) for line in logged]
    assert entries and entries[0]["level"] == "WARNING" and entries[0]["logger"] == "bot.netwatch"
    assert set(entries[0]) == {"time", "level", "logger", "message"}
    assert last.startswith("wijkwijzer: the Bot API") and KEY not in result.stderr


def test_token_revoked_while_running_stops_with_one_line(tmp_path: Path) -> None:
    """getMe works at start, then every request is refused: the bot stops instead of idling without polling."""
    me = {"id": 777000, "is_bot": True, "first_name": "Wijkwijzer", "username": "WijkwijzerBot"}
    unauthorized = (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    calls: list[str] = []

    def answer(method: str) -> tuple[int, dict]:
        calls.append(method)
        if method == "getMe" and calls.count("getMe") <= 2:  # the start check and the Application's own
            return 200, {"ok": True, "result": me}
        if method in ("setMyCommands", "deleteWebhook"):
            return 200, {"ok": True, "result": True}
        return unauthorized

    with scripted_bot_api(answer) as base_url:
        result = wijkwijzer("run", env={"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": base_url,
                                        "WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")})
    output = result.stdout + result.stderr
    assert "getUpdates" in calls
    assert result.returncode == 2, output
    assert KEY not in output and "Traceback" not in output, output
    assert output.strip().splitlines()[-1] == f"wijkwijzer: {TOKEN_REJECTED}"
    assert "was it revoked? Stopping" in output
