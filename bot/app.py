"""The composition root: builds the python-telegram-bot Application and every route."""

from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Settings
from bot.duties import build_scheduler
from bot.outbox import OutboxDispatcher
from bot.telegram_adapter import incoming_from_update, send_replies
from bot.update_order import PerResidentOrder
from content.model import Content
from flows import Assistant
from flows.menu import commands
from flows.receivers import unreached_stadsdelen
from locales import LANGUAGES, _, language_from_telegram, use_language
from mail import EmailDispatcher
from matching.semantic import shared_encoder
from storage import Database, OutboxRepository, StaffRepository

log = logging.getLogger(__name__)

ASSISTANT = "assistant"
DATABASE = "database"
OUTBOX = "outbox"
EMAIL = "email"
SCHEDULER = "scheduler"
RATE_LIMIT_RETRIES = 3


def build_application(
    settings: Settings,
    content: Content,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    telegram_limits: bool = True,
) -> Application:
    """Build the Application. ``request`` objects are for tests and benchmarks; an offline Bot API
    has no Telegram limits to respect (``telegram_limits=False``)."""
    builder = ApplicationBuilder().token(settings.token or "0:offline")
    builder = builder.base_url(settings.base_url).base_file_url(settings.base_file_url)
    builder = builder.concurrent_updates(PerResidentOrder())
    if telegram_limits:
        # Serving residents concurrently can burst past Telegram's ~30 messages per second; the
        # limiter spreads the calls and retries those Telegram asks to retry later (429).
        builder = builder.rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)

    async def post_init(app: Application) -> None:
        db = await Database.open(settings.db_path)
        app.bot_data[DATABASE] = db
        dispatcher = OutboxDispatcher(app.bot, OutboxRepository(db))
        app.bot_data[OUTBOX] = dispatcher
        email = None
        if settings.smtp is not None:
            email = app.bot_data[EMAIL] = EmailDispatcher(settings.smtp, OutboxRepository(db))
        else:
            log.warning("SMTP is not configured (SMTP_HOST): digests and submissions go by Telegram only")

        def notify() -> None:
            dispatcher.kick()
            if email is not None:
                email.kick()

        assistant = app.bot_data[ASSISTANT] = Assistant.create(db, content, notify=notify,
                                                               cache_dir=settings.cache_dir,
                                                               email=settings.smtp is not None)
        scheduler = app.bot_data[SCHEDULER] = build_scheduler(db, content, settings, notify=notify,
                                                              encoder=shared_encoder())
        unreached = await unreached_stadsdelen(content, StaffRepository(db), email=settings.smtp is not None)
        if unreached:
            log.warning("nobody receives submissions for stadsdeel %s: they are stored and seen once a "
                        "gebiedsverbinder is linked (wijkwijzer staff invite) or SMTP is configured",
                        ", ".join(content.stadsdelen[s].name for s in unreached))
        assistant.services.schedule_changed = scheduler.changed
        await register_commands(app)
        await scheduler.start()  # also carries out what fell due while the assistant was down
        if settings.outbox_paused:
            log.warning("WIJKWIJZER_OUTBOX_PAUSED is set: notifications are queued but not sent")
        else:
            dispatcher.start()  # also delivers what a crash left queued
            if email is not None:
                email.start()

    async def post_stop(app: Application) -> None:
        # Before the bot's HTTP client shuts down, so no delivery is cut off halfway.
        scheduler = app.bot_data.pop(SCHEDULER, None)
        if scheduler is not None:
            await scheduler.stop()
        dispatcher = app.bot_data.pop(OUTBOX, None)
        if dispatcher is not None:
            await dispatcher.stop()
        email = app.bot_data.pop(EMAIL, None)
        if email is not None:
            await email.stop()

    async def post_shutdown(app: Application) -> None:
        db = app.bot_data.pop(DATABASE, None)
        if db is not None:
            await db.close()

    app = builder.post_init(post_init).post_stop(post_stop).post_shutdown(post_shutdown).build()

    # Routes, in order. Only private chats: Wijkwijzer talks with one resident at a time.
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE, on_message))
    # (the outbox dispatcher, started in post_init, sends queued notifications)
    app.add_error_handler(on_error)
    return app


async def register_commands(app: Application) -> None:
    """Telegram's command menu in Dutch (also the default) and English."""
    try:
        table = app.bot_data[ASSISTANT].services.routes
        await app.bot.set_my_commands([BotCommand(n, d) for n, d in commands(table, "nl")])
        for language in LANGUAGES:
            await app.bot.set_my_commands([BotCommand(n, d) for n, d in commands(table, language)],
                                          language_code=language)
    except TelegramError as exc:  # the menu is a convenience; the bot works without it
        log.warning("could not register the command menu: %s", exc)


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    incoming = incoming_from_update(update)
    if incoming is None or update.effective_chat is None:
        return
    replies = await context.bot_data[ASSISTANT].handle(incoming)
    await send_replies(context.bot, update.effective_chat.id, replies)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    incoming = incoming_from_update(update)
    await query.answer()
    message = query.message  # None when Telegram no longer has it
    if incoming is None or message is None or message.chat.type != "private":
        return
    replies = await context.bot_data[ASSISTANT].handle(incoming)
    await send_replies(context.bot, message.chat.id, replies, pressed=message)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error, and tell the resident something went wrong instead of staying silent."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None or update.effective_user is None:
        return
    with use_language(language_from_telegram(update.effective_user.language_code)):
        text = _("Sorry, something went wrong on my side. Please try again in a moment.")
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.exception("could not tell the resident about the error")
