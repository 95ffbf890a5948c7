"""Wijkwijzer's conversations as plain Python: no Telegram types here.

A flow receives an :class:`~flows.types.Incoming` (text, command, button choice,
location, photo or unsupported input) and returns :class:`~flows.types.Reply`
objects; adapters (Telegram, the terminal shell) turn those into messages.
"""

from flows.assistant import Assistant
from flows.types import Button, Incoming, InputKind, Reply

__all__ = ["Assistant", "Button", "Incoming", "InputKind", "Reply"]
