"""Consent read right: a typed answer is yes only when it is a clear yes (issue 10, item 1).

Both consent steps of the intake (answer through this chat; show my name) are tried with the same
typed phrasings, Dutch and English, including the mixed ones that used to be read as yes.
"""

from __future__ import annotations

import pytest

from flows import Assistant, Incoming
from flows.types import InputKind
from flows.yesno import Answer, read_answer
from storage import ConversationRepository, Database
from tests.conftest import actions_of, text_of

YES, NO, UNCLEAR = Answer.YES, Answer.NO, Answer.UNCLEAR
PHRASINGS = [
    # clear yes
    ("ja", YES), ("Ja hoor", YES), ("ja graag!", YES), ("prima", YES), ("Oké", YES), ("is goed", YES),
    ("dat mag", YES), ("natuurlijk", YES), ("yes please", YES), ("sure", YES), ("OK", YES), ("yep", YES),
    ("liever wel", YES),
    # clear no
    ("nee", NO), ("Nee.", NO), ("liever niet", NO), ("nee dank je", NO), ("no", NO), ("no thanks", NO),
    ("I'd rather not", NO), ("nooit", NO), ("don't", NO),
    # both, or neither: asked again
    ("niet graag", UNCLEAR), ("nee, liever niet. ok?", UNCLEAR), ("no, not ok", UNCLEAR),
    ("ja maar nee", UNCLEAR), ("ja, nee", UNCLEAR), ("yes no", UNCLEAR), ("not okay", UNCLEAR),
    ("prima, maar liever niet", UNCLEAR), ("ja? nee!", UNCLEAR), ("niet goed", UNCLEAR),
    ("misschien", UNCLEAR), ("weet ik nog niet zeker", UNCLEAR), ("maybe", UNCLEAR), ("🤷", UNCLEAR),
]
NAME = "Jan Jansen (@jan)"


def test_there_are_enough_phrasings_of_each_kind() -> None:
    kinds = [answer for _text, answer in PHRASINGS]
    assert len(PHRASINGS) >= 20 and all(kinds.count(k) >= 6 for k in (YES, NO, UNCLEAR))


@pytest.mark.parametrize(("text", "expected"), PHRASINGS)
def test_read_answer(text: str, expected: Answer) -> None:
    assert read_answer(text) is expected


async def _to_consent(assistant: Assistant, user_id: int, step: str) -> None:
    """Walk one resident (with a Telegram name) through the intake up to a consent step."""
    async def say(text: str) -> None:
        await assistant.handle(Incoming.message(user_id, text, "nl", display_name=NAME))

    async def press(action: str) -> None:
        await assistant.handle(Incoming(user_id, InputKind.CHOICE, text=action, language_code="nl",
                                        display_name=NAME))
    await say("/idee")
    await press("in:kind:idee")
    await say("Delftwijk")
    await say("Een moestuin op het braakliggende stuk grond.")
    await press("in:photos:done")
    await press("in:theme:groen")
    if step == "name":
        await press("in:reply:yes")


@pytest.mark.parametrize(("step", "key", "next_step"), [("reply", "consent_reply", "name"),
                                                       ("name", "consent_name", "summary")])
async def test_typed_consent_at_both_steps(assistant: Assistant, db: Database, step: str, key: str,
                                           next_step: str) -> None:
    conversations = ConversationRepository(db)
    wrong = []
    for user_id, (text, expected) in enumerate(PHRASINGS, start=1000):
        await _to_consent(assistant, user_id, step)
        replies = await assistant.handle(Incoming.message(user_id, text, "nl", display_name=NAME))
        state = await conversations.get(user_id)
        if expected is UNCLEAR:
            asked_again = state.step == step and {f"in:{step}:yes", f"in:{step}:no"} <= set(actions_of(replies))
            if not asked_again or key in state.data:
                wrong.append((text, state.step, state.data.get(key), text_of(replies)))
        elif (state.step, state.data.get(key)) != (next_step, expected is YES):
            wrong.append((text, state.step, state.data.get(key)))
    assert wrong == []


async def test_mixed_answer_never_shows_the_name_to_staff(assistant: Assistant, db: Database) -> None:
    """The reported case: 'niet graag' at the name question; the summary must not say yes."""
    await _to_consent(assistant, 77, "name")
    replies = await assistant.handle(Incoming.message(77, "niet graag", "nl", display_name=NAME))
    assert "ja of nee" in text_of(replies)
    replies = await assistant.handle(Incoming.message(77, "nee", "nl", display_name=NAME))
    assert "Uw naam zichtbaar voor de gebiedsverbinder: nee" in text_of(replies)
