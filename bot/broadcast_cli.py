"""Operator commands for broadcasts (scripted use; staff in Telegram use /omroep).

  wijkwijzer broadcast send --text TEXT [--text-en TEXT] --audience all|stadsdeel:NAME|wijk:NAME|thema:NAME|
                            gebiedsverbinders [--audience ...] [--at "YYYY-MM-DD HH:MM"] [--as TELEGRAM_ID]
                            [--ignore-quiet-hours]
  wijkwijzer broadcast status ID | list | pause ID | resume ID | cancel ID

``send`` prints the broadcast's id and recipient count. The same rules as /omroep: only residents who
follow something in the audience, quiet hours move the start to the morning (unless
--ignore-quiet-hours), and with --as the staff member must be allowed to send to that audience (and
follows it in Telegram as if they had sent it with /omroep: a progress message, edited as it goes, with
Pause / Cancel, and the final report). Bad input gets one line naming the option, and exit code 2. A running
bot sends the messages within seconds (its outbox and scheduler read the database).
"""

from __future__ import annotations

import argparse
import math

from bot.config import ConfigError, Settings
from content import Content
from content.geography import Geography
from content.textfold import fold
from flows import windows as rules
from flows.broadcast_view import (
    MAX_TEXT,
    audience_stadsdelen,
    describe_audience,
    payloads,
    rate_of,
    show_cancelled,
    show_progress,
)
from flows.permissions import may_manage
from locales import format_moment, use_language
from scheduling.quiet import next_allowed
from storage import Database, StaffRepository
from storage.broadcasts import SEND_RATE, Broadcast, BroadcastRepository, NewBroadcast, Part, areas_of
from storage.timestamps import utc_now


def add_parsers(sub: argparse._SubParsersAction) -> None:
    broadcast = sub.add_parser("broadcast", help="send a message to many residents; status, list, cancel")
    commands = broadcast.add_subparsers(dest="broadcast_command", required=True)
    send = commands.add_parser("send", help="send (or plan) a broadcast; prints its id and recipient count")
    send.add_argument("--text", required=True, help=f"the message in Dutch (at most {MAX_TEXT} characters)")
    send.add_argument("--text-en", help="the message for residents who use English (optional)")
    send.add_argument("--audience", action="append", default=[], required=True,
                      help="all | stadsdeel:NAME | wijk:NAME | thema:NAME | gebiedsverbinders (repeatable)")
    send.add_argument("--at", help='"YYYY-MM-DD HH:MM", Europe/Amsterdam (default: now)')
    send.add_argument("--as", dest="as_id", type=int, metavar="TELEGRAM_ID",
                      help="send on behalf of this staff member (checked against their rights; they follow its "
                           "progress in Telegram)")
    send.add_argument("--ignore-quiet-hours", action="store_true",
                      help="start now even during the quiet hours (like 'Nu toch versturen')")
    for name, text in (("status", "sent / pending / blocked / failed and the time left"),
                       ("pause", "hold the unsent messages"), ("resume", "send the held messages"),
                       ("cancel", "never send the unsent messages")):
        commands.add_parser(name, help=text).add_argument("id", type=int)
    commands.add_parser("list", help="the latest broadcasts")


def parse_audience(content: Content, geography: Geography, specs: list[str]) -> tuple[Part, ...]:
    parts: list[Part] = []
    for spec in specs:
        kind, _colon, name = spec.partition(":")
        kind, name = kind.strip().lower(), name.strip()
        if kind in ("all", "gebiedsverbinders") and not name:
            parts.append((kind, ""))
        elif kind in ("stadsdeel", "wijk") and name:
            code = rules.named_place(geography, name, kind)
            if code is None:
                raise ConfigError("--audience", f"{name!r} is not a {kind} of Haarlem")
            parts.append((kind, code))
        elif kind in ("thema", "theme") and name:
            wanted = fold(name)
            theme = next((t for t in content.themes if wanted in (fold(t.id), fold(t.title.get("nl")),
                                                                 fold(t.title.get("en")))), None)
            if theme is None:
                known = ", ".join(t.id for t in content.themes)
                raise ConfigError("--audience", f"{name!r} is not a theme (known: {known})")
            parts.append(("theme", theme.id))
        else:
            raise ConfigError("--audience", f"{spec!r} is not all, stadsdeel:NAME, wijk:NAME, thema:NAME or "
                              "gebiedsverbinders")
    return tuple(dict.fromkeys(parts))


