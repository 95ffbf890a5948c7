"""Channel-neutral input and output of the flows."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

# Telegram allows 64 bytes of callback data; actions are kept well below it.
MAX_ACTION_BYTES = 64


class InputKind(Enum):
    TEXT = "text"
    COMMAND = "command"
    CHOICE = "choice"  # a button was chosen; ``text`` holds its action
    LOCATION = "location"
    PHOTO = "photo"
    UNSUPPORTED = "unsupported"  # sticker, voice, document, contact, ...


@dataclass(frozen=True)
class Incoming:
    user_id: int
    kind: InputKind
    text: str = ""  # TEXT: the message; COMMAND: its arguments; CHOICE: the action
    command: str = ""  # COMMAND: name without the slash, lower case
    language_code: str | None = None  # as the platform reports it (Telegram's language_code)
    latitude: float | None = None
    longitude: float | None = None
    photo_ids: tuple[str, ...] = ()
    media: str = ""  # UNSUPPORTED: what it was, e.g. "sticker"
    display_name: str = ""  # how the platform names the person (shown to staff only with consent)
    message_id: int | None = None  # CHOICE: the platform's id of the message whose button was chosen

    @classmethod
    def message(cls, user_id: int, text: str, language_code: str | None = None,
                display_name: str = "") -> Incoming:
        """Text as a resident types it: ``/cmd args`` is a command, anything else text."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            name, _, args = stripped[1:].partition(" ")
            name = name.split("@", 1)[0].lower()  # /start@WijkwijzerBot
            return cls(user_id, InputKind.COMMAND, text=args.strip(), command=name,
                       language_code=language_code, display_name=display_name)
        return cls(user_id, InputKind.TEXT, text=text, language_code=language_code, display_name=display_name)

    @classmethod
    def choice(cls, user_id: int, action: str, language_code: str | None = None) -> Incoming:
        return cls(user_id, InputKind.CHOICE, text=action, language_code=language_code)


@dataclass(frozen=True)
class Button:
    label: str
    action: str

    def __post_init__(self) -> None:
        if len(self.action.encode("utf-8")) > MAX_ACTION_BYTES:
            raise ValueError(f"button action longer than {MAX_ACTION_BYTES} bytes: {self.action!r}")


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    edit: bool = False  # replace the message whose button was chosen (paging)
    photos: tuple[str, ...] = ()  # platform file ids, sent before the text
    # Replace this earlier message of the chat (live progress of a broadcast) instead of sending a new one;
    # when it can no longer be edited, nothing is sent.
    edit_message: int | None = None
    # a file for this person only (name, content), sent before the text; never queued in the outbox
    document: tuple[str, bytes] | None = None

    @staticmethod
    def column(buttons: list[Button]) -> tuple[tuple[Button, ...], ...]:
        """One button per row: easiest to read and tap on a phone."""
        return tuple((b,) for b in buttons)

    @staticmethod
    def rows(buttons: list[Button], per_row: int = 2) -> tuple[tuple[Button, ...], ...]:
        """Short buttons side by side, ``per_row`` to a row."""
        return tuple(tuple(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for messages queued in the outbox."""
        data: dict[str, Any] = {"text": self.text, "photos": list(self.photos),
                                "buttons": [[[b.label, b.action] for b in row] for row in self.buttons]}
        if self.edit_message is not None:
            data["edit_message"] = self.edit_message
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        buttons = tuple(tuple(Button(label, action) for label, action in row) for row in data.get("buttons", []))
        return cls(data["text"], buttons, photos=tuple(data.get("photos", ())), edit_message=data.get("edit_message"))
