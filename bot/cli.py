"""The ``wijkwijzer`` command.

  wijkwijzer                  run on Telegram if TELEGRAM_BOT_TOKEN is set, else the terminal demo
  wijkwijzer run              the Telegram bot (polling, or a webhook with --webhook-url)
  wijkwijzer shell            the terminal demo
  wijkwijzer check-content    validate the content files
  wijkwijzer faq-gaps         questions the assistant could not answer, grouped by meaning
  wijkwijzer explain "..."    how a question is matched: both scores, top topics, the decision and why
  wijkwijzer staff ...        add, list, remove or invite gebiedsverbinders
  wijkwijzer export           submissions with their history, as CSV or JSON
  wijkwijzer inspraak ...     add, list, edit or cancel consultation windows
  wijkwijzer broadcast ...    send, plan, list, pause, resume or cancel broadcasts; their status
  wijkwijzer link --wijk N    the t.me link (and QR code) for a poster in a wijk
  wijkwijzer backup FILE      a consistent copy of the database, also while the bot runs
  wijkwijzer audit            what staff and operators did (--since DATE)
  wijkwijzer retention        remove personal data from long-closed submissions (--dry-run: show only)
  wijkwijzer digest [--now]   gebiedsverbinders' digest settings, or send every digest now
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from urllib.parse import urlparse

from dotenv import load_dotenv

from bot import admin, broadcast_cli, digest_cli, inspraak_cli, logs, operations
from bot.config import ConfigError, Settings
from bot.netwatch import TOKEN_REJECTED, OutageLog, StartError, describe, wait_for_bot_api
from content import Content, ContentError, load_content
from content.geography import Geography
from matching import semantic
from matching.build import build_matcher, load_bundled
from matching.gaps import group_by_meaning
from matching.semantic import ModelError
from storage import Database, QuestionLog
from storage.db import DatabaseMissing, check_not_lost
from storage.writable import NotWritable, check_writable

GAPS_READ = 2000  # distinct unanswered questions read for grouping
ALLOWED_UPDATES = ["message", "callback_query"]

log = logging.getLogger("wijkwijzer")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wijkwijzer",
                                     description="Wijkwijzer, the wijkplatform assistant of Haarlem.")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN); polling unless a webhook "
                         "URL is given")
    run.add_argument("--webhook-url", help="public https URL Telegram posts updates to (WIJKWIJZER_WEBHOOK_URL)")
    run.add_argument("--listen", metavar="HOST:PORT", help="where the webhook server listens, behind the reverse "
                     "proxy (WIJKWIJZER_LISTEN)")
    run.add_argument("--secret-token", help="secret Telegram sends with every update; others get 403 "
                     "(WIJKWIJZER_SECRET_TOKEN; prefer the environment, a command line is visible to other users)")
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
    broadcast_cli.add_parsers(sub)
    operations.add_parsers(sub)
    digest_cli.add_parsers(sub)
    args = parser.parse_args(argv)

    load_dotenv(".env", override=False)
    env = dict(os.environ)
    for option, setting in (("webhook_url", "WIJKWIJZER_WEBHOOK_URL"), ("listen", "WIJKWIJZER_LISTEN"),
                            ("secret_token", "WIJKWIJZER_SECRET_TOKEN")):
        if getattr(args, option, None):
            env[setting] = getattr(args, option)
    logs.configure()
    try:
        command = args.command or ("run" if Settings.from_env(env).token else "shell")
        settings = Settings.from_env(env, require_token=command == "run")
        logs.configure(settings.log_format, secrets=(settings.token or "", settings.secret_token or ""))
        if command in ("run", "shell", "explain", "faq-gaps") or getattr(args, "now", False):
            semantic.preload(settings.cache_dir)  # the sentence model loads while the content does
        if command not in ("check-content", "explain"):
            check_not_lost(settings.db_path, recreate=settings.db_recreate)
        if command == "backup":
            return operations.run_backup(args, settings)
        if command == "audit":
            return asyncio.run(operations.run_audit(args, settings))
        if command == "retention":
            return asyncio.run(operations.run_retention(args, settings))
        if command == "faq-gaps":
            return asyncio.run(_faq_gaps(settings, args.limit))
        content = load_content(settings.content_dir)
        if command in ("staff", "export"):
            return asyncio.run(admin.run(args, settings, content))
        if command in ("inspraak", "link"):
            return asyncio.run(inspraak_cli.run(args, settings, content))
        if command == "broadcast":
            return asyncio.run(broadcast_cli.run(args, settings, content))
        if command == "digest":
            return asyncio.run(digest_cli.run(args, settings, content))
        if command == "explain":
            semantic.shared_encoder()
            matcher = build_matcher(content, Geography(content), settings.cache_dir)
            print("\n".join(matcher.explain(args.question, args.lang)))
            return 0
        if command == "check-content":
            training = load_bundled(content)  # a broken training file is a content error too
            print(f"Content is valid: {len(content.topics)} topics, {len(content.stadsdelen)} stadsdelen, "
                  f"{len(content.wijken)} wijken, {len(content.postcodes)} postcodes, "
                  f"{len(training)} training questions.")
            return 0
        if command == "shell":
            from bot.shell import run_shell

            check_writable(settings.db_path)
            if hasattr(sys.stdin, "reconfigure"):
                sys.stdin.reconfigure(errors="replace")  # bytes that are not UTF-8 become U+FFFD
            semantic.shared_encoder()
            asyncio.run(run_shell(settings.db_path, content, language=getattr(args, "lang", "nl"),
                                  stdin=sys.stdin, stdout=sys.stdout, user_id=getattr(args, "user", 0),
                                  settings=settings, cache_dir=settings.cache_dir))
            return 0
        return _run(settings, content)
    except (StartError, NotWritable, ModelError, DatabaseMissing, ConfigError) as exc:
        print(f"wijkwijzer: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print(f"wijkwijzer: content error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(settings: Settings, content: Content) -> int:
    """Check what can be checked before serving anyone, then poll or serve the webhook."""
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application

    check_writable(settings.db_path)
    asyncio.run(_bot_api_ready(settings))
    semantic.shared_encoder()  # a missing or broken model stops the start
    outages = OutageLog(settings.token)
    app = build_application(settings, content, outages=outages)
    gc.collect()
    gc.freeze()  # what start-up loaded (content, matchers, the model's tables) stays: full collections skip it
    try:
        if settings.webhook:
            host, port = settings.listen
            log.info("serving the webhook on %s:%d for %s", host, port, settings.webhook_url)
            app.run_webhook(listen=host, port=port, url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                            webhook_url=settings.webhook_url, secret_token=settings.secret_token,
                            allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
        else:
            # bootstrap_retries=-1: an outage between the start checks and the first poll is waited out
            app.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
    except InvalidToken:
        raise StartError(TOKEN_REJECTED) from None
    except NetworkError as exc:
        raise StartError(f"the Bot API at {settings.base_url} cannot be reached ({describe(exc, settings.token)})"
                         ) from None
    if outages.token_rejected:  # revoked while running: stopped, and a supervisor should not just restart it
        raise StartError(TOKEN_REJECTED)
    return 0


async def _bot_api_ready(settings: Settings) -> None:
    from telegram import Bot

    bot = Bot(settings.token or "", base_url=settings.base_url, base_file_url=settings.base_file_url)
    try:
        await wait_for_bot_api(bot, settings.token or "", settings.base_url, settings.start_timeout)
    finally:
        await bot.shutdown()


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