def _text(option: str, text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise ConfigError(option, f"must be 1 to {MAX_TEXT} characters (now {len(text)})")
    return text


async def run(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    db = await Database.open(settings.db_path)
    try:
        repo = BroadcastRepository(db, areas_of(content.stadsdelen))
        with use_language("en"):
            command = args.broadcast_command
            if command == "send":
                return await _send(args, settings, content, db, repo)
            if command == "list":
                broadcasts = await repo.all()
                if not broadcasts:
                    print("No broadcasts yet.")
                for broadcast in broadcasts:
                    print(_line(content, broadcast))
                return 0
            broadcast = await repo.get(args.id)
            if broadcast is None:
                raise ConfigError("ID", f"{args.id} is not a broadcast")
            if command == "status":
                await _status(content, repo, broadcast)
                return 0
            action = {"pause": repo.pause, "resume": repo.resume, "cancel": repo.cancel}[command]
            if not await action(broadcast.id):
                raise ConfigError("ID", f"{broadcast.id} is {broadcast.status}: {command} does not apply")
            if command == "cancel":  # the staff member who started it sees it on their progress message
                await show_cancelled(content, repo, broadcast.id, None, utc_now())
            done = {"pause": "paused", "resume": "resumed", "cancel": "cancelled"}[command]
            print(f"Broadcast {broadcast.id} is {done}.")
            return 0
    finally:
        await db.close()


async def _send(args: argparse.Namespace, settings: Settings, content: Content, db: Database,
                repo: BroadcastRepository) -> int:
    text_nl, text_en = _text("--text", args.text), _text("--text-en", args.text_en)
    assert text_nl is not None
    audience = parse_audience(content, Geography(content), args.audience)
    if args.as_id is not None:
        member = await StaffRepository(db).get(args.as_id)
        if member is None:
            raise ConfigError("--as", f"{args.as_id} is not a staff member (add them with 'wijkwijzer staff add')")
        if not may_manage(member, audience_stadsdelen(content, audience)):
            raise ConfigError("--as", f"{args.as_id} may not send to this audience (a gebiedsverbinder: only "
                              "their own stadsdeel and its wijken)")
    now = utc_now()
    wanted = now
    if args.at:
        moment = rules.parse_local(args.at)
        if moment is None:
            raise ConfigError("--at", f"is not a date and time like \"2026-12-15 09:00\": {args.at!r}")
        if moment < now - rules.PAST_ALLOWED:
            raise ConfigError("--at", "lies more than a day in the past")
        wanted = max(moment, now)
    start = wanted if args.ignore_quiet_hours else next_allowed(wanted, settings.quiet_hours)
    counts = await repo.count(audience)
    total = counts["nl"] + counts["en"]
    if total == 0 and start <= now:
        raise ConfigError("--audience", "reaches nobody: nobody follows something in it yet")
    new = NewBroadcast(text_nl, audience, text_en=text_en, created_by=args.as_id, send_at=start,
                       quiet_override=args.ignore_quiet_hours)
    broadcast = await repo.create(new, payloads(text_nl, text_en, None), progress_chat=args.as_id)
    await show_progress(content, repo, broadcast, now)  # with --as: their progress message, as from /omroep
    if broadcast.status == "sending":
        print(f"Broadcast {broadcast.id}: {broadcast.recipients} recipients, sending now "
              f"(about {_seconds(broadcast.recipients / SEND_RATE)}).")
    else:
        why = " (after the quiet hours)" if start != wanted else ""
        print(f"Broadcast {broadcast.id}: {total} recipients now, planned for {format_moment(start)}{why}.")
    return 0


async def _status(content: Content, repo: BroadcastRepository, broadcast: Broadcast) -> None:
    progress = await repo.progress(broadcast.id)
    print(f"Broadcast {broadcast.id} · {broadcast.status} · {describe_audience(content, broadcast.audience)}")
    if broadcast.status == "scheduled":
        counts = await repo.count(broadcast.audience)
        print(f"planned for {format_moment(broadcast.send_at or utc_now())}; {sum(counts.values())} recipients now")
        return
    print(f"sent {progress.sent} · pending {progress.pending} · blocked {progress.blocked} · failed "
          f"{progress.failed}" + (f" · cancelled {progress.cancelled}" if progress.cancelled else ""))
    if broadcast.status in ("sending", "paused"):
        held = " (paused: nothing is sent until resumed)" if broadcast.status == "paused" else ""
        rate = rate_of(progress, utc_now())  # as the progress message: this run's rate, once measurable
        print(f"estimated time left: {_seconds(progress.seconds_left(rate))} at {rate:.3g} messages/s{held}")


def _seconds(seconds: float) -> str:
    seconds = math.ceil(seconds)
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60} s"


def _line(content: Content, broadcast: Broadcast) -> str:
    when = format_moment(broadcast.send_at) if broadcast.send_at else "-"
    first = broadcast.text_nl.split("\n", 1)[0]
    first = first if len(first) <= 50 else first[:49] + "…"
    return (f"{broadcast.id:>4}  {broadcast.status:9}  {when}  {broadcast.recipients:>6}  "
            f"{describe_audience(content, broadcast.audience)}  {first}")
