"""Delivers the outbox's e-mail rows over SMTP, in the background.

Like the Telegram dispatcher, it runs in a :class:`storage.delivery.DeliveryLoop`: woken by
``kick`` after something was queued, and every few seconds anyway (rows queued by another process,
retries). Each round claims the due rows first (see ``OutboxRepository.claim_email``), so two
processes never send one mail. A refused address is marked failed; anything else (server down,
timeout, a 4xx answer) is retried with back-off. Every SMTP call has a timeout and runs in this
task only: a failing server never blocks the bot.
"""

from __future__ import annotations

import asyncio
import logging

import aiosmtplib

from mail.message import SmtpSettings, build_message
from storage.delivery import DeliveryLoop
from storage.outbox import EmailMessage, OutboxRepository

log = logging.getLogger(__name__)


class EmailDispatcher(DeliveryLoop):
    name = "email"
    label = "e-mail"

    def __init__(self, smtp: SmtpSettings, outbox: OutboxRepository, *, interval: float = 10.0) -> None:
        super().__init__(interval=interval)
        self._smtp = smtp
        self._outbox = outbox

    async def deliver(self) -> int:
        """Send the e-mails that are due; return how many were sent."""
        sent = 0
        async with self._lock:
            for message in await self._outbox.claim_email():
                if await self._send(message):
                    sent += 1
        return sent

    async def _send(self, message: EmailMessage) -> bool:
        payload = message.payload
        mail = build_message(self._smtp.sender, message.address, str(payload.get("subject", "Wijkwijzer")),
                             str(payload.get("text", "")), payload.get("html"),
                             message_id=f"<outbox-{message.id}@wijkwijzer>")
        try:
            await aiosmtplib.send(mail, hostname=self._smtp.host, port=self._smtp.port,
                                  username=self._smtp.user, password=self._smtp.password,
                                  start_tls=self._smtp.starttls, timeout=self._smtp.timeout)
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPSenderRefused) as exc:
            log.warning("e-mail %s to %s refused: %s", message.id, message.address, exc)
            await self._outbox.mark_failed(message.id, str(exc))
            return False
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as exc:
            log.info("e-mail %s will be retried: %s", message.id, exc)
            await self._outbox.mark_retry(message, str(exc) or type(exc).__name__)
            return False
        await self._outbox.mark_sent(message.id)
        return True
