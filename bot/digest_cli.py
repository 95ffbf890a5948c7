"""Operator command for digests.

  wijkwijzer digest                          each gebiedsverbinder's digest setting and next digest
  wijkwijzer digest --now [--stadsdeel N]    compose every recipient's digest at once, whatever the schedule

``--now`` covers everything since each recipient's previous digest, and records it like a scheduled one
(a later digest does not list the same submissions as new again). Recipients who set their digest to
'off' are skipped. Telegram messages are sent by the running bot (it picks them up within seconds);
e-mails are sent here at once when SMTP is configured (and by the bot if that fails).
"""

from __future__ import annotations

import argparse

from bot.admin import area_name
from bot.config import ConfigError, Settings
from bot.duties import build_digests
from content import Content
from content.geography import Geography
from flows.windows import named_place
from mail import EmailDispatcher
from matching import semantic
from matching.semantic import Encoder, ModelError
from storage import Database, OutboxRepository
from storage.timestamps import utc_now


def add_parsers(sub: argparse._SubParsersAction) -> None:
    digest = sub.add_parser("digest", help="digests for gebiedsverbinders: show the settings, or send now")
    digest.add_argument("--now", action="store_true", help="compose and send each recipient's digest now")
    digest.add_argument("--stadsdeel", help="only the gebiedsverbinders of this stadsdeel")


async def run(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    stadsdeel = None
    if args.stadsdeel:
        stadsdeel = named_place(Geography(content), args.stadsdeel, "stadsdeel")
        if stadsdeel is None:
            raise ConfigError("--stadsdeel", f"{args.stadsdeel!r} is not a stadsdeel of Haarlem; use one of "
                              f"{', '.join(s.name for s in content.stadsdelen.values())}")
    if args.stadsdeel and not args.now:
        raise ConfigError("--stadsdeel", "is only used with --now")
    db = await Database.open(settings.db_path)
    try:
        engine = build_digests(db, content, settings, encoder=_encoder() if args.now else None)
        if not args.now:
            recipients = await engine.repository.recipients()
            if not recipients:
                print("No gebiedsverbinders linked yet (wijkwijzer staff add/invite).")
            for r in recipients:
                s = r.settings
                when = {"workdays": f"working days {s.at}", "daily": f"daily {s.at}", "off": "off",
                        "weekly": f"weekly on {WEEKDAYS[s.weekday]} {s.at}"}[s.schedule]
                print(f"{r.user_id:>12}  {area_name(content, r.stadsdeel):11} {when:24} {s.channel:8} "
                      f"{r.email or '-':28} {'also when empty' if s.when_empty else ''}")
            return 0
        recipients = await engine.repository.recipients(stadsdeel)
        if not recipients:
            where = f" for stadsdeel {area_name(content, stadsdeel)}" if stadsdeel else ""
            raise ConfigError("--stadsdeel" if stadsdeel else "digest", f"has no gebiedsverbinder linked{where}")
        outcomes = await engine.send_now(utc_now(), stadsdeel)
        by_user = {o.user_id: o for o in outcomes}
        for r in recipients:
            outcome = by_user.get(r.user_id)
            name = r.name or str(r.user_id)
            if outcome is None:
                print(f"{name} ({area_name(content, r.stadsdeel)}): digest is off, skipped")
            elif not outcome.sent:
                print(f"{name} ({area_name(content, r.stadsdeel)}): nothing new, no digest (not asked for when empty)")
            else:
                print(f"{name} ({area_name(content, r.stadsdeel)}): digest with {outcome.new_total} new, "
                      f"by {' and '.join(outcome.channels)}")
        if settings.smtp is not None and any("email" in o.channels for o in outcomes):
            sent = await EmailDispatcher(settings.smtp, OutboxRepository(db)).deliver()
            print(f"E-mails sent: {sent}" + ("" if sent else " (the running bot retries them)"))
        return 0
    finally:
        await db.close()


def _encoder() -> Encoder | None:
    """The sentence model groups unanswered questions by meaning; without it they are grouped by wording."""
    try:
        return semantic.shared_encoder()
    except ModelError as exc:
        print(f"(unanswered questions grouped by wording only: {exc})")
        return None


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
