"""Residents' rights (AVG): what is stored and why, a copy of your data, and erasure.

Dialogue:
  resident: /privacy
  bot:      What Wijkwijzer stores about you, why, how long, who can see it, and your rights.
  resident: /mijngegevens
  bot:      [file wijkwijzer-mijn-gegevens.json] This file holds everything Wijkwijzer stores about you.
  resident: /vergeetmij
  bot:      This removes ... Your 2 submissions stay for the municipality without your name, ...
            [Yes, remove my data] [Also remove my submissions] [No, remove nothing]
  resident: Yes, remove my data   (or types "ja"; "nee" or the last button removes nothing)
  bot:      Done: your data is removed. ...

Erasing is idempotent (a second time finds nothing) and runs in one transaction (storage/privacy.py).
Buttons carry no id: they act only on the data of whoever presses them.
"""

from __future__ import annotations

import json
import re

from flows.common import GENERAL_PHONE, GENERAL_WEBSITE, NOT_UNDERSTOOD, main_menu_buttons, menu_button, with_hint
from flows.context import Context
from flows.dispatch import ButtonRoute, Command, Routes, Step
from flows.submission_view import STAFF_LANGUAGE, staff_card
from flows.types import Button, Reply
from flows.yesno import Answer, is_yes_or_no, read_answer
from locales import N_, _, use_language
from storage import Submission

FLOW = "privacy"
CONFIRM = "confirm_erase"
EXPORT_NAME = "wijkwijzer-mijn-gegevens.json"


def privacy(ctx: Context) -> list[Reply]:
    """/privacy: what is stored, why, for how long, who can see it, and how to use your rights."""
    days = ctx.services.retention_days
    text = "\n\n".join([
        _("Privacy in Wijkwijzer"),
        _("What I store about you:\n"
          "• your Telegram number, so I can answer you; Telegram itself also processes your messages;\n"
          "• the language you chose, and the wijk you saved;\n"
          "• where you are in a conversation, so you can go on after a break;\n"
          "• the wijken and themes you follow (only if you said yes), and which messages about inspraak you got;\n"
          "• what you send with /idee: your text, photos, location, wijk and theme, what happens with it and the "
          "answers. Your Telegram name only if you agree."),
        _("Questions I cannot answer are kept without your number or name, to improve my answers."),
        _("Why: to answer you, to pass your idea, signal or question on to the gebiedsverbinder, to tell you what "
          "happens with it, and to send you the messages you asked for."),
        _("How long: your profile and what you follow stay until you remove them (/vergeetmij, /stop). "
          "{days} days after your idea, signal or question is closed, your name, photos, exact location and the "
          "link to you are removed automatically. The municipality keeps the rest without your name.").format(
            days=days),
        _("Who can see it: the gebiedsverbinder of the stadsdeel that handles what you send (your name only if "
          "you agree; never your Telegram number), and the people who manage Wijkwijzer for the municipality. "
          "The municipality's own systems get what you sent without your Telegram number."),
        _("Your rights:\n"
          "• /mijngegevens: get a file with everything I store about you;\n"
          "• /vergeetmij: remove your data;\n"
          "• /stop: stop messages about inspraak and news;\n"
          "• for other questions about your data: phone {phone} or {website} (say it is about Wijkwijzer).").format(
            phone=GENERAL_PHONE, website=GENERAL_WEBSITE),
    ])
    return [Reply(text, main_menu_buttons())]


async def my_data(ctx: Context) -> list[Reply]:
    """/mijngegevens: a JSON file with everything stored about this resident."""
    data = await ctx.services.privacy.export(ctx.user_id)
    document = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    text = _("This file holds everything Wijkwijzer stores about you: your settings, what you follow, the "
             "messages about inspraak you got, and what you sent with its history and answers. Only you get it. "
             "To remove your data: /vergeetmij.")
    return [Reply(text, Reply.column([menu_button()]), document=(EXPORT_NAME, document))]


async def forget_me(ctx: Context) -> list[Reply]:
    """/vergeetmij: say what erasing does, and ask (by button, or a typed yes or no)."""
    state = ctx.state
    if state is not None and state.flow == FLOW:
        previous = state.data.get("previous")  # asked again: keep what was going on before the first time
    else:
        previous = None if state is None else {"flow": state.flow, "step": state.step, "data": state.data}
    if state is None and not await ctx.services.privacy.holds_anything(ctx.user_id):
        # nothing to ask about; asking would store their number (the question is a step)
        return [Reply(_("There was nothing to remove: I store nothing about you."), main_menu_buttons())]
    await ctx.set_state(FLOW, CONFIRM, previous=previous)  # the question as a step, for a typed answer
    return await ask(ctx)


