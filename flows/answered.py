"""The last typed question each resident got a direct answer to, in memory for a while.

Under such an answer the resident can say "Dit beantwoordt mijn vraag niet" (flows/faq.py). Then the question goes
to the log of unanswered questions (without who asked, as every question there), so staff see in `faq-gaps` and the
digest which questions got an answer that did not fit: the most useful training questions there are. Answered
questions are otherwise never stored; this memory holds one per resident, for at most MAX_AGE, is lost on a
restart (then the press only gets the honest "I don't know"), and /vergeetmij empties the resident's entry.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass

MAX_AGE = dt.timedelta(hours=1)
MAX_RESIDENTS = 10_000  # the oldest entries go first beyond this


@dataclass(frozen=True)
class AnsweredQuestion:
    text: str
    language: str
    topic_id: str
    stadsdeel: str | None
    at: dt.datetime


class RecentAnswers:
    def __init__(self, max_residents: int = MAX_RESIDENTS) -> None:
        self._entries: OrderedDict[int, AnsweredQuestion] = OrderedDict()
        self._max = max_residents

    def remember(self, user_id: int, question: AnsweredQuestion) -> None:
        self._entries.pop(user_id, None)
        self._entries[user_id] = question
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def take(self, user_id: int, topic_id: str, now: dt.datetime) -> AnsweredQuestion | None:
        """The question answered with ``topic_id`` (the answer whose button was pressed), once; None when the
        resident asked something else since, it is older than MAX_AGE, or the process restarted."""
        question = self._entries.get(user_id)
        if question is None or question.topic_id != topic_id or now - question.at > MAX_AGE:
            return None
        del self._entries[user_id]
        return question

    def forget(self, user_id: int) -> None:
        self._entries.pop(user_id, None)
