"""The Bot API as a network peer: waiting for it at start, and reporting outages once.

At start, :func:`wait_for_bot_api` asks the Bot API who the bot is, retrying with a growing pause
(1, 2, 4 … 30 s) for up to ``WIJKWIJZER_START_TIMEOUT`` seconds; a rejected token stops at once.
Either failure is a :class:`StartError`: one line, without the token.

While running, :class:`OutageLog` turns python-telegram-bot's retried network errors into one
WARNING when an outage begins and one INFO when the Bot API answers again, instead of an
error with a traceback for every failed poll: :class:`WatchedRequest` reports every request's
outcome, and the application's error handler passes polling errors on (bot/app.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from telegram import Bot
from telegram._utils.types import ODVInput
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import BaseRequest, HTTPXRequest, RequestData

log = logging.getLogger(__name__)

MAX_PAUSE = 30.0
NO_UPDATES = b'{"ok": true, "result": []}'
TOKEN_REJECTED = ("TELEGRAM_BOT_TOKEN was rejected by the Bot API (401 Unauthorized): check the token with "
                  "@BotFather, and TELEGRAM_BASE_URL if it is set")


class StartError(Exception):
    """The assistant cannot start; the message is one line for the operator."""


def describe(exc: BaseException, token: str | None = None) -> str:
    """A short description of a network error, never with the token."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text.replace(token, "<token>") if token else text


async def wait_for_bot_api(bot: Bot, token: str, base_url: str, timeout: float, *,
                           sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                           clock: Callable[[], float] = time.monotonic) -> None:
    """Return once the Bot API knows the bot; raise StartError when it refuses the token or stays away."""
    started, pause, attempt = clock(), 1.0, 0
    while True:
        attempt += 1
        try:
            await bot.get_me()
            if attempt > 1:
                log.info("the Bot API answers (attempt %d)", attempt)
            return
        except InvalidToken:
            raise StartError(TOKEN_REJECTED) from None
        except NetworkError as exc:
            waited = clock() - started
            reason = describe(exc, token)
            if waited >= timeout:
                raise StartError(f"the Bot API at {base_url} cannot be reached ({reason}); gave up after "
                                 f"{waited:.0f} s (WIJKWIJZER_START_TIMEOUT={timeout:g})") from None
            wait = min(pause, timeout - waited)
            level = logging.WARNING if attempt == 1 else logging.INFO
            log.log(level, "the Bot API at %s cannot be reached (%s); trying again in %.0f s, for up to %g s",
                    base_url, reason, wait, timeout)
            await sleep(wait)
            pause = min(MAX_PAUSE, pause * 2)
        except TelegramError as exc:
            raise StartError(f"the Bot API at {base_url} refused the start: {describe(exc, token)}") from None


class OutageLog:
    """Network trouble with the Bot API, logged once per outage, and its end."""

    def __init__(self, token: str | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._token = token
        self._clock = clock
        self.down_since: float | None = None
        self.failures = 0
        self.token_rejected = False
        self.on_token_rejected: Callable[[], None] | None = None  # the application's stop_running

    def rejected(self) -> None:
        """The Bot API answered 401 while running: the token was revoked. Stop, once."""
        if not self.token_rejected:
            self.token_rejected = True
            log.error("the Bot API rejects TELEGRAM_BOT_TOKEN (401 Unauthorized), was it revoked? Stopping")
            if self.on_token_rejected is not None:
                self.on_token_rejected()

    def failed(self, exc: BaseException) -> None:
        self.failures += 1
        if self.down_since is None:
            self.down_since = self._clock()
            log.warning("the Bot API cannot be reached (%s); retrying until it answers", describe(exc, self._token))

    def succeeded(self) -> None:
        if self.down_since is not None:
            log.info("the Bot API answers again after %.0f s (%d failed requests)",
                     self._clock() - self.down_since, self.failures)
            self.down_since, self.failures = None, 0

    def polling_error(self, exc: TelegramError) -> None:
        """An error while polling for updates (python-telegram-bot passes it to the error handler)."""
        if isinstance(exc, NetworkError):
            self.failed(exc)
        else:
            log.warning("polling for updates failed: %s", describe(exc, self._token))


class WatchedRequest(HTTPXRequest):
    """An HTTPXRequest that tells the outage log whether the Bot API answered."""

    def __init__(self, outages: OutageLog, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._outages = outages

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        try:
            result = await super().do_request(url, method, request_data, read_timeout=read_timeout,
                                              write_timeout=write_timeout, connect_timeout=connect_timeout,
                                              pool_timeout=pool_timeout)
        except NetworkError as exc:
            self._outages.failed(exc)
            raise
        self._outages.succeeded()
        if result[0] == HTTPStatus.UNAUTHORIZED:
            self._outages.rejected()  # stops the application
            if url.endswith("/getUpdates"):
                # No updates, instead of an InvalidToken that would end the polling task with an error:
                # python-telegram-bot then skips its whole shutdown (the database stays open and the
                # process never exits). Nothing is lost: Telegram keeps unconfirmed updates.
                return HTTPStatus.OK, NO_UPDATES
        return result
