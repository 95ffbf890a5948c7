"""Operator commands for keeping residents' data safe: backup, retention and the audit log."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bot.config import Settings
from storage import Database
from storage.backup import BackupError, backup_to
from storage.privacy import PrivacyRepository
from storage.timestamps import utc_now


def add_parsers(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser("backup", help="write a consistent copy of the database (also while the bot runs)")
    backup.add_argument("file", help="the backup file to write (replaced if it exists)")
    retention = sub.add_parser("retention", help="remove personal data from submissions closed longer ago than "
                                                 "WIJKWIJZER_RETENTION_DAYS")
    retention.add_argument("--dry-run", action="store_true", help="only show what would be removed")


def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    try:
        result = backup_to(settings.db_path, Path(args.file))
    except (BackupError, OSError) as exc:
        print(f"wijkwijzer: backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"Backup written to {result.path} ({result.size:,} bytes, {result.submissions} submissions).")
    return 0


async def run_retention(args: argparse.Namespace, settings: Settings) -> int:
    days = settings.retention_days
    cutoff = utc_now() - dt.timedelta(days=days)
    db = await Database.open(settings.db_path, recreate=settings.db_recreate)
    try:
        privacy = PrivacyRepository(db)
        if args.dry_run:
            candidates = await privacy.retention_candidates(cutoff)
            for c in candidates:
                print(f"{c.reference}  {c.status:12} closed {c.closed_at[:10]}")
            print(f"{len(candidates)} closed submissions would lose the link to the resident, name, photos and exact "
                  f"location (closed more than {days} days ago, before {cutoff:%Y-%m-%d}). Nothing was changed.")
            return 0
        done = await privacy.apply_retention(cutoff, days)
        print(f"Removed the personal data of {len(done)} closed submissions (closed more than {days} days ago).")
        return 0
    finally:
        await db.close()
