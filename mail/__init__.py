"""E-mail: composing multipart messages and delivering the outbox's e-mail rows over SMTP."""

from mail.dispatcher import EmailDispatcher
from mail.message import SmtpSettings, build_message

__all__ = ["EmailDispatcher", "SmtpSettings", "build_message"]
