"""Operator commands for keeping residents' data safe: backup, retention and the audit log."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings
from storage.backup import BackupError, backup_to


def add_parsers(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser("backup", help="write a consistent copy of the database (also while the bot runs)")
    backup.add_argument("file", help="the backup file to write (replaced if it exists)")


def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    try:
        result = backup_to(settings.db_path, Path(args.file))
    except (BackupError, OSError) as exc:
        print(f"wijkwijzer: backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"Backup written to {result.path} ({result.size:,} bytes, {result.submissions} submissions).")
    return 0
