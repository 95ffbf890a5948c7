"""The matcher on its own: Dutch and English, typos, compounds, synonyms, unknown subjects."""

from __future__ import annotations

import pytest

from flows.faq_matcher import FaqMatcher
from flows.textanalysis import TextAnalyzer


@pytest.fixture(scope="module")
def matcher(content) -> FaqMatcher:
    return FaqMatcher(content.topics.values(), TextAnalyzer(content.synonyms))


@pytest.mark.parametrize("question, topic", [
    ("Hoeveel subsidie krijgt een wijkplatform?", "subsidie-bedrag"),
    ("hoeveel geld krijgt een wijkplatform", "subsidie-bedrag"),  # geld ~ subsidie
    ("how much funding does a wijkplatform get", "subsidie-bedrag"),  # English synonyms
    ("wie is de gebiedsverbider", "gebiedsverbinder"),  # typo
    ("kan de wijkraad doorgaan als wijkplatform", "wijkraad-wordt-wijkplatform"),
    ("wat doet de initiatief raad", "initiatiefbudget-besluit"),  # compound written apart
    ("subsidie voor een straatfeestje", "initiatiefbudget"),  # diminutive, compound
    ("moeten we een stichting oprichten", "rechtsvorm"),
    ("hoi", "groet"),
])
def test_confident_matches(matcher: FaqMatcher, question: str, topic: str) -> None:
    match = matcher.match(question)
    assert (match.outcome, match.topic_id) == ("confident", topic)


@pytest.mark.parametrize("question", [
    "mag ik mijn auto op de stoep parkeren",
    "wanneer wordt het grofvuil opgehaald",
    "where can I renew my passport",
    "qwerty asdf",
])
def test_unknown_subjects_are_not_matched(matcher: FaqMatcher, question: str) -> None:
    assert matcher.match(question).outcome == "none"


def test_smalltalk_does_not_capture_questions_with_its_words(matcher: FaqMatcher) -> None:
    assert matcher.match("wie is de gebiedsverbinder van noord").topic_id == "gebiedsverbinder"


def test_analyzer_steps(content) -> None:
    analyzer = TextAnalyzer(content.synonyms)
    analyzer.learn(["wijkplatform subsidie initiatiefraad bingo"])
    assert analyzer.terms("financiering") == analyzer.terms("geld") == ["~geld"]
    assert analyzer.terms("wijkplatformsubsidie") == ["~wijkplatform", "~geld"]
    assert analyzer.terms("subsdie") == ["~geld"]
    assert "bingo" in analyzer.terms("bingoavond")
    assert analyzer.language_of("what is the deadline") == "en"
    assert analyzer.language_of("wat is de deadline") == "nl"