async def ask(ctx: Context, hint: str = "", *, count: int | None = None) -> list[Reply]:
    """The erasure question with its buttons (asked again with a hint after an unclear answer);
    ``count``: the resident's submissions, when already counted."""
    if count is None:
        _list, count = await ctx.services.submissions.for_resident(ctx.user_id, 1)
    lines = [_("This removes your data from Wijkwijzer: your language, your wijk, what you follow, where you are "
               "in a conversation and the messages about inspraak you got. It cannot be undone.")]
    buttons = [Button(_("Yes, remove my data"), "pv:erase:keep")]
    if count:
        lines.append(_("You sent {count} idea(s), signal(s) or question(s). They stay for the municipality without "
                       "your name, Telegram number, photos and exact location, so the work on them can go on; but you "
                       "will no longer hear about them. You can also remove them: open ones are then withdrawn and "
                       "the gebiedsverbinder is told.").format(count=count))
        buttons.append(Button(_("Also remove what I sent"), "pv:erase:all"))
    buttons.append(Button(_("No, remove nothing"), "pv:nothing"))
    return [Reply(with_hint(hint, "\n\n".join(lines)), Reply.column(buttons))]


async def keep_everything(ctx: Context) -> list[Reply]:
    """No: nothing is removed, and what was going on before /vergeetmij goes on."""
    state = ctx.state
    if state is not None and state.flow == FLOW:
        previous = state.data.get("previous")
        if previous:
            await ctx.set_state(previous["flow"], previous["step"], **previous["data"])
        else:
            await ctx.clear_state()
    return [Reply(_("Good: nothing is removed. What would you like to do? Choose below, or type your question."),
                  main_menu_buttons())]


async def on_text(ctx: Context, text: str) -> list[Reply] | None:
    """Typed at the question: a clear yes removes (as the first button), a clear no keeps everything; a mix of
    both asks again; anything else is no answer (None)."""
    if not is_yes_or_no(text):
        return None
    answer = read_answer(text)
    if answer is Answer.UNCLEAR:
        return await ask(ctx, _("I am not sure whether you mean yes or no. Please choose with a button."))
    if answer is Answer.YES:
        return await erase(ctx, remove_submissions=False)
    return await keep_everything(ctx)


async def erase(ctx: Context, remove_submissions: bool) -> list[Reply]:
    """Erase, in one transaction; pressing again is harmless."""
    ctx.services.answered.forget(ctx.user_id)  # the last question answered, held in memory (flows/answered.py)
    staff = ctx.services.staff
    members: dict[str, list[int]] = {}
    if ctx.state is not None and ctx.state.flow == FLOW and not ctx.state.data.get("previous"):
        await ctx.clear_state()  # only the question itself: not counted as data that was removed
    if remove_submissions:
        own, _count = await ctx.services.submissions.for_resident(ctx.user_id, 10_000)
        for submission in own:
            if submission.handled_by not in members:
                members[submission.handled_by] = [m.user_id for m in await staff.for_stadsdeel(submission.handled_by)]

    def notices(submission: Submission) -> list[tuple[int, dict]]:
        with use_language(STAFF_LANGUAGE):
            card = staff_card(ctx.services.content, submission)
            text = _("The resident withdrew {reference} and asked to remove their data: its text, photos and "
                     "location are removed.").format(reference=submission.reference)
            payload = Reply(text + "\n\n" + card.text, card.buttons).to_dict()
        return [(member, payload) for member in members.get(submission.handled_by, [])]

    erasure = await ctx.services.privacy.erase(ctx.user_id, remove_submissions=remove_submissions,
                                               names=(ctx.incoming.display_name,), withdrawal_notices=notices)
    ctx.services.residents.forget(ctx.user_id)
    ctx.services.conversations.ended_elsewhere(ctx.user_id)
    ctx.state = None
    if erasure.withdrawn:
        ctx.services.notify()
    if not any(erasure.as_dict().values()):
        text = _("There was nothing to remove: I store nothing about you.")
    elif remove_submissions and erasure.submissions_removed:
        text = _("Done: your data and what you sent are removed. If you write to me again, I start afresh.")
    elif erasure.submissions_anonymised:
        text = _("Done: your data is removed. What you sent stays for the municipality without your name. If you "
                 "write to me again, I start afresh.")
    else:
        text = _("Done: your data is removed. If you write to me again, I start afresh.")
    return [Reply(text)]


async def _on_button(ctx: Context, match: re.Match[str]) -> list[Reply]:
    if match["what"] is None:
        return await keep_everything(ctx)
    return await erase(ctx, remove_submissions=match["what"] == "all")


ROUTES = Routes(
    FLOW,
    commands=(
        Command("privacy", "privacy", privacy, N_("What is stored about you, and your rights"), position=86),
        Command("mijngegevens", "mydata", my_data, N_("Get a file with your data"), position=87),
        Command("vergeetmij", "forgetme", forget_me, N_("Remove your data"), position=88),
    ),
    buttons=(ButtonRoute("pv", _on_button, r"erase:(?P<what>keep|all)|nothing"),),
    steps={CONFIRM: Step(on_text, ask, NOT_UNDERSTOOD)},
)
