"""What a broadcast looks like: the message residents get, its audience in words, and its progress.

Shared by the staff flow (/omroep), the scheduled start and progress reports (scheduling/broadcasts.py)
and the CLI, so the preview is exactly what residents see, and the staff member who started a broadcast
sees the same progress message whoever changed it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from content.model import Content
from flows.submission_view import theme_title
from flows.types import Button, Reply
from locales import _, format_moment, format_number, use_language
from storage.broadcasts import LANGUAGES, SEND_RATE, Broadcast, BroadcastRepository, Part, Progress

MAX_TEXT = 4096  # Telegram's limit for one message


def resident_message(text: str, photo: str | None, language: str) -> Reply:
    """The broadcast as one resident receives it (in ``language``)."""
    with use_language(language):
        return Reply(text, Reply.column([Button(_("Stop these messages"), "f:s")]),
                     photos=(photo,) if photo else ())


def payloads(text_nl: str, text_en: str | None, photo: str | None) -> dict[str, dict[str, Any]]:
    """language -> outbox payload: English for residents who use English, when there is an English text."""
    return {lang: resident_message(text_en if lang == "en" and text_en else text_nl, photo, lang).to_dict()
            for lang in LANGUAGES}


def payloads_of(broadcast: Broadcast) -> dict[str, dict[str, Any]]:
    return payloads(broadcast.text_nl, broadcast.text_en, broadcast.photo)


def city_wide(kind: str) -> bool:
    """Audience parts that reach the whole city, whatever stadsdeel."""
    return kind in ("all", "theme", "gebiedsverbinders")


def audience_stadsdelen(content: Content, audience: tuple[Part, ...] | list[Part]) -> set[str]:
    """The stadsdelen an audience reaches; empty: the whole city (only city-wide staff may send it)."""
    if not audience or any(city_wide(kind) for kind, _code in audience):
        return set()
    wijken = content.wijken
    return {code if kind == "stadsdeel" else wijken[code].stadsdeel_id if code in wijken else "?"
            for kind, code in audience}


def describe_audience(content: Content, audience: tuple[Part, ...] | list[Part]) -> str:
    """The audience in words, in the current language."""
    parts: list[str] = []
    wijken = [content.wijken[c].name for k, c in audience if k == "wijk" and c in content.wijken]
    for kind, code in audience:
        if kind == "all":
            parts.append(_("everyone who follows a wijk or theme"))
        elif kind == "stadsdeel" and code in content.stadsdelen:
            parts.append(_("followers in stadsdeel {name}").format(name=content.stadsdelen[code].name))
        elif kind == "theme":
            parts.append(_("followers of the theme {theme}").format(theme=theme_title(content, code)))
        elif kind == "gebiedsverbinders":
            parts.append(_("all gebiedsverbinders"))
    if wijken:
        parts.append(_("followers in {wijken}").format(wijken=", ".join(wijken)))
    return "; ".join(parts) or _("nobody yet")


def duration(seconds: float) -> str:
    """A rough duration: "about 3 minutes", "less than a minute"."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return _("less than a minute")
    if minutes < 90:
        return _("about {n} minutes").format(n=minutes) if minutes > 1 else _("about 1 minute")
    return _("about {n} hours").format(n=format_number(round(minutes / 60, 1)))


def rate_of(progress: Progress, now: dt.datetime) -> float:
    """Messages a second in this run of sending (since it last began: not the night it was held or the time
    it was paused), once there are 10 seconds to measure; else the planned rate."""
    if progress.run_first_sent is None or progress.run_sent == 0:
        return SEND_RATE
    elapsed = (now - progress.run_first_sent).total_seconds()
    return progress.run_sent / elapsed if elapsed >= 10 else SEND_RATE


