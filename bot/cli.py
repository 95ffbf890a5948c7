"""The ``wijkwijzer`` command.

  wijkwijzer                  run on Telegram if TELEGRAM_BOT_TOKEN is set, else the terminal demo
  wijkwijzer run              the Telegram bot (polling)
  wijkwijzer shell            the terminal demo
  wijkwijzer check-content    validate the content files
  wijkwijzer faq-gaps         questions the assistant could not answer, grouped by meaning
  wijkwijzer explain "..."    how a question is matched: both scores, top topics, the decision and why
  wijkwijzer staff ...        add, list, remove or invite gebiedsverbinders
  wijkwijzer export           submissions with their history, as CSV or JSON
  wijkwijzer inspraak ...     add, list, edit or cancel consultation windows
  wijkwijzer link --wijk N    the t.me link (and QR code) for a poster in a wijk
  wijkwijzer digest [--now]   gebiedsverbinders' digest settings, or send every digest now
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from dotenv import load_dotenv

from bot import admin, digest_cli, inspraak_cli
from bot.config import ConfigError, Settings
from content import Content, ContentError, load_content
from content.geography import Geography
from flows.assistant import build_matcher
from matching import semantic
from matching.gaps import group_by_meaning
from matching.semantic import ModelError
from storage import Database, QuestionLog

GAPS_READ = 2000  # distinct unanswered questions read for grouping


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wijkwijzer",
                                     description="Wijkwijzer, the wijkplatform assistant of Haarlem.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    shell = sub.add_parser("shell", help="talk to the assistant in this terminal")
    shell.add_argument("--lang", choices=("nl", "en"), default="nl", help="language (default nl)")
    shell.add_argument("--user", type=int, default=0,
                       help="talk as this user id, e.g. a gebiedsverbinder added with 'staff add' (default 0)")
    sub.add_parser("check-content", help="validate the content files and report the first problem")
    gaps = sub.add_parser("faq-gaps", help="unanswered questions grouped by meaning, most asked first")
    gaps.add_argument("--limit", type=int, default=50, help="how many groups to show")
    explain = sub.add_parser("explain", help="show how a question is matched and why")
    explain.add_argument("question")
    explain.add_argument("--lang", choices=("nl", "en"), default="nl")
    admin.add_parsers(sub)
    inspraak_cli.add_parsers(sub)
    digest_cli.add_parsers(sub)
    args = parser.parse_args(argv)
    if args.command in (None, "run", "shell", "explain", "faq-gaps") or getattr(args, "now", False):
        semantic.preload()  # the sentence model loads while the content does

    load_dotenv(".env", override=False)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        command = args.command or ("run" if Settings.from_env().token else "shell")
        settings = Settings.from_env(require_token=command == "run")
        if command == "faq-gaps":
            return asyncio.run(_faq_gaps(settings, args.limit))
        content = load_content(settings.content_dir)
        if command in ("staff", "export"):
            return asyncio.run(admin.run(args, settings, content))
        if command in ("inspraak", "link"):
            return asyncio.run(inspraak_cli.run(args, settings, content))
        if command == "digest":
            return asyncio.run(digest_cli.run(args, settings, content))
        if command == "explain":
            semantic.shared_encoder()
            matcher = build_matcher(content, Geography(content), settings.cache_dir)
            print("\n".join(matcher.explain(args.question, args.lang)))
            return 0
        if command == "check-content":
            print(f"Content is valid: {len(content.topics)} topics, {len(content.stadsdelen)} stadsdelen, "
                  f"{len(content.wijken)} wijken, {len(content.postcodes)} postcodes.")
            return 0
        if command == "shell":
            from bot.shell import run_shell

            semantic.shared_encoder()
            asyncio.run(run_shell(settings.db_path, content, language=getattr(args, "lang", "nl"),
                                  stdin=sys.stdin, stdout=sys.stdout, user_id=getattr(args, "user", 0),
                                  settings=settings, cache_dir=settings.cache_dir))
            return 0
        semantic.shared_encoder()  # a missing or broken model stops the start, before Telegram is contacted
        return _run(settings, content)
    except ModelError as exc:
        print(f"wijkwijzer: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"wijkwijzer: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print(f"wijkwijzer: content error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(settings: Settings, content: Content) -> int:
    from bot.app import build_application

    app = build_application(settings, content)
    app.run_polling(allowed_updates=["message", "callback_query"])
    return 0


async def _faq_gaps(settings: Settings, limit: int) -> int:
    db = await Database.open(settings.db_path)
    try:
        gaps = await QuestionLog(db).gaps(GAPS_READ)
    finally:
        await db.close()
    if not gaps:
        print("No unanswered questions yet.")
        return 0
    groups = group_by_meaning([(gap.example, gap.count) for gap in gaps], semantic.shared_encoder())
    details = {gap.example: gap for gap in gaps}
    print(f"{len(groups)} subjects in {sum(gap.count for gap in gaps)} unanswered questions, most asked first")
    for group in groups[:limit]:
        print(f"\n{group.count}× about: {group.example}")
        for text, count in group.questions:
            gap = details[text]
            print(f"  {count:>4}  {gap.languages:5} {gap.outcomes:24} {gap.stadsdelen or '-':14} {text}")
    return 0
