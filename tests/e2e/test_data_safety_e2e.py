"""End to end, the defect of issue 10: the database file is deleted while `wijkwijzer run` runs."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import Emulator, Resident


def test_deleted_database_is_noticed_and_never_silently_recreated(emulator: Emulator, start_bot,
                                                                 tmp_path: Path) -> None:
    bot = start_bot()
    resident = Resident(emulator, user_id=5101)
    resident.say("/mijnwijk")
    resident.receive_text("In welke wijk woont u?")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp_path / "wijkwijzer.sqlite3") + suffix).unlink(missing_ok=True)
    resident.say("Vogelenwijk")
    resident.receive_text("uw bericht is niet bewaard")
    bot.stop()
    log = (tmp_path / "bot.log").read_text()
    assert log.count(" ERROR ") == 1 and "deleted or replaced while running" in log

    again = start_bot()  # a restart must not start afresh on an empty database
    assert again.process.wait(timeout=60) == 2
    assert not (tmp_path / "wijkwijzer.sqlite3").exists()
    last = (tmp_path / "bot.log").read_text().strip().splitlines()[-1]
    assert last.startswith("wijkwijzer: WIJKWIJZER_DB:") and "WIJKWIJZER_DB_RECREATE=1" in last
