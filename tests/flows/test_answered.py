"""The memory of the last typed question each resident got a direct answer to (flows/answered.py)."""

import datetime as dt

from flows.answered import MAX_AGE, AnsweredQuestion, RecentAnswers

T0 = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)


def asked(topic: str = "subsidie-bedrag", at: dt.datetime = T0) -> AnsweredQuestion:
    return AnsweredQuestion("hoeveel geld?", "nl", topic, "noord", at)


def test_taken_once_and_only_for_the_topic_that_answered() -> None:
    memory = RecentAnswers()
    memory.remember(1, asked())
    assert memory.take(1, "initiatiefbudget", T0) is None  # the button under another answer
    assert memory.take(1, "subsidie-bedrag", T0) == asked()
    assert memory.take(1, "subsidie-bedrag", T0) is None


def test_too_old_is_not_taken() -> None:
    memory = RecentAnswers()
    memory.remember(1, asked())
    assert memory.take(1, "subsidie-bedrag", T0 + MAX_AGE + dt.timedelta(seconds=1)) is None


def test_a_new_answer_replaces_the_old_and_the_oldest_residents_go_first() -> None:
    memory = RecentAnswers(max_residents=2)
    memory.remember(1, asked("a"))
    memory.remember(2, asked("b"))
    memory.remember(1, asked("c"))  # resident 1 is now the most recent
    memory.remember(3, asked("d"))  # beyond two residents: resident 2 goes
    assert memory.take(2, "b", T0) is None
    assert memory.take(1, "a", T0) is None and memory.take(1, "c", T0) == asked("c")
    assert memory.take(3, "d", T0) == asked("d")
