"""Idee of signaal doorgeven: a resident sends an idea, signal or question for their wijk.

Dialogue (every answer is stored before the next question, so a restart loses nothing):
  kind      Wat wilt u doorgeven? [idee] [signaal] [vraag aan de gebiedsverbinder]
  wijk      Gaat het over {saved wijk}? / Over welke wijk? (name, postcode, location, buttons)
  text      Beschrijf het in een paar zinnen (10-2,000 characters; a photo caption counts)
  photos    Foto's (max 3) of een locatie? [verder]
  theme     Bij welk thema past het? [themes]
  reply     Mag de gebiedsverbinder u via deze chat antwoorden? [ja] [nee]
  name      Mag de gebiedsverbinder uw naam zien? [nee] [ja]
  summary   overview [Versturen] [Aanpassen] [Annuleren]
  -> stored with a reference (WW-2611-0042), routed to the gebiedsverbinder(s) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from content.model import Content
from content.textfold import fold
from flows.common import (
    NOT_A_PLACE,
    NOT_UNDERSTOOD,
    location_outside_haarlem,
    main_menu_buttons,
    menu_button,
    outside_haarlem,
    stadsdeel_buttons,
    with_hint,
)
from flows.context import Context
from flows.dispatch import CODE, ButtonRoute, Command, Routes, Step
from flows.receivers import Receivers, receivers
from flows.routing import route
from flows.submission_view import (
    KINDS,
    STAFF_LANGUAGE,
    kind_label,
    place,
    place_name,
    staff_card,
    submission_email,
    theme_title,
)
from flows.types import Button, InputKind, Reply
from flows.yesno import NO_WORDS, Answer, is_yes_or_no, read_answer
from locales import N_, _, format_number, use_language
from matching.places import where_from_text
from storage import NewSubmission, Submission
from storage.timestamps import utc_now

FLOW = "intake"
KIND, WIJK, TEXT, PHOTOS, THEME, REPLY, NAME, SUMMARY, EDIT = (
    "kind", "wijk", "text", "photos", "theme", "reply", "name", "summary", "edit")
MIN_TEXT, MAX_TEXT, MAX_PHOTOS = 10, 2000, 3


# ---------------------------------------------------------------- starting and asking

KIND_WORDS = {
    "idee": {"idee", "ideeen", "idea", "ideas", "voorstel", "suggestie", "suggestion"},
    "signaal": {"signaal", "signal", "melden", "melding", "probleem", "problem", "kapot", "broken", "report",
                "klacht", "zorgen", "onveilig", "overlast"},
    "vraag": {"vraag", "vragen", "question", "ask"},
}


async def start(ctx: Context) -> list[Reply]:
    """Begin a new intake; with a draft in progress, ask whether to continue it."""
    if ctx.state is not None and ctx.state.flow == FLOW and ctx.state.data.get("kind"):
        buttons = [Button(_("Continue where I was"), "in:resume"), Button(_("Start again"), "in:restart")]
        return [Reply(_("You had already started. Continue where you were, or start again?"),
                      Reply.column(buttons))]
    if (limited := await _too_many(ctx)) is not None:
        return limited
    await ctx.set_state(FLOW, KIND)
    return ask_kind(ctx)


async def _too_many(ctx: Context) -> list[Reply] | None:
    """Flood control: at most ``submissions_per_hour`` submissions per resident per hour."""
    limit = ctx.services.submissions_per_hour
    if await ctx.services.submissions.count_since(ctx.user_id, utc_now() - dt.timedelta(hours=1)) < limit:
        return None
    return [Reply(_("You have already sent {count} ideas, signals or questions in the past hour. That is the most "
                    "per hour. Please try again later; what you wrote so far is kept.").format(count=limit),
                  main_menu_buttons())]


def ask_kind(ctx: Context, hint: str = "") -> list[Reply]:
    buttons = [
        Button(_("An idea: something to improve or start"), "in:kind:idee"),
        Button(_("A signal: something is wrong or worries you"), "in:kind:signaal"),
        Button(_("A question for the gebiedsverbinder"), "in:kind:vraag"),
    ]
    text = _("What would you like to send? Stop at any time with /annuleer.")
    return [Reply(with_hint(hint, text), Reply.column(buttons))]


def ask_wijk(ctx: Context, hint: str = "") -> list[Reply]:
    saved = ctx.services.content.wijken.get(ctx.wijk_code or "")
    if saved and not ctx.state.data.get("other_wijk"):
        text = _("Is it about your wijk, {wijk}?").format(wijk=saved.name)
        buttons = [Button(_("Yes, {wijk}").format(wijk=saved.name), f"in:w:{saved.code}"),
                   Button(_("Another wijk"), "in:wijk:other")]
    else:
        text = _("Which wijk is it about? Type the name of the wijk or buurt, or a postcode, send a location, "
                 "or choose a stadsdeel.")
        buttons = stadsdeel_buttons(ctx, "in:sd")
    return [Reply(with_hint(hint, text), Reply.column(buttons))]


def ask_text(ctx: Context, hint: str = "") -> list[Reply]:
    kind = kind_label(ctx.state.data["kind"]).lower()
    text = _("Describe your {kind} in a few sentences ({min} to {max} characters). You may also send a photo "
             "with a caption.").format(kind=kind, min=MIN_TEXT, max=format_number(MAX_TEXT))
    buttons = (Button(_("Shorten to {max} characters").format(max=format_number(MAX_TEXT)), "in:trim"),) \
        if len(ctx.state.data.get("long_text", "")) > MAX_TEXT else ()
    return [Reply(with_hint(hint, text), Reply.column(list(buttons)))]


def ask_photos(ctx: Context, hint: str = "") -> list[Reply]:
    count = len(ctx.state.data.get("photos", []))
    text = _("Would you like to add photos (at most {max}) or a location? Send them now, or continue.").format(
        max=MAX_PHOTOS)
    if count:
        text = _("Photos added: {count} of {max}.").format(count=count, max=MAX_PHOTOS) + " " + text
    label = _("Continue") if count or ctx.state.data.get("latitude") is not None else _("No photo, continue")
    return [Reply(with_hint(hint, text), Reply.column([Button(label, "in:photos:done")]))]


def ask_theme(ctx: Context, hint: str = "") -> list[Reply]:
    buttons = [Button(t.title.get(ctx.language), f"in:theme:{t.id}") for t in ctx.services.content.themes]
    rows = Reply.rows(buttons)
    text = _("Which theme fits best?")
    return [Reply(with_hint(hint, text), rows)]


def ask_reply(ctx: Context, hint: str = "") -> list[Reply]:
    text = _("May the gebiedsverbinder answer you through this chat?")
    buttons = [Button(_("Yes, please"), "in:reply:yes"), Button(_("No"), "in:reply:no")]
    return [Reply(with_hint(hint, text), (tuple(buttons),))]


def ask_name(ctx: Context, hint: str = "") -> list[Reply]:
    text = _("May the gebiedsverbinder see your name in Telegram ({name})? Without your permission the "
             "municipality only sees your message.").format(name=ctx.state.data.get("display_name") or "-")
    buttons = [Button(_("No, rather not"), "in:name:no"), Button(_("Yes"), "in:name:yes")]
    return [Reply(with_hint(hint, text), (tuple(buttons),))]


def summary(ctx: Context, hint: str = "") -> list[Reply]:
    data, content = ctx.state.data, ctx.services.content
    lines = [
        _("Please check before sending:"),
        "",
        _("Kind: {kind}").format(kind=kind_label(data["kind"])),
        _("Wijk: {place}").format(place=place_name(content, data["wijk_code"], data.get("buurt"))),
        _("Theme: {theme}").format(theme=theme_title(content, data["theme"])),
        _("Photos: {count}").format(count=len(data.get("photos", []))),
    ]
    if data.get("latitude") is not None:
        lines.append(_("Location: shared"))
    lines += [
        _("Answer through this chat: {answer}").format(answer=_("yes") if data["consent_reply"] else _("no")),
        _("Your name shown to the gebiedsverbinder: {answer}").format(
            answer=_("yes") if data["consent_name"] else _("no")),
        "",
        data["text"],
    ]
    buttons = [Button(_("Send"), "in:send"), Button(_("Change something"), "in:edit"),
               Button(_("Cancel"), "in:cancel")]
    body = "\n".join(lines)
    return [Reply(with_hint(hint, body), Reply.column(buttons))]


def choose_edit(ctx: Context, hint: str = "") -> list[Reply]:
    fields = [(_("Kind"), KIND), (_("Wijk"), WIJK), (_("Text"), TEXT), (_("Photos and location"), PHOTOS),
              (_("Theme"), THEME), (_("Permission"), REPLY)]
    buttons = [Button(label, f"in:edit:{step}") for label, step in fields]
    buttons.append(Button(_("Back to the overview"), "in:edit:summary"))
    text = _("What would you like to change?")
    return [Reply(with_hint(hint, text), Reply.column(buttons))]


PROMPTS = {KIND: ask_kind, WIJK: ask_wijk, TEXT: ask_text, PHOTOS: ask_photos, THEME: ask_theme,
           REPLY: ask_reply, NAME: ask_name, SUMMARY: summary, EDIT: choose_edit}


async def prompt(ctx: Context, hint: str = "") -> list[Reply]:
    """Ask the current step's question again (after unsupported input, say)."""
    return PROMPTS[ctx.state.step](ctx, hint)


