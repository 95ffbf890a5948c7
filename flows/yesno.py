"""Reading a typed yes or no, for every step that asks one (consent above all).

A typed answer is yes only when it is a clear yes: it holds a yes word and no no word.
"niet graag", "nee, liever niet. ok?", "no, not ok" and "ja maar nee" hold both, so they are
unclear, and so is an answer with neither ("misschien"); the step then asks again with its
buttons. For consent this is the AVG's "unambiguous": when in doubt, ask, never assume yes.
"""

from __future__ import annotations

from enum import Enum

from content.textfold import fold

# Folded words (see content.textfold.fold). A phrase such as "liever niet" needs no entry of its
# own: one no word in it is enough ("liever" itself is neither: "liever wel" is a yes).
YES_WORDS = frozenset({
    "ja", "jaa", "jaaa", "jawel", "jazeker", "zeker", "graag", "goed", "prima", "akkoord", "oke", "okee", "ok",
    "okay", "oki", "natuurlijk", "uiteraard", "tuurlijk", "wel", "mag", "j", "yes", "yess", "yeah", "yep", "yup", "y",
    "sure", "fine", "please", "agreed", "agree", "certainly", "absolutely", "allright", "alright",
})
NO_WORDS = frozenset({
    "nee", "neen", "nope", "niet", "niets", "geen", "nooit", "no", "not", "nah", "never", "dont", "doesnt",
    "n", "nein", "weiger", "refuse", "decline",
})


class Answer(Enum):
    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"  # both a yes and a no word, or neither: ask again


def read_answer(text: str) -> Answer:
    """A typed answer to a yes/no question: YES only for a clear yes, NO only for a clear no."""
    words = set(fold(text).split())
    yes, no = bool(words & YES_WORDS), bool(words & NO_WORDS)
    if yes and not no:
        return Answer.YES
    if no and not yes:
        return Answer.NO
    return Answer.UNCLEAR


FILLERS = frozenset({"hoor", "dan", "maar", "toch", "dus", "oh", "o", "nou"})  # "nee hoor", "ja toch"


def is_bare_yes_or_no(text: str) -> bool:
    """Whether the text is only a yes or a no ("ja", "ok", "nee hoor", "yes please"): an answer, not a question."""
    words = fold(text).split()
    answers = set(words) & (YES_WORDS | NO_WORDS)
    return 0 < len(words) <= 4 and bool(answers) and set(words) <= answers | FILLERS


def is_yes_or_no(text: str) -> bool:
    """Whether the text holds a yes or a no word at all (even an unclear mix)."""
    return bool(set(fold(text).split()) & (YES_WORDS | NO_WORDS))
