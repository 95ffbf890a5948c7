from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import BotProcess, Emulator, require_emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    require_emulator()
    emu = Emulator()
    yield emu
    emu.stop()


@pytest.fixture
def start_bot(emulator: Emulator, tmp_path: Path) -> Iterator:
    started: list[BotProcess] = []

    def start(**extra_env: str) -> BotProcess:
        bot = BotProcess(emulator, tmp_path / "wijkwijzer.sqlite3", tmp_path / "bot.log", **extra_env)
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.stop()
