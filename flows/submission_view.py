"""How a submission reads: for the gebiedsverbinder, in a resident's list and in its history."""

from __future__ import annotations

import html

from babel.dates import format_datetime

from content.model import Content
from flows.types import Button, Reply
from locales import N_, _, current_language
from storage.submissions import LOCAL, Event, Submission
from storage.timestamps import parse_time

STAFF_LANGUAGE = "nl"  # the gebiedsverbinders work in Dutch

KINDS = {
    "idee": N_("Idea"),
    "signaal": N_("Signal"),
    "vraag": N_("Question for the gebiedsverbinder"),
}
STATUSES = {
    "nieuw": N_("New"),
    "ontvangen": N_("Received"),
    "in_behandeling": N_("In progress"),
    "doorgezet": N_("Passed on"),
    "afgerond": N_("Completed"),
    "ingetrokken": N_("Withdrawn"),
}
# Status buttons for staff: short code in the callback data -> status.
STATUS_CODES = {"ontv": "ontvangen", "beh": "in_behandeling", "door": "doorgezet", "af": "afgerond"}


def kind_label(kind: str) -> str:
    label = KINDS[kind]  # a variable: Babel must not extract the key as a message
    return _(label)


def status_label(status: str) -> str:
    label = STATUSES.get(status, status)
    return _(label)


def when(timestamp: str) -> str:
    """A stored UTC time as local Haarlem time, in the current language."""
    return format_datetime(parse_time(timestamp).astimezone(LOCAL), "d MMMM y, HH:mm", locale=current_language())


def place(content: Content, submission: Submission) -> str:
    return place_name(content, submission.wijk_code, submission.buurt)


def place_name(content: Content, wijk_code: str, buurt: str | None = None) -> str:
    """"Vogelenwijk (stadsdeel Noord)", or with the buurt: "Zijlwegkwartier, buurt Garenkokerskwartier (...)"."""
    wijk = content.wijken.get(wijk_code)
    stadsdeel = content.stadsdelen.get(wijk.stadsdeel_id) if wijk else None
    name = wijk.name if wijk else wijk_code
    if buurt:
        name = _("{wijk}, buurt {buurt}").format(wijk=name, buurt=buurt)
    return _("{wijk} (stadsdeel {stadsdeel})").format(wijk=name, stadsdeel=stadsdeel.name if stadsdeel else "?")


def theme_title(content: Content, theme_id: str) -> str:
    theme = next((t for t in content.themes if t.id == theme_id), None)
    return theme.title.get(current_language()) if theme else theme_id


def staff_card(content: Content, submission: Submission) -> Reply:
    """What the gebiedsverbinder sees of a submission, with the buttons to handle it."""
    lines = [
        _("{kind} · {reference}").format(kind=kind_label(submission.kind), reference=submission.reference),
        _("Wijk: {place}").format(place=place(content, submission)),
        _("Theme: {theme}").format(theme=theme_title(content, submission.theme)),
        _("Sent: {when}").format(when=when(submission.created_at)),
        _("Status: {status}").format(status=status_label(submission.status)),
        "",
        submission.text,
        "",
    ]
    extras = []
    if submission.photos:
        extras.append(_("Photos: {count}").format(count=len(submission.photos)))
    if submission.latitude is not None:
        extras.append(_("Location: {lat:.5f}, {lon:.5f}").format(lat=submission.latitude, lon=submission.longitude))
    if submission.anonymised_at is not None:
        extras.append(_("The resident's personal data was removed (privacy); no answer through this chat."))
    else:
        extras.append(_("Answer through this chat: yes") if submission.consent_reply
                      else _("Answer through this chat: no (the resident did not agree)"))
        extras.append(_("Name: {name}").format(name=submission.resident_name) if submission.resident_name
                      else _("Name: not shared"))
    lines += extras
    buttons = []
    if submission.is_open:
        buttons = [Button(status_label(status), f"st:{submission.id}:{code}") for code, status in STATUS_CODES.items()]
        if submission.consent_reply:
            buttons.append(Button(_("Send an answer"), f"st:{submission.id}:reply"))
    rows = Reply.rows(buttons)
    return Reply("\n".join(lines), rows, photos=submission.photos)


def history_line(event: Event) -> str:
    moment = when(event.at)
    if event.action == "created":
        return _("{when}: sent").format(when=moment)
    if event.action == "status":
        return _("{when}: status {status}").format(when=moment, status=status_label(event.status))
    if event.action == "reply":
        return _("{when}: answer from the gebiedsverbinder: {text}").format(when=moment, text=event.text)
    if event.action == "info":
        return _("{when}: your addition: {text}").format(when=moment, text=event.text)
    return _("{when}: withdrawn").format(when=moment)


def submission_email(content: Content, submission: Submission, stadsdeel: str) -> dict[str, str]:
    """A submission by e-mail, for a stadsdeel whose gebiedsverbinder is not linked in the chat app."""
    card = staff_card(content, submission)
    subject = _("{kind} {reference} for stadsdeel {stadsdeel}").format(
        kind=kind_label(submission.kind), reference=submission.reference, stadsdeel=stadsdeel)
    note = _("You receive this by e-mail because no gebiedsverbinder of stadsdeel {stadsdeel} is linked to "
             "Wijkwijzer in Telegram. The resident does not see replies to this e-mail; once you are linked "
             "(ask the operator for an invite) you can answer and set its status in the chat.").format(
        stadsdeel=stadsdeel)
    lines = card.text.split("\n")
    body = "".join(f"<p>{html.escape(line)}</p>" if line else "" for line in lines)
    return {"subject": subject, "text": f"{card.text}\n\n{note}",
            "html": f"<html><body>{body}<p><em>{html.escape(note)}</em></p></body></html>"}