# ---------------------------------------------------------------- moving on

async def _go(ctx: Context, step: str, **changes: Any) -> list[Reply]:
    """Store the answer and go to ``step`` (or back to the overview when changing one answer)."""
    data = {**ctx.state.data, **changes}
    if ctx.incoming.display_name:
        data["display_name"] = ctx.incoming.display_name
    if data.get("editing") and step not in (NAME,) and _complete(data):
        step = SUMMARY
    await ctx.set_state(FLOW, step, **data)
    return await prompt(ctx)


def _complete(data: dict[str, Any]) -> bool:
    return all(key in data for key in ("kind", "wijk_code", "text", "theme", "consent_reply", "consent_name"))


async def on_choice(ctx: Context, action: str) -> list[Reply]:
    """A button of the intake was chosen (``in:...``)."""
    parts = action.split(":")
    if ctx.state is None or ctx.state.flow != FLOW:
        if parts[1] == "send":
            return [Reply(_("This was already sent, or it was cancelled. See what you sent with /mijn."),
                          main_menu_buttons())]
        return [Reply(_("That button belongs to an earlier conversation. Start again with /idee."),
                      main_menu_buttons())]
    step = ctx.state.step
    what = parts[1]
    if what == "resume":
        return await prompt(ctx)
    if what == "restart":
        await ctx.set_state(FLOW, KIND)
        return ask_kind(ctx)
    if what == "cancel":
        await ctx.clear_state()
        return [Reply(_("Cancelled. Nothing was sent."), main_menu_buttons())]
    if what == "kind" and step in (KIND,) and len(parts) == 3 and parts[2] in KINDS:
        return await _go(ctx, WIJK, kind=parts[2])
    if what == "wijk" and step == WIJK:
        await ctx.set_state(FLOW, WIJK, **{**ctx.state.data, "other_wijk": True})
        return ask_wijk(ctx)
    if what == "sd" and step == WIJK and len(parts) == 3 and parts[2] in ctx.services.content.stadsdelen:
        stadsdeel = ctx.services.content.stadsdelen[parts[2]]
        buttons = [Button(w.name, f"in:w:{w.code}") for w in stadsdeel.wijken]
        return [Reply(_("Which wijk in {stadsdeel}?").format(stadsdeel=stadsdeel.name), Reply.column(buttons))]
    if what == "w" and step == WIJK and len(parts) == 3 and parts[2] in ctx.services.content.wijken:
        return await _go(ctx, TEXT, wijk_code=parts[2], buurt=None)
    if what == "trim" and step == TEXT and ctx.state.data.get("long_text"):
        marker = " …"
        cut = ctx.state.data["long_text"][: MAX_TEXT - len(marker)]
        if " " in cut[MAX_TEXT // 2:]:
            cut = cut[: cut.rfind(" ")]  # end at a word
        return await _go(ctx, PHOTOS, text=cut.rstrip() + marker, long_text="", partial_text="")
    if what == "photos" and step == PHOTOS:
        return await _go(ctx, THEME)
    if what == "theme" and step == THEME and len(parts) == 3 and any(t.id == parts[2]
                                                                   for t in ctx.services.content.themes):
        return await _go(ctx, REPLY, theme=parts[2])
    if what == "reply" and step == REPLY and len(parts) == 3:
        return await _after_reply(ctx, consent_reply=parts[2] == "yes")
    if what == "name" and step == NAME and len(parts) == 3:
        return await _go(ctx, SUMMARY, consent_name=parts[2] == "yes")
    if what == "edit" and step in (SUMMARY, EDIT):
        if len(parts) == 2:
            await ctx.set_state(FLOW, EDIT, **ctx.state.data)
            return choose_edit(ctx)
        target = parts[2]
        if target in PROMPTS and target not in (NAME, EDIT):
            data = {**ctx.state.data, "editing": target != SUMMARY}
            if target == WIJK:
                data["other_wijk"] = True
            await ctx.set_state(FLOW, target, **data)
            return await prompt(ctx)
    if what == "send" and step == SUMMARY:
        return await send(ctx)
    return await prompt(ctx, _("That button belongs to an earlier question."))


async def _after_reply(ctx: Context, *, consent_reply: bool) -> list[Reply]:
    """Ask about showing the name only when the platform gave one."""
    if ctx.incoming.display_name or ctx.state.data.get("display_name"):
        return await _go(ctx, NAME, consent_reply=consent_reply)
    return await _go(ctx, SUMMARY, consent_reply=consent_reply, consent_name=False)


async def on_text(ctx: Context, text: str) -> list[Reply] | None:
    """Typed text at a step; None when it does not answer the step's question."""
    step = ctx.state.step
    words = set(fold(text).split())
    if step == KIND:
        found = [kind for kind, kind_words in KIND_WORDS.items() if words & kind_words]
        return await _go(ctx, WIJK, kind=found[0]) if len(found) == 1 else None
    if step == WIJK:
        return await _wijk_from_text(ctx, text)
    if step == TEXT:
        return await _take_text(ctx, text)
    if step == PHOTOS:
        if words & (NO_WORDS | {"klaar", "verder", "done", "continue", "next"}):
            return await _go(ctx, THEME)
        return [Reply(_("To change your text, choose 'Change something' in the overview at the end."))] + \
            ask_photos(ctx)
    if step == THEME:
        for theme in ctx.services.content.themes:
            if {fold(theme.title.nl), fold(theme.title.en), theme.id} & {fold(text)}:
                return await _go(ctx, REPLY, theme=theme.id)
        return None
    if step in (REPLY, NAME) and is_yes_or_no(text):
        return await _consent_from_text(ctx, text)
    if step == SUMMARY and fold(text) in ("versturen", "verstuur", "send"):
        return await send(ctx)
    return None


async def _consent_from_text(ctx: Context, text: str) -> list[Reply]:
    """A typed answer at a consent step counts only when it is a clear yes or a clear no."""
    answer = read_answer(text)
    if answer is Answer.UNCLEAR:
        return await prompt(ctx, _("I am not sure whether you mean yes or no. Please choose with a button."))
    if ctx.state.step == REPLY:
        return await _after_reply(ctx, consent_reply=answer is Answer.YES)
    return await _go(ctx, SUMMARY, consent_name=answer is Answer.YES)


async def on_media(ctx: Context) -> list[Reply]:
    """A photo or location during the intake."""
    incoming, step, data = ctx.incoming, ctx.state.step, ctx.state.data
    if incoming.kind is InputKind.LOCATION and step in (WIJK, PHOTOS):
        wijk = ctx.services.geography.wijk_at(incoming.latitude, incoming.longitude)
        if wijk is None:
            return await prompt(ctx, location_outside_haarlem())
        location = {"latitude": incoming.latitude, "longitude": incoming.longitude}
        if step == WIJK:
            return await _go(ctx, TEXT, wijk_code=wijk.code, buurt=None, **location)
        await ctx.set_state(FLOW, PHOTOS, **{**data, **location})
        return await prompt(ctx, _("Location added ({wijk}).").format(wijk=wijk.name))
    if incoming.kind is InputKind.PHOTO and step in (TEXT, PHOTOS):
        photos = list(data.get("photos", []))
        if len(photos) >= MAX_PHOTOS:
            return await prompt(ctx, _("You can send at most {max} photos.").format(max=MAX_PHOTOS))
        photos += list(incoming.photo_ids)[: MAX_PHOTOS - len(photos)]
        if step == TEXT:
            await ctx.set_state(FLOW, TEXT, **{**data, "photos": photos})
            if incoming.text.strip():
                return await _take_text(ctx, incoming.text)
            return ask_text(ctx, _("Photo added. Now please describe it in a few sentences."))
        return await _go(ctx, PHOTOS, photos=photos)
    notice = _("I cannot use a photo here.") if incoming.kind is InputKind.PHOTO else _(
        "I cannot use a location here.")
    return await prompt(ctx, notice)


async def _wijk_from_text(ctx: Context, text: str) -> list[Reply] | None:
    where = where_from_text(ctx.services.geography, text, any_number_is_postcode=True)
    if where.outside_postcode:
        return await prompt(ctx, outside_haarlem(where.outside_postcode))
    if where.wijk_code:
        return await _go(ctx, TEXT, wijk_code=where.wijk_code, buurt=where.buurt)
    wijken = ctx.services.content.wijken
    if len(where.wijk_codes) > 1:
        buttons = [Button(wijken[c].name, f"in:w:{c}") for c in where.wijk_codes]
        return [Reply(_("That can be more than one wijk. Which one is it?"), Reply.column(buttons))]
    if where.stadsdeel_id:
        return await on_choice(ctx, f"in:sd:{where.stadsdeel_id}")
    return None


async def _take_text(ctx: Context, text: str) -> list[Reply]:
    """Check the length; a too-short text is kept and the next message adds to it."""
    data = ctx.state.data
    full = f"{data['partial_text']} {text.strip()}".strip() if data.get("partial_text") else text.strip()
    if len(full) < MIN_TEXT:
        await ctx.set_state(FLOW, TEXT, **{**data, "partial_text": full})
        return ask_text(ctx, _("That is a bit short ({count} characters). Please tell a little more; I keep what "
                               "you wrote and add your next message to it.").format(count=len(full)))
    if len(full) > MAX_TEXT:
        await ctx.set_state(FLOW, TEXT, **{**data, "partial_text": "", "long_text": full})
        return ask_text(ctx, _("That is too long: {count} characters, at most {max}. Send a shorter text, or let "
                               "me shorten it.").format(count=format_number(len(full)),
                                                        max=format_number(MAX_TEXT)))
    return await _go(ctx, PHOTOS, text=full, partial_text="", long_text="")


# ---------------------------------------------------------------- sending

async def send(ctx: Context) -> list[Reply]:
    """Store the submission and its notifications in one transaction, then confirm."""
    if (limited := await _too_many(ctx)) is not None:
        return limited
    data, services = ctx.state.data, ctx.services
    wijk = services.content.wijken[data["wijk_code"]]
    handled_by = route(services.content, stadsdeel=wijk.stadsdeel_id, wijk=wijk.code, theme=data["theme"],
                       kind=data["kind"])
    who = await receivers(services.content, services.staff, handled_by, email=services.email_enabled)
    new = NewSubmission(
        user_id=ctx.user_id, kind=data["kind"], wijk_code=wijk.code, stadsdeel=wijk.stadsdeel_id,
        handled_by=handled_by, theme=data["theme"], text=data["text"], latitude=data.get("latitude"),
        longitude=data.get("longitude"), consent_reply=bool(data["consent_reply"]),
        resident_name=(data.get("display_name") or None) if data["consent_name"] else None,
        language=ctx.language, photos=tuple(data.get("photos", [])), buurt=data.get("buurt"),
    )
    stadsdeel_name = services.content.stadsdelen[handled_by].name

    def notifications(submission: Submission) -> list[tuple[int, dict[str, Any]]]:
        with use_language(STAFF_LANGUAGE):
            card = staff_card(services.content, submission)
            header = _("New for stadsdeel {stadsdeel}:").format(stadsdeel=stadsdeel_name)
            payload = Reply(f"{header}\n{card.text}", card.buttons, photos=card.photos).to_dict()
        return [(member.user_id, payload) for member in who.staff]

    def emails(submission: Submission) -> list[tuple[str, dict[str, Any]]]:
        if who.email is None:
            return []
        with use_language(STAFF_LANGUAGE):
            return [(who.email, submission_email(services.content, submission, stadsdeel_name))]

    submission = await services.submissions.create(new, notifications, emails)
    services.conversations.ended_elsewhere(ctx.user_id)
    ctx.state = None
    if ctx.wijk_code is None:
        await services.residents.set_wijk(ctx.user_id, wijk.code)  # remembered for next time
    services.notify()
    text = "\n".join([
        _("Sent. Your reference is {reference}.").format(reference=submission.reference),
        "",
        _who_receives(services.content, who, stadsdeel_name, kind_label(submission.kind).lower()),
        (_("You will hear from us here when its status changes or when there is an answer. See what you sent "
           "with /mijn.") if submission.consent_reply else
         _("You chose not to get messages through this chat; see what you sent, and its status, with /mijn.")),
        "",
        place(services.content, submission),
    ])
    return [Reply(text, Reply.column([Button(_("My submissions"), "myp:0"), menu_button()]))]


def _who_receives(content: Content, who: Receivers, stadsdeel: str, kind: str) -> str:
    """The truth about who gets the submission now, and how (see flows/receivers.py)."""
    if who.staff:
        names = [member.name for member in who.staff if member.name]
        if names:
            return _("{names}, gebiedsverbinder of stadsdeel {stadsdeel}, receives your {kind} now in this "
                     "chat app.").format(names=_(" and ").join(names), stadsdeel=stadsdeel, kind=kind)
        return _("The gebiedsverbinder of stadsdeel {stadsdeel} receives your {kind} now in this chat app.").format(
            stadsdeel=stadsdeel, kind=kind)
    person = content.gebiedsverbinders.get(who.stadsdeel)
    if who.email is not None:
        return _("Your {kind} goes by e-mail now to {name}, gebiedsverbinder of stadsdeel {stadsdeel} "
                 "({email}).").format(kind=kind, name=person.name if person else "?", stadsdeel=stadsdeel,
                                      email=who.email)
    text = _("Your {kind} is stored. No gebiedsverbinder of stadsdeel {stadsdeel} is connected to this assistant "
             "yet, so nobody has received it yet: it will be seen as soon as one is connected.").format(
        kind=kind, stadsdeel=stadsdeel)
    if person is not None:
        text += " " + _("Is it urgent? E-mail {name} directly: {email}.").format(name=person.name,
                                                                               email=person.email)
    return text


ROUTES = Routes(
    FLOW,
    commands=(
        Command("idee", "idea", start, N_("Send an idea or signal"), aliases=("signaal", "melden"),
                position=40),
    ),
    buttons=(
        ButtonRoute("m:idee", lambda ctx, m: start(ctx), exact=True),
        ButtonRoute("in", lambda ctx, m: on_choice(ctx, ctx.incoming.text), rf"[a-z]{{1,12}}(?::{CODE})?"),
    ),
    steps={step: Step(on_text, prompt, NOT_A_PLACE if step == WIJK else NOT_UNDERSTOOD,
                      on_location=on_media, on_photo=on_media)
           for step in PROMPTS},
)
