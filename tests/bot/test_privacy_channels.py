"""/mijngegevens as a file: sendDocument on Telegram, a file on disk in the terminal shell."""

from __future__ import annotations

import json
from pathlib import Path

from tests.auxil.app import offline_application, running
from tests.auxil.updates import message_update
from tests.bot.test_cli import wijkwijzer


async def test_my_data_is_sent_as_a_document(db_path: str, content) -> None:
    app, api = offline_application(db_path, content)
    async with running(app):
        await app.process_update(message_update(app.bot, 31, "/mijngegevens"))
        [document] = api.sent("sendDocument")
        assert document["chat_id"] == 31
        [text] = [p["text"] for p in api.sent()]
        assert "alles wat Wijkwijzer over u bewaart" in text


def test_shell_writes_the_file_and_prints_its_path(tmp_path: Path) -> None:
    result = wijkwijzer("shell", "--user", "5", stdin="/mijnwijk\nVogelenwijk\n/mijngegevens\n",
                        env={"WIJKWIJZER_DB": str(tmp_path / "w.sqlite3")}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "wijkwijzer-mijn-gegevens.json"
    assert f"[file] {path}" in result.stdout
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["telegram_id"] == 5 and data["profile"]["wijk"]
