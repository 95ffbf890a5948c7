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
DEFAULT_BACKUP_KEEP = 7
DEFAULT_RETENTION_DAYS = 365
DEFAULT_START_TIMEOUT = 60.0  # seconds to keep trying the Bot API at start
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
    # start with an empty database where one existed and is now gone (after a deliberate decision)
    db_recreate: bool = False
    # the daily backup: where (None: no daily backup) and how many to keep
    backup_dir: Path | None = None
    backup_keep: int = DEFAULT_BACKUP_KEEP
    # days after closing that a submission keeps its personal data
    retention_days: int = DEFAULT_RETENTION_DAYS
    start_timeout: float = DEFAULT_START_TIMEOUT
    log_format: str = "text"  # or "json": one JSON object per line
    # webhook mode (all three, or none: polling)
    webhook_url: str | None = None
    listen: tuple[str, int] | None = None
    secret_token: str | None = None
    # flood control: messages per resident per minute (staff exempt), submissions per resident per hour
    flood_messages_per_minute: int = DEFAULT_FLOOD_MESSAGES_PER_MINUTE
    submissions_per_hour: int = DEFAULT_SUBMISSIONS_PER_HOUR
    smtp: SmtpSettings | None = None  # None: no e-mail, Telegram only

    @property
    def webhook(self) -> bool:
        return self.webhook_url is not None

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

        recreate = env.get("WIJKWIJZER_DB_RECREATE", "").strip().lower()
        if recreate not in ("", "0", "1", "false", "true", "no", "yes"):
            raise ConfigError("WIJKWIJZER_DB_RECREATE", f"must be 1 or 0 (true/false), not {recreate!r}")

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
        backup = env.get("WIJKWIJZER_BACKUP_DIR", "").strip()
        if backup and Path(backup).exists() and not Path(backup).is_dir():
            raise ConfigError("WIJKWIJZER_BACKUP_DIR", f"is not a directory: {backup!r}")
        backup_keep = _positive(env, "WIJKWIJZER_BACKUP_KEEP", DEFAULT_BACKUP_KEEP)
        retention_days = _positive(env, "WIJKWIJZER_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
        start_text = env.get("WIJKWIJZER_START_TIMEOUT", "").strip()
        try:
            start_timeout = float(start_text) if start_text else DEFAULT_START_TIMEOUT
        except ValueError:
            start_timeout = -1.0
        if not 0 <= start_timeout <= 86400:
            raise ConfigError("WIJKWIJZER_START_TIMEOUT", f"must be a number of seconds (0 to 86400), not "
                              f"{start_text!r}")
        log_format = env.get("WIJKWIJZER_LOG_FORMAT", "").strip().lower() or "text"
        if log_format not in ("text", "json"):
            raise ConfigError("WIJKWIJZER_LOG_FORMAT", f"must be text or json, not {log_format!r}")
        webhook_url, listen, secret = webhook_settings(env)
        flood = _positive(env, "WIJKWIJZER_FLOOD_MESSAGES_PER_MINUTE", DEFAULT_FLOOD_MESSAGES_PER_MINUTE)
        submissions = _positive(env, "WIJKWIJZER_SUBMISSIONS_PER_HOUR", DEFAULT_SUBMISSIONS_PER_HOUR)
        return cls(token, base_url, db_path, content_dir, outbox_paused=paused in ("1", "true", "yes"),
                   quiet_hours=quiet, cache_dir=cache_dir, db_recreate=recreate in ("1", "true", "yes"),
                   backup_dir=Path(backup) if backup else None, backup_keep=backup_keep,
                   retention_days=retention_days, start_timeout=start_timeout, log_format=log_format,
                   webhook_url=webhook_url, listen=listen, secret_token=secret,
                   flood_messages_per_minute=flood, submissions_per_hour=submissions,
                   smtp=smtp_from_env(env))


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not re.fullmatch(r"[0-9]{1,6}", text) or int(text) < 1:
        raise ConfigError(name, f"must be a positive whole number, not {text!r}")
    return int(text)


SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


def webhook_settings(env: Mapping[str, str]) -> tuple[str | None, tuple[str, int] | None, str | None]:
    """WIJKWIJZER_WEBHOOK_URL, WIJKWIJZER_LISTEN and WIJKWIJZER_SECRET_TOKEN: all three or none."""
    url = env.get("WIJKWIJZER_WEBHOOK_URL", "").strip() or None
    listen_text = env.get("WIJKWIJZER_LISTEN", "").strip() or None
    secret = env.get("WIJKWIJZER_SECRET_TOKEN", "").strip() or None
    if url is None:
        for name, value in (("WIJKWIJZER_LISTEN", listen_text), ("WIJKWIJZER_SECRET_TOKEN", secret)):
            if value is not None:
                raise ConfigError(name, "is set, but WIJKWIJZER_WEBHOOK_URL is not: set both for webhook mode, "
                                  "or neither for polling")
        return None, None, None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError("WIJKWIJZER_WEBHOOK_URL", f"is not an http(s) URL: {url!r} (Telegram itself wants "
                          "https)")
    if listen_text is None:
        raise ConfigError("WIJKWIJZER_LISTEN", "is not set: in webhook mode give the address to listen on, "
                          "like 127.0.0.1:8443")
    host, colon, port_text = listen_text.rpartition(":")
    if not colon or not host or not port_text.isascii() or not port_text.isdigit() \
            or not 0 < int(port_text) < 65536:
        raise ConfigError("WIJKWIJZER_LISTEN", f"must be HOST:PORT, like 127.0.0.1:8443, not {listen_text!r}")
    if secret is None:
        raise ConfigError("WIJKWIJZER_SECRET_TOKEN", "is not set: in webhook mode Telegram must send a secret "
                          "token (1 to 256 characters A-Z, a-z, 0-9, _ and -)")
    if not SECRET_PATTERN.match(secret):
        raise ConfigError("WIJKWIJZER_SECRET_TOKEN", "must be 1 to 256 characters A-Z, a-z, 0-9, _ and -")
    return url, (host.strip("[]"), int(port_text)), secret


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
