"""How a digest reads: a Telegram message, and an e-mail in plain text and simple HTML.

  Overzicht stadsdeel Noord, sinds 1 december 2026, 08:00
  Nieuw: 3 (vorige keer 5) · Onbeantwoorde vragen: 4 (vorige keer 1)

  Nieuwe inzendingen (3)
  Vogelenwijk
    Groen en natuur
    • WW-2612-0004 · Idee · 2 uur · Meer bankjes in het park bij de …
  Langer dan 10 dagen open zonder nieuwe status (1)
  Antwoord verschuldigd aan bewoners die om antwoord vroegen (2)
  Vragen die de assistent niet kon beantwoorden (4)
    3× Wanneer is de volgende vergadering?

Staff work in Dutch (STAFF_LANGUAGE). A Telegram message lists at most a few items per section (the
counts are complete; /open lists everything); the e-mail lists up to storage.digests.LISTED.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass

from babel.dates import format_timedelta

from content.model import Content
from flows.submission_view import STAFF_LANGUAGE, kind_label, theme_title, when
from flows.types import Button, Reply
from locales import _, use_language
from matching.gaps import GapGroup
from storage.digests import Delivery, DigestData, Item, Recipient
from storage.timestamps import parse_time

TELEGRAM_ITEMS = 15  # per section in a Telegram message
EMAIL_ITEMS = 200
LINE = 90  # characters of a submission's text shown
QUESTIONS_SHOWN = 10  # subjects of unanswered questions shown

# Groups (question, times asked) by meaning, most asked first (matching.gaps.group_by_meaning with the model).
GroupQuestions = Callable[[list[tuple[str, int]]], list[GapGroup]]


@dataclass(frozen=True)
class Group:
    title: str | None  # a wijk (with themes as subgroups) or None
    subgroups: list[tuple[str | None, list[str]]]


@dataclass(frozen=True)
class Section:
    title: str
    groups: list[Group]
    more: int  # items counted but not listed


def render(content: Content, recipient: Recipient, data: DigestData, now: dt.datetime, *,
           email: str | None, group: GroupQuestions | None = None) -> Delivery:
    """The digest's messages: Telegram unless the recipient chose e-mail only (and e-mail can go),
    e-mail to ``email`` when given."""
    with use_language(STAFF_LANGUAGE):
        subjects = _question_groups(data.questions, group)  # once: grouping runs the sentence model
        telegram = None
        if email is None or recipient.settings.channel != "email":
            text = "\n".join(_plain(heading(content, data), sections(content, data, now, TELEGRAM_ITEMS, subjects)))
            telegram = Reply(text, Reply.column([Button(_("Open submissions"), "op:0")])).to_dict()
        mail = None
        if email is not None:
            head = heading(content, data)
            parts = sections(content, data, now, EMAIL_ITEMS, subjects)
            mail = (email, {"subject": head[0], "text": "\n".join(_plain(head, parts)), "html": _html(head, parts)})
        return Delivery(telegram, mail)


def heading(content: Content, data: DigestData) -> list[str]:
    stadsdeel = content.stadsdelen[data.stadsdeel].name if data.stadsdeel in content.stadsdelen else data.stadsdeel
    title = (_("Digest for stadsdeel {stadsdeel}, since {when}").format(stadsdeel=stadsdeel,
                                                                         when=when(data.period_start))
             if data.period_start else _("Digest for stadsdeel {stadsdeel}").format(stadsdeel=stadsdeel))
    counts = [_("New: {count}").format(count=data.new_total), _("Unanswered questions: {count}").format(
        count=data.question_total)]
    if data.previous_new is not None:
        counts = [_("New: {count} (previous time {previous})").format(count=data.new_total,
                                                                       previous=data.previous_new),
                  _("Unanswered questions: {count} (previous time {previous})").format(
                      count=data.question_total, previous=data.previous_questions)]
    lines = [title, " · ".join(counts)]
    if data.nothing_new:
        lines.append(_("Nothing new since the previous digest."))
    return lines


def sections(content: Content, data: DigestData, now: dt.datetime, limit: int,
             subjects: list[tuple[str, int, int]] | None = None) -> list[Section]:
    """The digest's sections; ``subjects``: the unanswered questions as (example, times asked, other wordings)."""
    if subjects is None:
        subjects = _question_groups(data.questions, None)
    result = []
    if data.new_total:
        result.append(Section(_("New submissions ({count})").format(count=data.new_total),
                              _by_wijk_and_theme(content, data.new[:limit], now),
                              data.new_total - min(len(data.new), limit)))
    if data.stale_total:
        result.append(Section(_("Open for more than 10 days without a status change ({count})").format(
            count=data.stale_total), [Group(None, [(None, [_item(content, i, now, place=True)
                                                           for i in data.stale[:limit]])])],
            data.stale_total - min(len(data.stale), limit)))
    if data.owed_total:
        result.append(Section(_("Answers owed to residents who asked for one ({count})").format(
            count=data.owed_total), [Group(None, [(None, [_item(content, i, now, place=True)
                                                          for i in data.owed[:limit]])])],
            data.owed_total - min(len(data.owed), limit)))
    if data.question_total:
        lines = []
        for question, count, similar in subjects:
            line = _("{count}× {question}").format(count=count, question=_short(question))
            if similar:
                line += " " + _("(and {count} similar wordings)").format(count=similar)
            lines.append(line)
        result.append(Section(_("Questions the assistant could not answer ({count}), most asked first").format(
            count=data.question_total), [Group(None, [(None, lines)])], 0))
    return result


