"""Delivers the messages queued in the outbox to Telegram, also those left by a crash.

Flows queue notifications, notices and broadcasts in the same database transaction as what
caused them; this sender delivers them soon after (woken at once by ``kick``, and every few
seconds anyway). It works through many chats at once, one message at a time per chat (so a
resident gets them in order), highest priority first. How fast is not its business: every
send waits for its turn from the pacer (``pacing``), in the lane that the row's priority
says, so replies to residents who just wrote still go first.

Crash safety: a row is marked sent only after Telegram accepted it. A kill in between sends
at most the messages that were in flight once more; nothing is skipped.

Paused and cancelled broadcasts: the rows taken wait in memory for their turn. A broadcast's
message is withdrawn, not sent, when its broadcast is known to be stopped (bot/stopped_broadcasts.py)
before its first request goes out (pacing/handover.py): the row is left as it is, pending while
paused (it goes after the resume) or parked by the cancellation. Withdrawing writes nothing, so a
crash cannot lose or repeat a message through it.

Quiet hours (``quiet``, 21:00-08:00 by default): no broadcast message starts in them, unless staff chose
to send that broadcast anyway. During them no broadcast row is taken, and one taken before they began is
withdrawn in the same way right before its first request would go out: it stays pending, and the duty
engine holds it until the morning (scheduling/broadcasts.py). Everything else (answers and status changes
for residents, progress to staff) goes at night as by day.

A broadcast's first progress message for a staff member who has no progress message yet (started with
`wijkwijzer broadcast send --as`, marked ``PROGRESS_OF``) is sent as a new message, and its Telegram id is
recorded in the broadcast as the row is marked sent; one more such row, sent after that, edits it. One
chat gets one message at a time, so the second is never sent before the first was recorded.

When Telegram says no:
- 429 (too many requests): the pacer waits ``retry_after`` and retries the same message; if it
  keeps being refused, the row stays pending until then (never counted as failed);
- 403 (blocked, deactivated): the resident is marked inactive (left out of later messages until
  they write again) and the row failed, never retried;
- 400 (bad request): failed, logged;
- a timeout after the request went out (it may have arrived): retried once, and recorded in
  ``last_error``; a second one fails the row (a rare duplicate beats a silent loss, an endless
  series of duplicates does not);
- other network errors: retried with back-off.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, replace

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.stopped_broadcasts import StoppedBroadcasts
from bot.telegram_adapter import send_replies
from flows.types import Reply
from pacing import CURRENT_HANDOVER, CURRENT_LANE, Clock, Handover, MonotonicClock, Withdrawn, lane_for_priority
from pacing.ratelimiter import retry_seconds
from scheduling.quiet import QuietHours
from storage import OutboxRepository
from storage.broadcasts import PROGRESS_OF
from storage.delivery import DeliveryLoop
from storage.outbox import OutboxMessage
from storage.residents import ResidentRepository
from storage.timestamps import utc_now

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 100  # chats served at once; the pacer decides when each actually goes
NETWORK_ATTEMPTS = 30  # back-off doubles up to 10 minutes: about four hours of outage
AMBIGUOUS = "ambiguous timeout"
# Seconds between reads of the status of the broadcasts with rows in flight: how soon a pause or
# cancellation by another process (the command line) stops them. In this process it is at once.
STATUS_CHECK = 1.0


@dataclass
class DeliveryStats:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    postponed: int = 0  # 429 or network trouble: tried again later
    ambiguous: int = 0
    withdrawn: int = 0  # a paused or cancelled broadcast's, or one the quiet hours hold: not sent (yet)


class OutboxDispatcher(DeliveryLoop):
    name = "outbox"
    label = "outbox"

    def __init__(self, bot: Bot, outbox: OutboxRepository, residents: ResidentRepository | None = None, *,
                 interval: float = 5.0, max_in_flight: int = MAX_IN_FLIGHT, clock: Clock | None = None,
                 quiet: QuietHours | None = None) -> None:
        super().__init__(interval=interval)  # kick, start, stop and the rounds in the background
        self._bot = bot
        self._outbox = outbox
        # the assistant's own repository, so its cache learns who is inactive
        self.residents = residents
        self._max_in_flight = max_in_flight
        self._clock = clock or MonotonicClock()  # pacing time; the quiet hours go by utc_now(), the time of day
        self._quiet = quiet  # None: broadcasts go at any hour
        self.stopped = StoppedBroadcasts()
        self.stats = DeliveryStats()

    def broadcast_stopped(self, broadcast_id: int) -> None:
        """Staff paused or cancelled it (committed): what of it is in flight and not yet sent stays unsent."""
        self.stopped.stopped(broadcast_id)

    async def deliver(self) -> int:
        """Send everything that is due, until nothing is left; return how many were sent."""
        async with self._lock:
            self._outbox.check_writable()  # never send what could not be marked sent afterwards
            before = self.stats.sent
            in_flight: dict[asyncio.Task[None], OutboxMessage] = {}
            checked = self._clock.now()  # when the status of the broadcasts in flight was last read
            try:
                while True:
                    self._wake.clear()
                    await self._take(in_flight)
                    if not in_flight:
                        break
                    held = {m.broadcast_id for m in in_flight.values() if m.broadcast_id is not None}
                    if not held:
                        checked = self._clock.now()  # nothing to check (a batch is checked as it is taken)
                    kicked = await self._wait(in_flight, checked + STATUS_CHECK if held else None)
                    # kicked: staff may have paused, resumed or cancelled; else at least every STATUS_CHECK
                    if held and (kicked or self._clock.now() >= checked + STATUS_CHECK):
                        await self._check_status(held)
                        checked = self._clock.now()
            finally:
                for task in in_flight:  # stopped: what was in flight stays pending
                    task.cancel()
                if in_flight:
                    await asyncio.gather(*in_flight, return_exceptions=True)
            return self.stats.sent - before

    async def _take(self, in_flight: dict[asyncio.Task[None], OutboxMessage]) -> None:
        """Start sending the next due rows, up to MAX_IN_FLIGHT, one per chat."""
        room = self._max_in_flight - len(in_flight)
        if room <= 0:
            return
        busy = {m.chat_id for m in in_flight.values()}
        read = self.stopped.reading()
        night = self._quiet is not None and self._quiet.contains(utc_now())
        batch = await self._outbox.pending(room, exclude_chats=busy, quiet_hours=night)
        # taking them is a check too: none of their broadcasts was paused or cancelled when they were read
        self.stopped.read(read, sending={m.broadcast_id for m in batch if m.broadcast_id is not None})
        for message in batch:
            if message.chat_id in busy:
                continue  # its next message, once this one is done
            busy.add(message.chat_id)
            in_flight[asyncio.create_task(self._deliver_one(message))] = message

    async def _wait(self, in_flight: dict[asyncio.Task[None], OutboxMessage], until: float | None) -> bool:
        """Until a message is done, a kick, or ``until`` (clock time); forget the done; True when kicked."""
        woken = asyncio.ensure_future(self._wake.wait())
        timer = asyncio.ensure_future(self._clock.sleep(until - self._clock.now())) if until is not None else None
        try:
            done, _ = await asyncio.wait({*in_flight, woken, *([timer] if timer else [])},
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            if timer is not None:
                timer.cancel()
        for task in done:
            in_flight.pop(task, None)  # type: ignore[call-overload]
        return woken in done

    async def _check_status(self, broadcast_ids: set[int]) -> None:
        """Read whether the broadcasts with rows in flight are still sending: one query, not one per message."""
        read = self.stopped.reading()
        stopped = await self._outbox.stopped_broadcasts(broadcast_ids)
        self.stopped.read(read, sending=broadcast_ids - stopped, stopped=stopped)

    async def _deliver_one(self, message: OutboxMessage) -> None:
        CURRENT_LANE.set(lane_for_priority(message.priority))  # this task's sends, in this lane
        handover = None
        if message.broadcast_id is not None:  # withdrawn if its broadcast stops, or the night begins, before it goes
            broadcast_id = message.broadcast_id
            quiet_from = self._quiet_from(message)
            handover = Handover(lambda: broadcast_id not in self.stopped
                                and (quiet_from is None or utc_now() < quiet_from))
            CURRENT_HANDOVER.set(handover)
        try:
            if handover is not None and not handover.wanted():
                raise Withdrawn  # stopped before it even asked for a turn
            recorded = await self._send(message)
        except Withdrawn:
            # nothing of it went: the row stays as it is, pending while paused or held for the quiet hours, or
            # parked by the cancellation
            self.stats.withdrawn += 1
            log.debug("outbox message %s not sent: broadcast %s was paused or cancelled, or the quiet hours began",
                      message.id, message.broadcast_id)
        except RetryAfter as exc:
            self.stats.postponed += 1
            await self._outbox.mark_later(message, retry_seconds(exc), f"flood control: {exc}")
        except Forbidden as exc:
            self.stats.blocked += 1
            log.info("outbox message %s: the resident blocked the bot or left; marked inactive", message.id)
            if self.residents is not None:
                await self.residents.mark_inactive(message.chat_id)
            await self._outbox.mark_failed(message.id, f"blocked: {exc}")
        except BadRequest as exc:
            self.stats.failed += 1
            log.warning("outbox message %s cannot be delivered: %s", message.id, exc)
            await self._outbox.mark_failed(message.id, str(exc))
        except TimedOut as exc:
            await self._timed_out(message, exc)
        except NetworkError as exc:
            self.stats.postponed += 1
            log.info("outbox message %s will be retried: %s", message.id, exc)
            await self._outbox.mark_retry(message, self._keep_ambiguous(message, str(exc)),
                                          max_attempts=NETWORK_ATTEMPTS)
        except TelegramError as exc:
            self.stats.postponed += 1
            log.warning("outbox message %s will be retried: %s", message.id, exc)
            await self._outbox.mark_retry(message, self._keep_ambiguous(message, str(exc)))
        except Exception:  # a bug must not stop the other deliveries
            log.exception("outbox message %s could not be sent", message.id)
            await self._outbox.mark_retry(message, "internal error")
        else:
            await self._outbox.mark_sent(message.id, progress_message=recorded)
            self.stats.sent += 1

    def _quiet_from(self, message: OutboxMessage) -> dt.datetime | None:
        """When the quiet hours stop this broadcast message from going (now, if they hold already); None: never."""
        if self._quiet is None or message.quiet_override:
            return None
        return self._quiet.next_start(utc_now())

    async def _send(self, message: OutboxMessage) -> tuple[int, int] | None:
        """Hand the message to Telegram. For the first progress message of a broadcast (``PROGRESS_OF``): the
        broadcast and the Telegram id of the message sent, to record; when one was recorded before, it is
        edited instead (a second such row queued before the first had gone)."""
        reply = Reply.from_dict(message.payload)
        progress_of = message.payload.get(PROGRESS_OF)
        if progress_of is None:
            await send_replies(self._bot, message.chat_id, [reply])
            return None
        existing = await self._outbox.progress_message(int(progress_of))
        if existing is not None:
            await send_replies(self._bot, message.chat_id, [replace(reply, edit_message=existing)])
            return None
        sent = await send_replies(self._bot, message.chat_id, [reply])
        return None if sent is None else (int(progress_of), sent)

    async def _timed_out(self, message: OutboxMessage, exc: TimedOut) -> None:
        if "pool" in str(exc).lower():  # never left this process: an ordinary retry
            self.stats.postponed += 1
            await self._outbox.mark_retry(message, str(exc), max_attempts=NETWORK_ATTEMPTS)
            return
        self.stats.ambiguous += 1
        if (message.last_error or "").startswith(AMBIGUOUS):
            self.stats.failed += 1
            log.warning("outbox message %s timed out twice; it may or may not have arrived: given up", message.id)
            await self._outbox.mark_failed(message.id, f"{AMBIGUOUS} twice: {exc}")
            return
        log.warning("outbox message %s timed out; it may have arrived: retried once", message.id)
        await self._outbox.mark_retry(message, f"{AMBIGUOUS}: {exc}", max_attempts=NETWORK_ATTEMPTS)

    @staticmethod
    def _keep_ambiguous(message: OutboxMessage, error: str) -> str:
        """Keep the record of an earlier ambiguous timeout, so it is retried at most once."""
        previous = message.last_error or ""
        return f"{AMBIGUOUS}; then {error}" if previous.startswith(AMBIGUOUS) else error
