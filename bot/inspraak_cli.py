"""Operator commands for inspraak windows and wijk posters.

  wijkwijzer inspraak add --title T --opens "YYYY-MM-DD HH:MM" --closes "..." [--stadsdeel N]... [--wijk N]...
  wijkwijzer inspraak list | edit ID ... | cancel ID
  wijkwijzer link --wijk NAME [--qr FILE.png]

Times are Europe/Amsterdam. Bad input gets one line naming the option, and exit code 2. A running
bot sees the change within a few seconds (it derives its schedule from the database).
"""

from __future__ import annotations

import argparse
import datetime as dt

from bot.config import ConfigError, Settings
from content import Content
from content.geography import Geography
from flows import windows as rules
from flows.inspraak import area
from locales import _, format_moment, use_language
from storage import Database
from storage.audit import AuditEntry
from storage.inspraak import InspraakRepository, NewWindow, Window
from storage.timestamps import to_text, utc_now


def add_parsers(sub: argparse._SubParsersAction) -> None:
    inspraak = sub.add_parser("inspraak", help="manage consultation windows").add_subparsers(
        dest="inspraak_command", required=True)
    add = inspraak.add_parser("add", help="add a window; prints its id")
    _window_options(add, required=True)
    inspraak.add_parser("list", help="list every window")
    edit = inspraak.add_parser("edit", help="change a window; those told the old dates get a correction")
    edit.add_argument("id", type=int)
    _window_options(edit, required=False)
    cancel = inspraak.add_parser("cancel", help="cancel a window; those told about it hear so")
    cancel.add_argument("id", type=int)

    link = sub.add_parser("link", help="print the t.me link for a poster in a wijk (and a QR code)")
    link.add_argument("--wijk", required=True, help="name of the wijk, e.g. Transvaalwijk")
    link.add_argument("--qr", metavar="FILE.png", help="also write a QR code image of the link")
    link.add_argument("--bot", help="the bot's username (default: TELEGRAM_BOT_USERNAME or asked from Telegram)")


def _window_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--title", required=required, help="title in Dutch")
    parser.add_argument("--title-en", help="title in English (optional)")
    parser.add_argument("--opens", required=required, help='"YYYY-MM-DD HH:MM[:SS]", Europe/Amsterdam')
    parser.add_argument("--closes", required=required, help='"YYYY-MM-DD HH:MM[:SS]", Europe/Amsterdam')
    parser.add_argument("--stadsdeel", action="append", default=[], help="a stadsdeel in scope (repeatable)")
    parser.add_argument("--wijk", action="append", default=[], help="a wijk in scope (repeatable)")
    parser.add_argument("--url", help="link with more information (http or https)")
    parser.add_argument("--summary", help="a short summary for residents")
    parser.add_argument("--remind", help="reminders before closing, e.g. 7d,1d (the default) or 2d,12h")


def _time(option: str, text: str) -> dt.datetime:
    moment = rules.parse_local(text)
    if moment is None:
        raise ConfigError(option, f"is not a date and time like \"2026-12-15 09:00\": {text!r}")
    return moment


def _scope(args: argparse.Namespace, geography: Geography) -> tuple[tuple[str, str], ...]:
    scope = []
    for kind, names in (("stadsdeel", args.stadsdeel), ("wijk", args.wijk)):
        for name in names:
            code = rules.named_place(geography, name, kind)
            if code is None:
                raise ConfigError(f"--{kind}", f"{name!r} is not a {kind} of Haarlem")
            scope.append((kind, code))
    return tuple(dict.fromkeys(scope))