def _question_groups(questions: list[tuple[str, int]],
                     group: GroupQuestions | None) -> list[tuple[str, int, int]]:
    """(example, times asked, how many other wordings) of the most asked subjects."""
    if group is None:
        return [(question, count, 0) for question, count in questions[:QUESTIONS_SHOWN]]
    return [(g.example, g.count, len(g.questions) - 1) for g in group(questions)[:QUESTIONS_SHOWN]]


def _by_wijk_and_theme(content: Content, items: list[Item], now: dt.datetime) -> list[Group]:
    wijken: dict[str, dict[str, list[Item]]] = {}
    for item in items:
        wijken.setdefault(item.wijk_code, {}).setdefault(item.theme, []).append(item)
    groups = []
    for code in sorted(wijken, key=lambda c: content.wijken[c].name if c in content.wijken else c):
        themes = wijken[code]
        subgroups = [(theme_title(content, theme), [_item(content, i, now) for i in themes[theme]])
                     for theme in sorted(themes, key=lambda t: theme_title(content, t))]
        groups.append(Group(content.wijken[code].name if code in content.wijken else code, subgroups))
    return groups


def _item(content: Content, item: Item, now: dt.datetime, *, place: bool = False) -> str:
    age = format_timedelta(now - parse_time(item.created_at), threshold=1.1, locale=STAFF_LANGUAGE)
    parts = [item.reference, kind_label(item.kind), age]
    if place:
        wijk = content.wijken.get(item.wijk_code)
        parts.append(wijk.name if wijk else item.wijk_code)
    return " · ".join(parts + [_short(item.text)])


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= LINE else line[: LINE - 1].rstrip() + "…"


def _more(count: int) -> str:
    return _("…and {count} more: see /open.").format(count=count)


def _plain(head: list[str], parts: list[Section]) -> list[str]:
    lines = list(head)
    for section in parts:
        lines += ["", section.title]
        for group in section.groups:
            if group.title:
                lines.append(group.title)
            for subtitle, items in group.subgroups:
                if subtitle:
                    lines.append(f"  {subtitle}")
                lines += [f"  • {line}" for line in items]
        if section.more:
            lines.append(_more(section.more))
    return lines


def _html(head: list[str], parts: list[Section]) -> str:
    e = html.escape
    out = [f"<h2>{e(head[0])}</h2>"] + [f"<p>{e(line)}</p>" for line in head[1:]]
    for section in parts:
        out.append(f"<h3>{e(section.title)}</h3>")
        for group in section.groups:
            if group.title:
                out.append(f"<h4>{e(group.title)}</h4>")
            for subtitle, items in group.subgroups:
                if subtitle:
                    out.append(f"<p><em>{e(subtitle)}</em></p>")
                out.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in items) + "</ul>")
        if section.more:
            out.append(f"<p>{e(_more(section.more))}</p>")
    return "<html><body>" + "\n".join(out) + "</body></html>"
