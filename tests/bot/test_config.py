"""Settings for starting and running: each problem is one line naming the setting."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings
from tests.bot.test_cli import wijkwijzer

TOKEN = {"TELEGRAM_BOT_TOKEN": "123456:abc"}
WEBHOOK = {"WIJKWIJZER_WEBHOOK_URL": "https://example.org/wijkwijzer/hook", "WIJKWIJZER_LISTEN": "127.0.0.1:8443",
           "WIJKWIJZER_SECRET_TOKEN": "s3cret_-x"}


def test_defaults_poll_with_text_logs() -> None:
    settings = Settings.from_env(TOKEN)
    assert (settings.webhook, settings.log_format, settings.start_timeout) == (False, "text", 60.0)


def test_webhook_settings() -> None:
    settings = Settings.from_env({**TOKEN, **WEBHOOK, "WIJKWIJZER_LOG_FORMAT": "JSON",
                                  "WIJKWIJZER_START_TIMEOUT": "5"})
    assert settings.webhook and settings.listen == ("127.0.0.1", 8443) and settings.secret_token == "s3cret_-x"
    assert settings.log_format == "json" and settings.start_timeout == 5
    assert Settings.from_env({**TOKEN, **WEBHOOK, "WIJKWIJZER_LISTEN": "[::1]:8443"}).listen == ("::1", 8443)


@pytest.mark.parametrize(("changes", "setting"), [
    ({"WIJKWIJZER_WEBHOOK_URL": ""}, "WIJKWIJZER_LISTEN"),  # listen and secret without a URL
    ({"WIJKWIJZER_LISTEN": ""}, "WIJKWIJZER_LISTEN"),
    ({"WIJKWIJZER_LISTEN": "8443"}, "WIJKWIJZER_LISTEN"),
    ({"WIJKWIJZER_LISTEN": "127.0.0.1:99999"}, "WIJKWIJZER_LISTEN"),
    ({"WIJKWIJZER_LISTEN": "127.0.0.1:８４"}, "WIJKWIJZER_LISTEN"),
    ({"WIJKWIJZER_SECRET_TOKEN": ""}, "WIJKWIJZER_SECRET_TOKEN"),
    ({"WIJKWIJZER_SECRET_TOKEN": "with space"}, "WIJKWIJZER_SECRET_TOKEN"),
    ({"WIJKWIJZER_SECRET_TOKEN": "x" * 257}, "WIJKWIJZER_SECRET_TOKEN"),
    ({"WIJKWIJZER_WEBHOOK_URL": "ftp://example.org/hook"}, "WIJKWIJZER_WEBHOOK_URL"),
    ({"WIJKWIJZER_LOG_FORMAT": "xml"}, "WIJKWIJZER_LOG_FORMAT"),
    ({"WIJKWIJZER_START_TIMEOUT": "-1"}, "WIJKWIJZER_START_TIMEOUT"),
    ({"WIJKWIJZER_START_TIMEOUT": "nan"}, "WIJKWIJZER_START_TIMEOUT"),
])
def test_bad_settings_name_themselves(changes: dict[str, str], setting: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({**TOKEN, **WEBHOOK, **changes})
    assert raised.value.setting == setting and "\n" not in str(raised.value)


def test_run_options_override_the_environment() -> None:
    result = wijkwijzer("run", "--webhook-url", "https://example.org/hook", "--listen", "nowhere",
                        "--secret-token", "x", env={**TOKEN, "WIJKWIJZER_LISTEN": "127.0.0.1:8443"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "wijkwijzer: WIJKWIJZER_LISTEN must be HOST:PORT, like 127.0.0.1:8443, not 'nowhere'"]
