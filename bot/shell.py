"""The terminal demo: talk to the same flows as on Telegram, without a token or network.

Type text as you would in Telegram; choose a button by typing its number; send a
location with ``/locatie 52.3812 4.6366``. With piped input it reads lines until the
end, prints the replies and exits.

``--user ID`` talks as that user, so a second terminal can be a gebiedsverbinder
(after ``wijkwijzer staff add ID ...``). Messages queued for this user (a new idea
for staff, an answer for a resident, a notice about inspraak that fell due) are shown after each turn.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.duties import build_scheduler
from bot.text_input import valid_text
from content.model import Content
from flows import Assistant, Incoming, InputKind, Reply
from flows.types import Button
from matching.semantic import shared_encoder
from storage import Database, OutboxRepository

SHELL_USER_ID = 0  # the one local resident of the demo database


def render(replies: list[Reply], out: TextIO, files_dir: Path | None = None) -> list[Button]:
    """Print replies with numbered buttons; return the buttons in that numbering.

    A document is written to ``files_dir`` (default: the working directory) and its path printed."""
    buttons: list[Button] = []
    for reply in replies:
        if reply.document is not None:
            name, data = reply.document
            path = (files_dir or Path.cwd()) / Path(name).name
            path.write_bytes(data)
            out.write(f"\nWijkwijzer: [file] {path}\n")
        out.write(f"\nWijkwijzer: {reply.text}\n")
        for row in reply.buttons:
            for button in row:
                buttons.append(button)
                out.write(f"  [{len(buttons)}] {button.label}\n")
    out.flush()
    return buttons


def parse_line(line: str, buttons: list[Button], user_id: int, language: str) -> Incoming:
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        return Incoming.choice(user_id, buttons[int(line) - 1].action, language)
    parts = line.split()
    if len(parts) == 3 and parts[0] in ("/locatie", "/location"):
        try:
            return Incoming(user_id, InputKind.LOCATION, language_code=language,
                            latitude=float(parts[1].rstrip(",")), longitude=float(parts[2]))
        except ValueError:
            pass
    return Incoming.message(user_id, line, language)


async def _show_queued(outbox: OutboxRepository, user_id: int, out: TextIO) -> list[Button]:
    """Print (and mark sent) the messages queued for this terminal's user."""
    buttons: list[Button] = []
    for message in await outbox.for_chat(user_id):
        buttons = render([Reply.from_dict(message.payload)], out)
        await outbox.mark_sent(message.id)
    return buttons


async def run_shell(db_path: str, content: Content, *, language: str, stdin: TextIO, stdout: TextIO,
                    user_id: int = SHELL_USER_ID, settings: Settings | None = None,
                    cache_dir: Path | None = None, files_dir: Path | None = None) -> None:
    db = await Database.open(db_path)
    try:
        settings = settings or Settings.from_env()
        assistant = Assistant.create(db, content, cache_dir=cache_dir, retention_days=settings.retention_days)
        # Scheduled notices are carried out after every turn, so the whole loop works without Telegram.
        assistant.services.quiet = settings.quiet_hours
        scheduler = build_scheduler(db, content, settings, encoder=shared_encoder())
        await scheduler.run_pending()
        interactive = stdin.isatty()
        buttons: list[Button] = []
        if interactive:
            stdout.write("Wijkwijzer (terminal). Type a question; choose a button by its number; "
                         "Ctrl-D to stop.\n")
            buttons = render(await assistant.handle(Incoming.message(user_id, "/start", language)), stdout, files_dir)
            await scheduler.run_pending()
            buttons = await _show_queued(assistant.services.outbox, user_id, stdout) or buttons
        while True:
            if interactive:
                stdout.write("\n> ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            line = valid_text(line.strip())  # a non-UTF-8 terminal gives lone surrogates
            if not line:
                continue
            if not interactive:
                stdout.write(f"\n> {line}\n")
            replies = await assistant.handle(parse_line(line, buttons, user_id, language))
            buttons = render(replies, stdout, files_dir) or buttons
            await scheduler.run_pending()
            buttons = await _show_queued(assistant.services.outbox, user_id, stdout) or buttons
    finally:
        await db.close()
