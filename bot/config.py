"""Settings from the environment (and an optional .env file), checked at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from matching.semantic import default_cache_dir
from scheduling.quiet import QuietHours

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DB = "wijkwijzer.sqlite3"
DEFAULT_QUIET_HOURS = "21:00-08:00"
DEFAULT_FLOOD_MESSAGES_PER_MINUTE = 20
DEFAULT_SUBMISSIONS_PER_HOUR = 5
TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the setting."""

    def __init__(self, setting: str, problem: str) -> None:
        self.setting = setting
        super().__init__(f"{setting} {problem}")


@dataclass(frozen=True)
class Settings:
    token: str | None
    base_url: str
    db_path: str
    content_dir: str | None
    outbox_paused: bool = False
    quiet_hours: QuietHours | None = QuietHours.parse(DEFAULT_QUIET_HOURS)
    # where the topics' sentence embeddings are kept between starts; None: not kept on disk
    cache_dir: Path | None = None
    # flood control: messages per resident per minute (staff exempt), submissions per resident per hour
    flood_messages_per_minute: int = DEFAULT_FLOOD_MESSAGES_PER_MINUTE
    submissions_per_hour: int = DEFAULT_SUBMISSIONS_PER_HOUR

    @property
    def base_file_url(self) -> str:
        """Where files are downloaded: ``…/bot`` becomes ``…/file/bot`` (Telegram's layout)."""
        if self.base_url.endswith("/bot"):
            return self.base_url[: -len("bot")] + "file/bot"
        return self.base_url.rstrip("/") + "/file/bot"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, require_token: bool = False) -> Settings:
        env = os.environ if env is None else env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
        if token is None and require_token:
            raise ConfigError("TELEGRAM_BOT_TOKEN", "is not set: get a token from @BotFather and set it "
                              "in the environment or in .env")
        if token is not None and not TOKEN_PATTERN.match(token):
            raise ConfigError("TELEGRAM_BOT_TOKEN", "is malformed: expected digits, a colon and the key, "
                              "like 123456:ABC-def")

        base_url = env.get("TELEGRAM_BASE_URL", "").strip() or DEFAULT_BASE_URL
        parsed = urlparse(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError("TELEGRAM_BASE_URL", f"is not an http(s) URL: {base_url!r}")

        db_path = env.get("WIJKWIJZER_DB", "").strip() or DEFAULT_DB
        if Path(db_path).is_dir():
            raise ConfigError("WIJKWIJZER_DB", f"is a directory, expected a database file: {db_path!r}")

        content_dir = env.get("WIJKWIJZER_CONTENT", "").strip() or None
        if content_dir is not None and not Path(content_dir).is_dir():
            raise ConfigError("WIJKWIJZER_CONTENT", f"is not a directory: {content_dir!r}")

        paused = env.get("WIJKWIJZER_OUTBOX_PAUSED", "").strip().lower()
        if paused not in ("", "0", "1", "false", "true", "no", "yes"):
            raise ConfigError("WIJKWIJZER_OUTBOX_PAUSED", f"must be 1 or 0 (true/false), not {paused!r}")
        quiet_text = env.get("WIJKWIJZER_QUIET_HOURS", "").strip() or DEFAULT_QUIET_HOURS
        try:
            quiet = QuietHours.parse(quiet_text)
        except ValueError as exc:
            raise ConfigError("WIJKWIJZER_QUIET_HOURS", f"is malformed ({exc}): use for example 21:00-08:00, "
                              "or off") from exc
        cache = env.get("WIJKWIJZER_CACHE_DIR", "").strip()
        if cache and Path(cache).exists() and not Path(cache).is_dir():
            raise ConfigError("WIJKWIJZER_CACHE_DIR", f"is not a directory: {cache!r}")
        cache_dir = Path(cache) if cache else default_cache_dir()
        flood = _positive(env, "WIJKWIJZER_FLOOD_MESSAGES_PER_MINUTE", DEFAULT_FLOOD_MESSAGES_PER_MINUTE)
        submissions = _positive(env, "WIJKWIJZER_SUBMISSIONS_PER_HOUR", DEFAULT_SUBMISSIONS_PER_HOUR)
        return cls(token, base_url, db_path, content_dir, outbox_paused=paused in ("1", "true", "yes"),
                   quiet_hours=quiet, cache_dir=cache_dir, flood_messages_per_minute=flood,
                   submissions_per_hour=submissions)


def _positive(env: Mapping[str, str], setting: str, default: int) -> int:
    text = env.get(setting, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or int(text) < 1 or len(text) > 6:
        raise ConfigError(setting, f"must be a whole number of at least 1, not {text!r}")
    return int(text)
