"""The matcher on its own: Dutch and English, typos, compounds, synonyms, unknown subjects."""

from __future__ import annotations

import pytest

from matching.lexical import FaqMatcher
from matching.textanalysis import TextAnalyzer


@pytest.fixture(scope="module")
def matcher(content) -> FaqMatcher:
    return FaqMatcher(content.topics.values(), TextAnalyzer(content.synonyms))


def confident_topic(matcher: FaqMatcher, question: str) -> str | None:
    """The topic answered directly, or None when the matcher is unsure or finds nothing."""
    match = matcher.match(question)
    return match.topic_id if match.outcome == "confident" else None


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
    assert confident_topic(matcher, question) == topic


@pytest.mark.parametrize("question", [
    "mag ik mijn auto op de stoep parkeren",
    "wanneer wordt het grofvuil opgehaald",
    "where can I renew my passport",
    "qwerty asdf",
])
def test_unknown_subjects_are_not_matched(matcher: FaqMatcher, question: str) -> None:
    match = matcher.match(question)
    assert match.outcome == "none" or match.topic_id == "andere-zaken"  # nothing, or "other municipal matters"


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


def test_separable_verbs_are_put_back_together(matcher: FaqMatcher) -> None:
    analyzer = matcher.analyzer  # knows the FAQ's words, e.g. "uitleg"
    assert "~afschaffen" in analyzer.terms("waarom schaft de gemeente de wijkraden af", "nl")
    assert "~aanvragen" in analyzer.terms("hoe vraag ik subsidie aan voor ons platform", "nl")
    assert analyzer.terms("om mee te doen", "nl") == ["~meedoen"]
    assert analyzer.terms("leg eens uit wat wijkplatforms zijn", "nl") == analyzer.terms("uitleg wat wijkplatforms")
    # A preposition at the end is not a verb particle when the FAQ knows no such verb.
    assert analyzer.terms("waar is het wijkplatform voor", "nl") == ["~wijkplatform"]


def test_english_do_counts_only_as_the_main_verb(content) -> None:
    analyzer = TextAnalyzer(content.synonyms)
    assert "~doen" in analyzer.terms("what does a wijkplatform do", "en")
    assert "~doen" not in analyzer.terms("do I need a foundation", "en")


def test_phrases_also_match_in_the_plural(content) -> None:
    analyzer = TextAnalyzer(content.synonyms)
    assert analyzer.terms("neighbourhood platforms", "en") == analyzer.terms("neighbourhood platform", "en")
    assert analyzer.terms("neighbourhood platforms", "en") == ["~wijkplatform"]


@pytest.mark.parametrize("text, topic", [("top, dank je", "bedankt"), ("hoi daar", "groet"),
                                         ("wie ben jij eigenlijk", "wie-ben-jij"),
                                         ("dank u, fijn antwoord", "bedankt")])
def test_smalltalk_with_a_word_around_it(matcher: FaqMatcher, text: str, topic: str) -> None:
    assert (matcher.match(text).outcome, matcher.match(text).topic_id) == ("confident", topic)


def test_a_greeting_before_a_real_question_is_not_smalltalk(matcher: FaqMatcher) -> None:
    assert matcher.match("hoi, wanneer komt de vuilniswagen").topic_id != "groet"
    assert matcher.match("hallo, wie is mijn gebiedsverbinder").topic_id == "gebiedsverbinder"


@pytest.mark.parametrize("question, topic", [
    ("hoi, wat is een wijkplatform", "wat-is-wijkplatform"),
    ("Goedemorgen, hoeveel subsidie krijgt een wijkplatform? Alvast bedankt!", "subsidie-bedrag"),
    ("thanks! and who is my gebiedsverbinder", "gebiedsverbinder"),
])
def test_greetings_and_thanks_around_a_question_do_not_hide_it(matcher: FaqMatcher, question: str,
                                                               topic: str) -> None:
    assert confident_topic(matcher, question) == topic


def test_a_lemma_of_two_words_keeps_the_word(content) -> None:
    # simplemma gives "samen_werken" for "samenwerken"; a term never contains a space.
    analyzer = TextAnalyzer(content.synonyms)
    assert all(" " not in term for term in analyzer.terms("kunnen wijkplatforms samenwerken", "nl"))


def test_common_words_seen_only_in_answers_weigh_lightly(matcher: FaqMatcher) -> None:
    # "wonen" occurs in an answer, not in any question; it does not block a clear question.
    match = matcher.match("ik woon in de wijk en wil meedoen")
    assert (match.outcome, match.topic_id) == ("confident", "wie-kan-meedoen")


def test_a_question_with_a_word_of_the_thanks_is_still_a_question(matcher: FaqMatcher) -> None:
    match = matcher.match("hoe lang duurt het voor ik antwoord krijg op mijn aanvraag")
    assert (match.outcome, match.topic_id) == ("confident", "initiatiefbudget-besluit")


