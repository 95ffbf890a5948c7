"""Logging for operators: one line per event, plain or JSON, and never the bot token.

Levels: DEBUG for detail nobody needs in production; INFO for what happened (a duty ran, a
button was unknown, the Bot API is reachable again); WARNING for trouble that heals itself or
needs an operator some day (the Bot API unreachable, a message that cannot be delivered);
ERROR for a bug or data at risk, with its traceback.

Nothing a resident typed, no name and no phone number is logged at INFO or above: log ids,
counts and lengths instead.

The token is in every Bot API URL and in python-telegram-bot's InvalidToken message, so the
formatter replaces it wherever it appears, tracebacks included, whatever logged it.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

REDACTED = "<token>"
_installed: logging.Handler | None = None
FORMATS = ("text", "json")


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message``; a traceback (ERROR only) follows on indented lines."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        """Every traceback line indented: a line at the margin always starts a new event."""
        return "\n".join("    " + line for line in super().formatException(ei).splitlines())

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return "\n".join("    " + line for line in stack_info.splitlines())


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the traceback if any."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False), self.secrets)


class NoInvalidTokenTraceback(logging.Filter):
    """python-telegram-bot logs a rejected token with a traceback from its retry loop; Wijkwijzer reports
    it in one line of its own (bot/netwatch.py), so the traceback only adds noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and type(record.exc_info[1]).__name__ == "InvalidToken":
            record.exc_info, record.exc_text = None, None
        return True


def configure(log_format: str = "text", secrets: tuple[str, ...] = (), stream: TextIO | None = None,
              level: int = logging.INFO) -> None:
    """Set up the root logger for the process (replacing the handler an earlier call installed)."""
    global _installed
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(secrets) if log_format == "json" else TextFormatter(secrets))
    handler.addFilter(NoInvalidTokenTraceback())
    root = logging.getLogger()
    if _installed is not None:
        root.removeHandler(_installed)
    root.addHandler(handler)
    _installed = handler
    root.setLevel(level)
    # httpx logs every request at INFO, with the token in its URL; the Bot API's own errors are
    # reported by python-telegram-bot and by bot/netwatch.py.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # APScheduler logs every run of every job at INFO; Wijkwijzer's duties log what they did themselves.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
