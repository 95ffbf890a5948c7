from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from content import Content, load_content
from flows import Assistant, Incoming, Reply
from storage import Database


@pytest.fixture(autouse=True)
def _root_logging_as_before() -> Iterator[None]:
    """A test that runs the command line (bot/cli.py) installs a root log handler on the stream pytest captured for
    that test; after the test that stream is closed, and a later test that logs at DEBUG (caplog.at_level) got
    "--- Logging error ---" from it. Every test leaves the root logger's handlers and level as it found them."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "wijkwijzer.sqlite3")


@pytest.fixture
async def db(db_path: str) -> AsyncIterator[Database]:
    database = await Database.open(db_path)
    yield database
    await database.close()


@pytest.fixture
def assistant(db: Database, content: Content) -> Assistant:
    return Assistant.create(db, content)


class Resident:
    """A resident talking to the assistant: say() and press() return the replies."""

    def __init__(self, assistant: Assistant, user_id: int = 42, language_code: str | None = "nl") -> None:
        self.assistant = assistant
        self.user_id = user_id
        self.language_code = language_code
        self.last: list[Reply] = []

    async def say(self, text: str) -> list[Reply]:
        self.last = await self.assistant.handle(Incoming.message(self.user_id, text, self.language_code))
        return self.last

    async def press(self, action: str) -> list[Reply]:
        self.last = await self.assistant.handle(Incoming.choice(self.user_id, action, self.language_code))
        return self.last

    async def send(self, incoming: Incoming) -> list[Reply]:
        self.last = await self.assistant.handle(incoming)
        return self.last


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def actions_of(replies: list[Reply]) -> list[str]:
    return [b.action for r in replies for row in r.buttons for b in row]


@pytest.fixture
def resident(assistant: Assistant) -> Resident:
    return Resident(assistant)
