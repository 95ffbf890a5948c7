"""Start the Bot API emulator and `wijkwijzer run` as real processes, and talk to them over HTTP."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
EMULATOR_DIR = Path(__file__).with_name("emulator")
TOKEN = "123456:E2E-test-token"
BOT_USER = {"id": 777000, "is_bot": True, "first_name": "Wijkwijzer"}


def require_emulator() -> None:
    """Skip on a developer machine without the emulator installed; CI must have it."""
    problem = None
    if shutil.which("node") is None:
        problem = "node is not installed"
    elif not (EMULATOR_DIR / "node_modules" / "telegram-test-api").is_dir():
        problem = f"the emulator is not installed: run `npm ci --prefix {EMULATOR_DIR.relative_to(ROOT)}`"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)


class Emulator:
    def __init__(self, port: int = 0) -> None:
        """``port`` 0: any free port; a given port brings an emulator back where a killed one was."""
        self.process = subprocess.Popen(["node", "server.js", str(port)], cwd=EMULATOR_DIR, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"emulator did not start: {line!r} {self.process.stderr.read()}")
        self.port = int(line.split()[-1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def stop(self) -> None:
        self.http.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def kill(self) -> None:
        """SIGKILL: connections drop at once, as in a network outage."""
        self.http.close()
        self.process.kill()
        self.process.wait(timeout=5)

    def commands(self) -> dict[str, Any]:
        return self.http.get("/shim/commands").json()["result"]

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages to a chat as they are now (edits applied), each with its message_id."""
        return self.http.get("/shim/messages", params={"chat": chat_id}).json()["result"]

    def sent(self, containing: str = "") -> dict[int, int]:
        """chat id -> how many messages the bot sent there (only those containing ``containing``)."""
        result = self.http.get("/shim/sent", params={"text": containing} if containing else None).json()["result"]
        return {int(chat): count for chat, count in result.items()}


class BotProcess:
    """`wijkwijzer run` against the emulator, as an operator would start it."""

    def __init__(self, emulator: Emulator, db_path: Path, log_path: Path, **extra_env: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIJKWIJZER_"))}
        env.update(extra_env)
        env.update({
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": f"{emulator.url}/bot",
            "WIJKWIJZER_DB": str(db_path),
            "PYTHONPATH": str(ROOT),
        })
        self.log = log_path.open("a")
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=db_path.parent, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when the machine loses the process."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


class Resident:
    """A Telegram user sending messages and pressing buttons through the emulator's client API."""

    def __init__(self, emulator: Emulator, user_id: int, language_code: str = "nl") -> None:
        self.emulator = emulator
        self.user = {"id": user_id, "is_bot": False, "first_name": f"Bewoner{user_id}",
                     "language_code": language_code}
        self.chat = {"id": user_id, "type": "private", "first_name": f"Bewoner{user_id}"}

    def say(self, text: str) -> None:
        body: dict[str, Any] = {"botToken": TOKEN, "from": self.user, "chat": self.chat,
                                "date": int(time.time()), "text": text}
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.emulator.http.post("/sendMessage", json=body).raise_for_status()

    def press(self, data: str, message_id: int = 1) -> None:
        message = {"message_id": message_id, "date": int(time.time()), "chat": self.chat, "from": BOT_USER,
                   "text": "…"}
        body = {"botToken": TOKEN, "from": self.user, "message": message, "data": data}
        self.emulator.http.post("/sendCallback", json=body).raise_for_status()

    def receive(self, until: Callable[[list[dict[str, Any]]], bool], timeout: float = 30) -> list[dict[str, Any]]:
        """Collect the bot's new messages to this resident until ``until(messages)`` holds."""
        messages: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.emulator.http.post("/getUpdates", json={"token": TOKEN, "chatId": self.chat["id"]})
            messages += [u["message"] for u in response.json()["result"]]
            if until(messages):
                return messages
            time.sleep(0.1)
        raise AssertionError(f"the bot did not answer as expected within {timeout}s; got {messages}")

    def receive_text(self, *needles: str, timeout: float = 30) -> list[dict[str, Any]]:
        """Wait for messages containing every needle (in any of them)."""
        def done(messages: list[dict[str, Any]]) -> bool:
            joined = "\n".join(m.get("text", "") for m in messages)
            return all(n in joined for n in needles)
        return self.receive(done, timeout)


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


def wijkwijzer_cli(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run an operator command against the bot's database, as staff would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIJKWIJZER_"))}
    env.update({"WIJKWIJZER_DB": str(db_path), "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True,
                          timeout=60, check=True)
