"""Operator commands: staff accounts, invites and the export of submissions."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
from typing import Any

import httpx

from bot.config import ConfigError, Settings
from content import Content
from content.textfold import fold
from storage import Database, StaffRepository, SubmissionRepository
from storage.audit import AuditEntry, AuditLog
from storage.staff import ROLES


def add_parsers(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help="manage gebiedsverbinders' accounts").add_subparsers(
        dest="staff_command", required=True)
    add = staff.add_parser("add", help="link a Telegram account as staff")
    add.add_argument("telegram_id", type=int)
    _role_and_stadsdeel(add)
    staff.add_parser("list", help="list staff accounts")
    remove = staff.add_parser("remove", help="remove a staff account")
    remove.add_argument("telegram_id", type=int)
    invite = staff.add_parser("invite", help="print a one-time t.me link that links whoever opens it")
    _role_and_stadsdeel(invite)
    invite.add_argument("--hours", type=int, default=72, help="how long the link is valid (default 72)")
    invite.add_argument("--bot", help="the bot's username (default: asked from Telegram with the token)")

    export = sub.add_parser("export", help="write submissions with their history (CSV or JSON)")
    export.add_argument("--since", type=dt.date.fromisoformat, help="only submissions from this date (YYYY-MM-DD)")
    export.add_argument("--stadsdeel", help="only this stadsdeel")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--output", help="file to write (default: standard output)")


def _role_and_stadsdeel(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", choices=ROLES, required=True,
                        help="gebiedsverbinder (one stadsdeel) or staff (communications/policy, city-wide)")
    parser.add_argument("--stadsdeel", help="name or id, e.g. Noord; required for a gebiedsverbinder")
    parser.add_argument("--name")
    parser.add_argument("--email")


def role_stadsdeel(args: argparse.Namespace, content: Content) -> str | None:
    """The stadsdeel a role needs: one for a gebiedsverbinder, none for city-wide staff."""
    if args.role == "gebiedsverbinder":
        if not args.stadsdeel:
            raise ConfigError("--stadsdeel", "is required for a gebiedsverbinder")
        return stadsdeel_id(content, args.stadsdeel)
    if args.stadsdeel:
        raise ConfigError("--stadsdeel", "is not used for role staff: staff work city-wide")
    return None


def area_name(content: Content, stadsdeel: str | None) -> str:
    return content.stadsdelen[stadsdeel].name if stadsdeel else "city-wide"


def role_text(content: Content, role: str, stadsdeel: str | None) -> str:
    return f"{role} of {content.stadsdelen[stadsdeel].name}" if stadsdeel else f"{role} (city-wide)"


def stadsdeel_id(content: Content, name: str) -> str:
    for sid, stadsdeel in content.stadsdelen.items():
        if fold(name) in (fold(sid), fold(stadsdeel.name)):
            return sid
    raise ConfigError("--stadsdeel", f"{name!r} is not a stadsdeel; use one of "
                      f"{', '.join(s.name for s in content.stadsdelen.values())}")


async def run(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    db = await Database.open(settings.db_path)
    try:
        if args.command == "export":
            return await _export(args, db, content)
        return await _staff(args, settings, db, content)
    finally:
        await db.close()


async def _staff(args: argparse.Namespace, settings: Settings, db: Database, content: Content) -> int:
    repo = StaffRepository(db)
    if args.staff_command == "add":
        stadsdeel = role_stadsdeel(args, content)
        member = await repo.add(args.telegram_id, args.role, stadsdeel, args.name, args.email, audit=AuditEntry(
            "staff.add", actor="operator", subject=f"staff {args.telegram_id}",
            details={"role": args.role, "stadsdeel": stadsdeel}))
        print(f"Added {member.user_id} as {role_text(content, member.role, member.stadsdeel)}.")
    elif args.staff_command == "list":
        members = await repo.all()
        if not members:
            print("No staff accounts yet.")
        for m in members:
            print(f"{m.user_id:>12}  {m.role:16} {area_name(content, m.stadsdeel):11} {m.name or '-'}  "
                  f"{m.email or '-'}")
    elif args.staff_command == "remove":
        if not await repo.remove(args.telegram_id, audit=AuditEntry("staff.remove", actor="operator",
                                                                    subject=f"staff {args.telegram_id}")):
            print(f"wijkwijzer: no staff account {args.telegram_id}", file=sys.stderr)
            return 1
        print(f"Removed {args.telegram_id}.")
    else:
        stadsdeel = role_stadsdeel(args, content)
        if args.hours <= 0:
            raise ConfigError("--hours", "must be a positive number of hours")
        bot = await bot_username(args.bot, settings)
        code = await repo.invite(args.role, stadsdeel, valid_for=dt.timedelta(hours=args.hours), name=args.name,
                                 email=args.email, audit=AuditEntry(
                                     "staff.invite", actor="operator",
                                     details={"role": args.role, "stadsdeel": stadsdeel, "hours": args.hours}))
        print(f"https://t.me/{bot}?start={code}")
        print(f"Valid for {args.hours} hours, once, for {role_text(content, args.role, stadsdeel)}.",
              file=sys.stderr)
    return 0


async def bot_username(given: str | None, settings: Settings) -> str:
    """The bot's username for t.me links: given, TELEGRAM_BOT_USERNAME, or asked from Telegram."""
    name = given or os.environ.get("TELEGRAM_BOT_USERNAME") or await _ask_bot_username(settings)
    return name.lstrip("@")


