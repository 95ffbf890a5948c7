"""Operator commands for keeping residents' data safe: backup, retention and the audit log."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from bot.config import Settings
from storage import Database
from storage.audit import AuditLog
from storage.backup import BackupError, backup_to
from storage.privacy import PrivacyRepository
from storage.timestamps import utc_now


def add_parsers(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser("backup", help="write a consistent copy of the database (also while the bot runs)")
    backup.add_argument("file", help="the backup file to write (replaced if it exists)")
    retention = sub.add_parser("retention", help="remove personal data from submissions closed longer ago than "
                                                 "WIJKWIJZER_RETENTION_DAYS")
    retention.add_argument("--dry-run", action="store_true", help="only show what would be removed")
    audit = sub.add_parser("audit", help="list what staff and operators did (the append-only audit log)")
    audit.add_argument("--since", type=dt.date.fromisoformat, help="only from this date on (YYYY-MM-DD, UTC)")


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


async def run_audit(args: argparse.Namespace, settings: Settings) -> int:
    db = await Database.open(settings.db_path, recreate=settings.db_recreate)
    try:
        records = await AuditLog(db).since(args.since.isoformat() if args.since else None)
    finally:
        await db.close()
    if not records:
        print("No audit entries" + (f" since {args.since}." if args.since else " yet."))
        return 0
    for record in records:
        entry = record.entry
        who = f"{entry.actor} {entry.actor_id}" if entry.actor_id is not None else entry.actor
        details = json.dumps(entry.details, ensure_ascii=False, sort_keys=True) if entry.details else ""
        print(f"{record.at[:19].replace('T', ' ')}Z  {who:18} {entry.action:18} {entry.subject or '-':16} {details}")
    return 0