@pytest.mark.parametrize("question, topic", [
    ("hoe werkt een wijkbudget", "wijkbudgetten"),
    ("hoe werkt de subsidie voor een wijkplatform", "subsidie-wijkplatform"),
])
def test_an_everyday_verb_of_one_example_does_not_decide_the_topic(matcher: FaqMatcher, question: str,
                                                                    topic: str) -> None:
    # "werkt" occurs in one topic's questions only ("wat als een wijkplatform niet goed werkt"),
    # but residents use it for anything ("hoe werkt ..."); the subject words decide.
    assert confident_topic(matcher, question) == topic


def test_not_working_is_a_complaint(matcher: FaqMatcher) -> None:
    # Without the phrase, "werkt" alone barely beat "what is a wijkplatform".
    match = matcher.match("het wijkplatform werkt niet, wat nu")
    assert (match.outcome, match.topic_id) == ("confident", "niet-goed-functioneren")
    assert matcher.analyzer.terms("what if our platform is not working", "en")[0] == "~klacht"


@pytest.mark.parametrize("question, topic", [
    ("are there information meetings for new platforms", "ondersteuning"),
    ("wat is de basissubsidie voor een wijkplatform", "subsidie-bedrag"),
    ("heeft een wijkplatform een penningmeester nodig", "organisatie"),
    ("since when have the wijkplatforms been around", "planning"),
    ("wanneer houden de wijkraden op", "planning"),
    ("hoe wordt de subsidie voor een wijkplatform berekend", "subsidie-bedrag"),
    ("waar hangt het af hoeveel geld een wijkplatform krijgt", "subsidie-bedrag"),  # "hangt ... af"
    ("heeft een wijkplatform invloed op de gemeente", "zeggenschap"),
    ("mogen we de wijkraad omdopen tot wijkplatform", "wijkraad-wordt-wijkplatform"),
    ("am i talking to a person", "wie-ben-jij"),
    ("can shopkeepers join the wijkplatform too", "wie-kan-meedoen"),
    ("mogen bedrijven uit de buurt meedoen", "wie-kan-meedoen"),
    ("why are the wijkraden being scrapped", "waarom-geen-wijkraden"),
    ("where can I share a suggestion for my street", "idee-doorgeven"),
    ("helpt de gemeente bij het opstarten van een wijkplatform", "ondersteuning"),
    ("hoe gaat de gemeente nieuwe wijkplatforms ondersteunen", "ondersteuning"),
    ("can I respond to a plan for my street", "inspraak"),
    ("heeft een wijkplatform statuten nodig", "rechtsvorm"),
    ("can platforms organise themselves", "organisatie"),
    ("hoe is een wijkplatform opgebouwd", "organisatie"),
    ("waar is het formulier voor de subsidie", "subsidie-aanvragen"),
])
def test_everyday_words_for_the_faq_subjects(matcher: FaqMatcher, question: str, topic: str) -> None:
    assert confident_topic(matcher, question) == topic


def test_a_longer_thanks_is_thanks_and_a_question_after_thanks_is_a_question(matcher: FaqMatcher) -> None:
    assert matcher.match("Dank u wel voor uw antwoord!").topic_id == "bedankt"
    assert matcher.match("dank je, maar hoe zit het met de subsidie").topic_id != "bedankt"


def test_a_dutch_name_in_an_english_question_is_read_as_dutch(matcher: FaqMatcher) -> None:
    analyzer = matcher.analyzer
    assert analyzer.terms("leefbaarheid", "en") == analyzer.terms("leefbaarheid", "nl")
    match = matcher.match("what is the leefbaarheid budget", "en")
    assert (match.outcome, match.topic_id) == ("confident", "initiatiefbudget")


def test_something_is_not_a_compound(matcher: FaqMatcher) -> None:
    assert matcher.analyzer.terms("something", "en") == []
    match = matcher.match("i would like to report something about my neighbourhood", "en")
    assert (match.outcome, match.topic_id) == ("confident", "idee-doorgeven")


@pytest.mark.parametrize("question, topic", [
    ("ik hoorde over wijkplatforms, wat is dat", "wat-is-wijkplatform"),  # not about being heard
    ("I heard about wijkplatforms, what are they", "wat-is-wijkplatform"),
])
def test_how_residents_came_across_it_is_not_the_subject(matcher: FaqMatcher, question: str, topic: str) -> None:
    assert confident_topic(matcher, question) == topic


def test_a_particle_before_a_known_verb_is_that_verb(matcher: FaqMatcher) -> None:
    analyzer = matcher.analyzer
    assert analyzer.terms("meebeslissen", "nl") == analyzer.terms("beslissen", "nl") == ["~beslissen"]
    assert analyzer.terms("meebetalen", "nl") == ["~geld"]
    # a noun that starts like a particle is no verb: welfare is not the FAQ's "stand van zaken"
    assert matcher.match("hoe vraag ik bijstand aan").outcome == "none"


def test_more_than_one_with_a_digit(matcher: FaqMatcher) -> None:
    assert confident_topic(matcher, "mogen er meer dan 1 wijkplatform in een wijk zijn") == "een-per-wijk"