async def _ask_bot_username(settings: Settings) -> str:
    if not settings.token:
        raise ConfigError("TELEGRAM_BOT_TOKEN", "is not set: needed to look up the bot's username (or use --bot)")
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(f"{settings.base_url}{settings.token}/getMe")
            return response.json()["result"]["username"]
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        raise ConfigError("TELEGRAM_BASE_URL", f"could not ask Telegram for the bot's username ({exc}); "
                          "use --bot") from exc


async def _export(args: argparse.Namespace, db: Database, content: Content) -> int:
    stadsdeel = stadsdeel_id(content, args.stadsdeel) if args.stadsdeel else None
    rows = await SubmissionRepository(db).export(since=args.since, stadsdeel=stadsdeel)
    records = [_record(content, submission, events) for submission, events in rows]
    await AuditLog(db).record(AuditEntry("export", actor="operator", details={
        "submissions": len(records), "since": args.since.isoformat() if args.since else None,
        "stadsdeel": stadsdeel, "format": args.format, "output": args.output or "stdout"}))
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        if args.format == "json":
            json.dump(records, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            writer = csv.DictWriter(out, fieldnames=list(_record_fields()))
            writer.writeheader()
            for record in records:
                writer.writerow({**record, "history": json.dumps(record["history"], ensure_ascii=False)})
    finally:
        if args.output:
            out.close()
    if args.output:
        print(f"Wrote {len(records)} submissions to {args.output}.", file=sys.stderr)
    return 0


def _record_fields() -> dict[str, None]:
    return dict.fromkeys([
        "reference", "kind", "status", "created_at", "updated_at", "stadsdeel", "handled_by", "wijk_code", "wijk",
        "buurt", "theme", "text", "latitude", "longitude", "photos", "consent_reply", "resident_name", "language",
        "history"])


def _record(content: Content, submission: Any, events: list[Any]) -> dict[str, Any]:
    """One submission for the municipality's systems; never the resident's Telegram id."""
    wijk = content.wijken.get(submission.wijk_code)
    return {
        "reference": submission.reference, "kind": submission.kind, "status": submission.status,
        "created_at": submission.created_at, "updated_at": submission.updated_at,
        "stadsdeel": submission.stadsdeel, "handled_by": submission.handled_by,
        "wijk_code": submission.wijk_code, "wijk": wijk.name if wijk else "", "buurt": submission.buurt or "",
        "theme": submission.theme,
        "text": submission.text, "latitude": submission.latitude, "longitude": submission.longitude,
        "photos": len(submission.photos), "consent_reply": submission.consent_reply,
        "resident_name": submission.resident_name or "", "language": submission.language,
        "history": [{"at": e.at, "actor": e.actor, "action": e.action, "status": e.status, "text": e.text}
                    for e in events],
    }


