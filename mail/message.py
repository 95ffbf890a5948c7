"""SMTP settings and one e-mail as plain text with an HTML alternative."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str  # SMTP_FROM
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 30.0

    def __repr__(self) -> str:  # never print the password in logs
        return f"SmtpSettings(host={self.host!r}, port={self.port}, sender={self.sender!r}, starttls={self.starttls})"


def build_message(sender: str, to: str, subject: str, text: str, html: str | None, *,
                  message_id: str | None = None) -> EmailMessage:
    """multipart/alternative: the plain text first, the HTML second (mail programs show the last they can).

    ``message_id`` is stable per outbox row, so a mail sent again after a crash is recognised as the same."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="wijkwijzer")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message
