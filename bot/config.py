"""Settings from the environment (and an optional .env file), checked at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from mail.message import SmtpSettings
from matching.semantic import default_cache_dir
from scheduling.quiet import QuietHours

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DB = "wijkwijzer.sqlite3"
DEFAULT_QUIET_HOURS = "21:00-08:00"
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
    smtp: SmtpSettings | None = None  # None: no e-mail, Telegram only

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
        return cls(token, base_url, db_path, content_dir, outbox_paused=paused in ("1", "true", "yes"),
                   quiet_hours=quiet, cache_dir=cache_dir, smtp=smtp_from_env(env))


def smtp_from_env(env: Mapping[str, str]) -> SmtpSettings | None:
    """SMTP_HOST and SMTP_FROM switch e-mail on; without SMTP_HOST there is no e-mail."""
    host = env.get("SMTP_HOST", "").strip()
    others = [name for name in ("SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS", "SMTP_FROM")
              if env.get(name, "").strip()]
    if not host:
        if others:
            raise ConfigError("SMTP_HOST", f"is not set, but {others[0]} is: set SMTP_HOST too, or remove the SMTP "
                              "settings for Telegram only")
        return None
    port_text = env.get("SMTP_PORT", "").strip() or "587"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError("SMTP_PORT", f"must be a port number like 587, not {port_text!r}")
    starttls = env.get("SMTP_STARTTLS", "").strip().lower() or "1"
    if starttls not in ("1", "0", "true", "false", "yes", "no"):
        raise ConfigError("SMTP_STARTTLS", f"must be 1 or 0, not {starttls!r}")
    sender = env.get("SMTP_FROM", "").strip()
    if not sender or "@" not in sender:
        raise ConfigError("SMTP_FROM", f"must be the sender's address, like wijkwijzer@haarlem.nl, not {sender!r}")
    user = env.get("SMTP_USER", "").strip() or None
    password = env.get("SMTP_PASSWORD", "") or None
    if (user is None) != (password is None):
        raise ConfigError("SMTP_PASSWORD" if user else "SMTP_USER", "is missing: set both SMTP_USER and "
                          "SMTP_PASSWORD, or neither")
    return SmtpSettings(host, int(port_text), sender, user, password, starttls in ("1", "true", "yes"))