def progress_reply(content: Content, broadcast: Broadcast, progress: Progress, now: dt.datetime, *,
                   by_colleague: bool = False, colleague: str | None = None) -> Reply:
    """The live progress message (and the final report) with Pause / Resume / Cancel buttons.
    ``by_colleague``: it was cancelled by someone else than the staff member who sees it; ``colleague``: their
    name (from the staff table), if known."""
    colleague = (colleague or "").strip() if by_colleague else ""
    title = _("Message #{id} to {audience}").format(id=broadcast.id,
                                                    audience=describe_audience(content, broadcast.audience))
    counts = _("Sent: {sent} of {total} · still to send: {pending} · blocked the bot: {blocked} · "
               "failed: {failed}").format(sent=format_number(progress.sent), total=format_number(progress.total),
                                          pending=format_number(progress.pending),
                                          blocked=format_number(progress.blocked),
                                          failed=format_number(progress.failed))
    status = broadcast.status
    buttons: list[Button] = []
    if status == "sending" and progress.resumes_at is not None:
        state = _("Nothing is sent during the quiet hours; sending goes on from {moment}.").format(
            moment=format_moment(progress.resumes_at))
        buttons = [Button(_("Pause"), f"om:pause:{broadcast.id}"), Button(_("Cancel"), f"om:cancel:{broadcast.id}")]
    elif status == "sending":
        state = _("Sending; ready in {time}.").format(
            time=duration(progress.seconds_left(rate_of(progress, now))))
        buttons = [Button(_("Pause"), f"om:pause:{broadcast.id}"), Button(_("Cancel"), f"om:cancel:{broadcast.id}")]
    elif status == "paused":
        state = _("Paused: nothing more is sent until you resume.")
        buttons = [Button(_("Resume"), f"om:resume:{broadcast.id}"), Button(_("Cancel"), f"om:cancel:{broadcast.id}")]
    elif status == "scheduled":
        state = _("Planned for {moment}.").format(moment=format_moment(broadcast.send_at or now))
        buttons = [Button(_("Cancel"), f"om:cancel:{broadcast.id}")]
    elif status == "cancelled" and broadcast.queued_at is None:
        if colleague:
            state = _("Cancelled by {name} before it was sent: nobody gets it.").format(name=colleague)
        else:
            state = (_("Cancelled by a colleague before it was sent: nobody gets it.") if by_colleague
                     else _("Cancelled before it was sent: nobody gets it."))
    elif status == "cancelled":
        count = format_number(progress.cancelled)
        if colleague:
            state = _("Cancelled by {name}: {count} messages were not sent.").format(name=colleague, count=count)
        else:
            state = (_("Cancelled by a colleague: {count} messages were not sent.") if by_colleague
                     else _("Cancelled: {count} messages were not sent.")).format(count=count)
    else:
        state = _("Done: nothing is left to send.")
    lines = [title, counts, state] if broadcast.queued_at is not None else [title, state]  # not planned only
    return Reply("\n".join(lines), Reply.rows(buttons), edit_message=broadcast.progress_message)


async def show_progress(content: Content, repo: BroadcastRepository, broadcast: Broadcast, now: dt.datetime) -> bool:
    """Queue the progress message of the staff member who follows ``broadcast``, as it is now and in their
    language, as the duties do every few seconds (scheduling/broadcasts.py): an edit of their progress
    message, or the first one when they have none (`wijkwijzer broadcast send --as`). False: nothing queued."""
    if broadcast.progress_chat is None:
        return False
    with use_language(await repo.starter_language(broadcast)):
        reply = progress_reply(content, broadcast, await repo.progress(broadcast.id), now)
    return await repo.queue_live_progress(broadcast, reply.to_dict())


async def show_cancelled(content: Content, repo: BroadcastRepository, broadcast_id: int, actor: int | None,
                         now: dt.datetime, *, actor_name: str | None = None) -> int:
    """After a cancellation, whoever did it: the progress message of the staff member who started it says so
    (the duties edit it only while the broadcast is sending or paused). Cancelled by someone else (a
    colleague, named by ``actor_name`` when the staff table has their name, or the operator's command line),
    they also get it as a new message, which notifies them (an edit does not). Return how many messages
    were queued."""
    broadcast = await repo.get(broadcast_id)
    if broadcast is None or broadcast.status != "cancelled" or broadcast.progress_chat is None:
        return 0
    by_colleague = actor != broadcast.progress_chat
    with use_language(await repo.starter_language(broadcast)):
        reply = progress_reply(content, broadcast, await repo.progress(broadcast_id), now, by_colleague=by_colleague,
                               colleague=actor_name)
    messages = [reply.to_dict()] if broadcast.progress_message is not None else []
    if by_colleague:
        messages.append(Reply(reply.text).to_dict())  # no buttons, no edit: a new message
    return len(messages) if messages and await repo.queue_progress(broadcast, *messages) else 0
