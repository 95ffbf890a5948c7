"""The daily backup: a consistent copy of the database in WIJKWIJZER_BACKUP_DIR, keeping the newest N.

Backups are named by their moment (``wijkwijzer-20261201T031500Z.sqlite3``), so the next one is
due a day after the newest file in the directory: nothing else needs to be remembered, and a
restart neither skips nor repeats one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from pathlib import Path

from storage.backup import BackupError, backup_to
from storage.db import Database

log = logging.getLogger(__name__)

PREFIX = "wijkwijzer-"
SUFFIX = ".sqlite3"
_NAME = re.compile(r"wijkwijzer-(\d{8}T\d{6}Z)\.sqlite3")
INTERVAL = dt.timedelta(days=1)
RETRY = dt.timedelta(hours=1)


def backup_name(moment: dt.datetime) -> str:
    return f"{PREFIX}{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"


def backups(directory: Path) -> list[tuple[dt.datetime, Path]]:
    """The backups in a directory, oldest first (other files are left alone)."""
    found = []
    if directory.is_dir():
        for path in directory.iterdir():
            match = _NAME.fullmatch(path.name)
            if match:
                moment = dt.datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
                found.append((moment, path))
    return sorted(found)


class DailyBackup:
    name = "backup"

    def __init__(self, db: Database, directory: Path, keep: int = 7) -> None:
        self._db = db
        self._directory = directory
        self._keep = keep
        self._failed_at: dt.datetime | None = None

    async def next_due(self, now: dt.datetime) -> dt.datetime | None:
        existing = backups(self._directory)
        due = existing[-1][0] + INTERVAL if existing else now
        if self._failed_at is not None:
            due = max(due, self._failed_at + RETRY)  # do not retry a failing backup every few seconds
        return due

    async def run_due(self, now: dt.datetime) -> int:
        if await self.next_due(now) > now:
            return 0
        self._db.check_writable()  # a database deleted under us is not backed up (and was logged)
        target = self._directory / backup_name(now)
        try:
            result = await asyncio.to_thread(backup_to, self._db.path, target)
        except (BackupError, OSError) as exc:
            self._failed_at = now
            log.error("daily backup failed, tried again in an hour: %s", exc)
            return 0
        self._failed_at = None
        removed = 0
        for _, old in backups(self._directory)[:-self._keep]:
            old.unlink(missing_ok=True)
            removed += 1
        log.info("daily backup written: %s (%d bytes, %d submissions); %d old backups removed, %d kept",
                 result.path, result.size, result.submissions, removed, min(self._keep,
                                                                             len(backups(self._directory))))
        return 1