def _reminders(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return rules.parse_reminders(text)
    except ValueError as exc:
        raise ConfigError("--remind", f"is malformed: {exc}") from exc


def _check(opens: dt.datetime, closes: dt.datetime, url: str | None, *, new: bool) -> None:
    with use_language("en"):
        problem = rules.check_times(opens, closes, utc_now(), new=new)
        if problem:
            raise ConfigError("--closes" if problem == rules.CLOSES_BEFORE_OPENS else "--opens", _(problem))
        problem = rules.check_url(url)
        if problem:
            raise ConfigError("--url", _(problem))


async def run(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    geography = Geography(content)
    if args.command == "link":
        return await _link(args, settings, geography)
    db = await Database.open(settings.db_path)
    try:
        repo = InspraakRepository(db)
        if args.inspraak_command == "add":
            opens, closes = _time("--opens", args.opens), _time("--closes", args.closes)
            _check(opens, closes, args.url, new=True)
            new = NewWindow(title_nl=args.title, title_en=args.title_en, opens_at=opens, closes_at=closes,
                            summary=args.summary, url=args.url, scope=_scope(args, geography))
            reminders = _reminders(args.remind)
            if reminders is not None:
                new = NewWindow(**{**new.__dict__, "reminders": reminders})
            window = await repo.create(new, audit=AuditEntry(
                "inspraak.add", actor="operator", details={"title": new.title_nl, "scope": [list(s) for s in new.scope],
                                                           "opens": to_text(opens), "closes": to_text(closes)}))
            print(window.id)
        elif args.inspraak_command == "list":
            windows = await repo.all()
            if not windows:
                print("No inspraak windows yet.")
            for window in windows:
                print(_line(content, window))
        elif args.inspraak_command == "edit":
            await _edit(args, repo, geography, content)
        else:
            window = await repo.get(args.id)
            if window is None:
                raise ConfigError("ID", f"{args.id} is not an inspraak window")
            await repo.cancel(args.id, audit=AuditEntry("inspraak.cancel", actor="operator",
                                                        details={"title": window.title_nl}))
            print(f"Cancelled {args.id}: {window.title_nl}")
        return 0
    finally:
        await db.close()


async def _edit(args: argparse.Namespace, repo: InspraakRepository, geography: Geography, content: Content) -> None:
    window = await repo.get(args.id)
    if window is None:
        raise ConfigError("ID", f"{args.id} is not an inspraak window")
    if window.cancelled_at is not None:
        raise ConfigError("ID", f"{args.id} is cancelled and cannot be changed")
    changes: dict[str, object] = {}
    for option, field in (("title", "title_nl"), ("title_en", "title_en"), ("url", "url"), ("summary", "summary")):
        if getattr(args, option) is not None:
            changes[field] = getattr(args, option)
    opens = _time("--opens", args.opens) if args.opens else window.opens_at
    closes = _time("--closes", args.closes) if args.closes else window.closes_at
    _check(opens, closes, changes.get("url", window.url), new=args.opens is not None and opens != window.opens_at)
    changes.update(opens_at=opens, closes_at=closes)
    if args.stadsdeel or args.wijk:
        changes["scope"] = _scope(args, geography)
    reminders = _reminders(args.remind)
    if reminders is not None:
        changes["reminders"] = reminders
    changed = {k: (to_text(v) if isinstance(v, dt.datetime) else list(v) if isinstance(v, tuple) else v)
               for k, v in changes.items() if getattr(window, k) != v}
    edited = await repo.edit(args.id, audit=AuditEntry("inspraak.edit", actor="operator", details=changed),
                             **changes)
    print(_line(content, edited))


def _line(content: Content, window: Window) -> str:
    with use_language("en"):
        status = window.status(utc_now())
        return (f"{window.id:>4}  {status:9}  {format_moment(window.opens_at)} – {format_moment(window.closes_at)}"
                f"  {area(content, window)}  {window.title_nl}")


async def _link(args: argparse.Namespace, settings: Settings, geography: Geography) -> int:
    from bot.admin import bot_username

    code = rules.named_place(geography, args.wijk, "wijk")
    if code is None:
        raise ConfigError("--wijk", f"{args.wijk!r} is not a wijk of Haarlem")
    bot = await bot_username(args.bot, settings)
    url = f"https://t.me/{bot}?start=w-{code}"
    print(url)
    if args.qr:
        import segno  # a well-kept, pure-Python QR encoder that writes PNG without Pillow

        segno.make(url, error="m").save(args.qr, scale=10, border=4)
        print(f"QR code written to {args.qr}")
    return 0
