"""The composition root: builds the python-telegram-bot Application and every route."""

from __future__ import annotations

import logging

from telegram import BotCommand, ChatMember, Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Settings
from bot.duties import build_scheduler
from bot.netwatch import OutageLog, WatchedRequest
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
from pacing import Pacer, PacingRateLimiter
from pacing.flood import FloodGuard
from storage import Database, OutboxRepository, StaffRepository

log = logging.getLogger(__name__)

ASSISTANT = "assistant"
DATABASE = "database"
OUTBOX = "outbox"
EMAIL = "email"
SCHEDULER = "scheduler"
OUTAGES = "outages"


def build_application(
    settings: Settings,
    content: Content,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    telegram_limits: bool = True,
    outages: OutageLog | None = None,
    pacer: Pacer | None = None,
) -> Application:
    """Build the Application. ``request`` objects are for tests and benchmarks; an offline Bot API
    has no Telegram limits to respect (``telegram_limits=False``); ``pacer`` replaces the
    default one (benchmarks). With ``outages``, every Bot API request reports whether the Bot API
    answered (see bot/netwatch.py)."""
    builder = ApplicationBuilder().token(settings.token or "0:offline")
    builder = builder.base_url(settings.base_url).base_file_url(settings.base_file_url)
    processor = PerResidentOrder(flood=FloodGuard(settings.flood_messages_per_minute))
    builder = builder.concurrent_updates(processor)
    if telegram_limits or pacer is not None:
        # One pacer for every send: Telegram's limits overall and per chat, a resident's reply
        # before notifications before broadcasts, a 429 holding only the chat it was for.
        builder = builder.rate_limiter(PacingRateLimiter(pacer or Pacer()))
    if outages is not None:
        request = request or WatchedRequest(outages, connection_pool_size=256)
        get_updates_request = get_updates_request or WatchedRequest(outages, connection_pool_size=1)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)

    async def post_init(app: Application) -> None:
        db = await Database.open(settings.db_path, recreate=settings.db_recreate)
        app.bot_data[DATABASE] = db
        dispatcher = OutboxDispatcher(app.bot, OutboxRepository(db), quiet=settings.quiet_hours)
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
                                                               retention_days=settings.retention_days,
                                                               email=settings.smtp is not None)
        dispatcher.residents = assistant.services.residents  # one cache knows who is inactive
        assistant.services.broadcast_stopped = dispatcher.broadcast_stopped  # paused: not even what it took
        assistant.services.submissions_per_hour = settings.submissions_per_hour
        staff = StaffRepository(db)

        async def is_staff(user_id: int) -> bool:
            return await staff.get(user_id) is not None

        processor.is_exempt = is_staff
        processor.on_flood = lambda update: app.create_task(tell_flooding(app, update), update=update)
        scheduler = app.bot_data[SCHEDULER] = build_scheduler(db, content, settings, notify=notify,
                                                              encoder=shared_encoder())
        unreached = await unreached_stadsdelen(content, StaffRepository(db), email=settings.smtp is not None)
        if unreached:
            log.warning("nobody receives submissions for stadsdeel %s: they are stored and seen once a "
                        "gebiedsverbinder is linked (wijkwijzer staff invite) or SMTP is configured",
                        ", ".join(content.stadsdelen[s].name for s in unreached))
        assistant.services.schedule_changed = scheduler.changed
        assistant.services.quiet = settings.quiet_hours
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
    app.add_handler(ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    # (the outbox dispatcher, started in post_init, sends queued notifications)
    app.add_error_handler(on_error)
    app.bot_data[OUTAGES] = outages = outages or OutageLog(settings.token)
    outages.on_token_rejected = app.stop_running
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


async def on_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A resident blocked the bot (leave them out of every message) or unblocked it (include them)."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    residents = context.bot_data[ASSISTANT].services.residents
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        await residents.mark_inactive(change.chat.id)
    elif status == ChatMember.MEMBER:
        await residents.mark_active(change.chat.id)


async def tell_flooding(app: Application, update: Update) -> None:
    """Once per flood: why the bot stops answering for a moment."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or chat.type != "private":
        return
    resident = await app.bot_data[ASSISTANT].services.residents.get(user.id)
    language = resident.language if resident and resident.language else language_from_telegram(user.language_code)
    with use_language(language):
        text = _("You are sending a lot of messages in a short time. I will not read them for a minute. "
                 "After that, please send your question again in one message.")
    try:
        await app.bot.send_message(chat.id, text)
    except TelegramError as exc:
        log.info("could not send the flood notice: %s", exc)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error, and tell the resident something went wrong instead of staying silent.

    Network trouble with the Bot API is no bug: it is logged once per outage, without a traceback
    (python-telegram-bot passes errors while polling here with ``update`` None)."""
    outages: OutageLog = context.bot_data[OUTAGES]
    if update is None and isinstance(context.error, TelegramError):
        outages.polling_error(context.error)
        return
    if isinstance(context.error, NetworkError):
        outages.failed(context.error)
        log.warning("could not answer an update: the Bot API cannot be reached")
        return
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None or update.effective_user is None:
        return
    with use_language(language_from_telegram(update.effective_user.language_code)):
        text = _("Sorry, something went wrong on my side. Please try again in a moment.")
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.exception("could not tell the resident about the error")
