"""Questions in residents' own words: answers, doubts, honest fallbacks and the gap log."""

from __future__ import annotations

import pytest

from flows.types import Incoming
from matching.decision import mostly_other_script
from storage import QuestionLog
from tests.conftest import Resident, actions_of, text_of


async def test_confident_answer_has_facts_source_and_follow_ups(resident: Resident) -> None:
    replies = await resident.say("hoeveel subsidie krijgt een wijkplatform?")
    text = text_of(replies)
    assert "€ 5.000" in text
    assert "Bron: gemeente Haarlem" in text and "Subsidie voor wijkplatforms" in text
    assert "t:subsidie-voorwaarden" in actions_of(replies)
    assert "menu" in actions_of(replies)


async def test_typos_and_compounds_are_understood(resident: Resident) -> None:
    text = text_of(await resident.say("wat is een wijkplatfrom"))
    assert "netwerk van mensen" in text
    text = text_of(await resident.say("wanneer moet ik de wijkplatformsubsidie aanvragen"))
    assert "1 oktober" in text


async def test_english_question_gets_english_answer(assistant) -> None:
    english = Resident(assistant, user_id=7, language_code="en")
    text = text_of(await english.say("how much money does a wijkplatform get"))
    assert "€ 5,000" in text and "Source: municipality of Haarlem" in text


async def test_place_in_question_resolves_to_gebiedsverbinder(resident: Resident) -> None:
    text = text_of(await resident.say("Wie is de gebiedsverbinder voor Schalkwijk?"))
    assert "Ingrid Hamer" in text and "iphamer@haarlem.nl" in text
    text = text_of(await resident.say("contact 2034"))
    assert "Ingrid Hamer" in text
    text = text_of(await resident.say("gebiedsverbinder indische buurt"))
    assert "Indischewijk ligt in stadsdeel Noord" in text and "Karin Kranendonk" in text


async def test_year_is_not_read_as_postcode(resident: Resident) -> None:
    text = text_of(await resident.say("wat gebeurde er op 21 december 2023 en 1 januari 2024"))
    assert "Ingrid Hamer" not in text and "Te Zaanenkwartier" not in text


async def test_open_question_is_honest_and_names_contact(resident: Resident, db) -> None:
    replies = await resident.say("Wat als een wijkplatform niet goed functioneert?")
    text = text_of(replies)
    assert "Ik weet het dus niet" in text
    assert "In welk stadsdeel woont u?" in text  # no wijk known yet: buttons to find the contact
    assert "sd:noord" in actions_of(replies)
    gaps = await QuestionLog(db).gaps()
    assert [(g.outcomes, g.count) for g in gaps] == [("open_question", 1)]


async def test_open_question_with_saved_wijk_gives_that_gebiedsverbinder(resident: Resident) -> None:
    await resident.press("w:set:WK039221")  # Meerwijk
    text = text_of(await resident.say("wat als het wijkplatform niet goed functioneert"))
    assert "Ik weet het dus niet" in text and "Ingrid Hamer" in text


@pytest.mark.parametrize("question", ["hoe vraag ik een parkeervergunning aan", "Hoe laat is het stadhuis open?",
                                      "Waar is het stadhuis?", "Where is the town hall?"])
async def test_off_topic_question_gets_the_general_contact_and_no_topic(resident: Resident, db,
                                                                        question: str) -> None:
    replies = await resident.say(question)
    text = text_of(replies)
    assert "Daar weet ik niets van" in text and "14 023" in text and "Postbus 511, 2003 PB Haarlem" in text
    assert "Bron:" not in text and "gebiedsverbinder" not in text  # no topic answer, not the gebiedsverbinder
    assert not [a for a in actions_of(replies) if a.startswith(("t:", "sd:"))]
    assert (await QuestionLog(db).gaps())[0].outcomes == "off_topic"


async def test_off_topic_in_english(assistant) -> None:
    text = text_of(await Resident(assistant, 5, "en").say("how do I renew my passport"))
    assert "That is not something I know about" in text and "Phone: 14 023" in text


async def test_unknown_subject_is_not_known_but_offers_nearby_topics(resident: Resident) -> None:
    replies = await resident.say("krijgen vrijwilligers van het wijkplatform een onkostenvergoeding")
    assert "Daar heb ik geen antwoord op" in text_of(replies) and "Misschien helpt" in text_of(replies)
    assert any(a.startswith("t:") for a in actions_of(replies))


@pytest.mark.parametrize("question, topic", [
    ("Hoeveel subsidie krijgt een wijkraad?", "subsidie-wijkraad"),  # not the wijkplatform's € 5.000
    ("Wie vertegenwoordigt straks onze wijk bij de gemeente?", "wie-vertegenwoordigt-wijk"),
    ("Praat de gemeente nog met de wijkraad?", "wie-vertegenwoordigt-wijk"),
    ("Wat gebeurt er met onze wijkraad?", "wijkraad-wordt-wijkplatform"),
    ("What is the current status of the move from wijkraden to wijkplatforms?", "planning"),
    # both answers say that the support and the regulation for wijkraden ended on 1 January 2025
    ("Will the wijkraad still exist after 2025?", "wijkraad-wordt-wijkplatform planning"),
])
async def test_wijkraad_questions_get_the_wijkraad_answer(assistant, question: str, topic: str) -> None:
    resolution = await assistant.services.matcher.resolve_async(question, "nl")
    assert resolution.topic_id in topic.split() and resolution.kind in ("topic", "open")


async def test_wijkraad_subsidy_is_answered_honestly(resident: Resident) -> None:
    text = text_of(await resident.say("Hoeveel subsidie krijgt een wijkraad?"))
    assert "Een bedrag voor wijkraden staat niet in mijn bronnen" in text and "gebiedsverbinder" in text


async def test_nonsense_gets_honest_fallback(resident: Resident) -> None:
    assert "Daar heb ik geen antwoord op" in text_of(await resident.say("asdkjhasd qwpoe"))


class FixedClassifier:
    """A classifier that always gives the same probabilities (to test the decision, not the learning)."""

    def __init__(self, *ranked: tuple[str, float]) -> None:
        self.ranked = ranked

    def features(self, *args) -> None:
        return None

    def rank(self, features) -> tuple[tuple[str, float], ...]:
        return self.ranked


@pytest.mark.parametrize("second, offered", [(0.11, True), (0.09, False)])
async def test_a_close_alternative_is_offered_under_the_answer(resident: Resident, second: float,
                                                               offered: bool) -> None:
    """"Geld voor de wijk": money for an idea (initiatiefbudget) most likely; the neighbourhood budgets are
    offered under the answer when they are likely enough (CLOSE_ALTERNATIVE)."""
    services = resident.assistant.services
    services.matcher = services.matcher.with_classifier(FixedClassifier(
        ("initiatiefbudget", 0.8), ("wijkbudgetten", second), ("none", 0.05), ("subsidie-wijkplatform", 0.01)))
    replies = await resident.say("geld voor de wijk")
    assert "Bron:" in text_of(replies) and "t:initiatiefbudget" not in actions_of(replies)  # the answer itself
    assert ("t:wijkbudgetten" in actions_of(replies)) is offered


@pytest.mark.parametrize("question, topic", [
    ("Bir wijkplatform belediyeden yılda ne kadar sübvansiyon alabilir?", "subsidie-bedrag"),  # Turkish
    ("Jakie dokumenty są potrzebne do wniosku o dotację dla wijkplatformu?", "subsidie-documenten"),  # Polish
    # the model alone once answered this confidently with "what does a wijkplatform do"
    ("Ile wynosi dotacja dla wijkplatformu?", "subsidie-bedrag"),
    ("Wijkplatform için sübvansiyon başvurusunu en geç ne zaman yapmalıyım?", "subsidie-aanvragen"),
])
async def test_other_language_reaches_its_topic(resident: Resident, question: str, topic: str) -> None:
    """Issue 11: at least the topic's "Bedoelt u…?"; the answer itself when the classifier is very sure."""
    replies = await resident.say(question)
    answer = resident.assistant.services.content.topics[topic].answer.get("nl")
    if "Bedoelt u" in text_of(replies):
        assert f"t:{topic}" in actions_of(replies) and "other" in actions_of(replies)
    else:
        assert answer[:60] in text_of(replies) and "Bron:" in text_of(replies)


@pytest.mark.parametrize("chance, direct", [(0.95, True), (0.85, False)])
async def test_hardly_a_known_word_gets_an_answer_only_when_the_classifier_is_very_sure(
        resident: Resident, db, chance: float, direct: bool) -> None:
    """A question the FAQ has hardly a word for (another language, or only words the FAQ does not use):
    the answer when the classifier is FOREIGN_SURE of one topic, else "Bedoelt u…?" with it."""
    services = resident.assistant.services
    services.matcher = services.matcher.with_classifier(FixedClassifier(
        ("subsidie-bedrag", chance), ("subsidie-wijkplatform", (1 - chance) / 2), ("none", (1 - chance) / 2)))
    replies = await resident.say("Bir wijkplatform belediyeden yılda ne kadar sübvansiyon alabilir?")
    assert ("Bron:" in text_of(replies)) is direct
    if not direct:
        assert "Bedoelt u" in text_of(replies) and "t:subsidie-bedrag" in actions_of(replies)
        assert (await QuestionLog(db).gaps())[0].outcomes == "uncertain"
        assert "Daar heb ik geen antwoord op" in text_of(await resident.press("other"))


@pytest.mark.parametrize("question, direct", [
    ("Ne zaman?", False),  # Turkish "When?": no word the FAQ knows, too short to be sure of
    ("Kiedy to będzie?", True),  # Polish "When will it be?": three words
    ("wijkplatform betekenis", True),  # two words, one the FAQ's
])
async def test_a_very_sure_classifier_answers_only_a_question_that_says_enough(resident: Resident, question: str,
                                                                              direct: bool) -> None:
    services = resident.assistant.services
    services.matcher = services.matcher.with_classifier(FixedClassifier(
        ("planning", 0.95), ("wat-is-wijkplatform", 0.03), ("none", 0.02)))
    assert ("Bron:" in text_of(await resident.say(question))) is direct


@pytest.mark.parametrize("question, direct", [
    ("ما هي الشروط للحصول على دعم مالي (subsidie) للـ wijkplatform؟", False),  # Arabic around Latin FAQ words
    ("Что такое subsidie для wijkplatform?", False),  # Russian
    ("Welke voorwaarden gelden voor subsidie voor een wijkplatform?", True),  # the same classifier, in Dutch
])
async def test_a_question_in_another_script_never_gets_a_direct_answer(resident: Resident, question: str,
                                                                       direct: bool) -> None:
    """An Arabic question with "wijkplatform" and "(subsidie)" in Latin letters once got a direct answer: the
    FAQ's words gave it enough coverage to pass for Dutch. Mostly other letters: "Bedoelt u…?" at most."""
    services = resident.assistant.services
    services.matcher = services.matcher.with_classifier(FixedClassifier(
        ("subsidie-voorwaarden", 0.95), ("subsidie-wijkplatform", 0.03), ("none", 0.02)))
    replies = await resident.say(question)
    assert ("Bron:" in text_of(replies)) is direct
    if not direct:
        assert "Bedoelt u" in text_of(replies) and "t:subsidie-voorwaarden" in actions_of(replies)


@pytest.mark.parametrize("text, other", [
    ("ما هي الشروط للحصول على دعم مالي (subsidie) للـ wijkplatform؟", True), ("Что такое wijkplatform?", True),
    ("Schalkwijk'te oturuyorum. Gebiedsverbinder kim?", False), ("Wat is een wijkplatform? 谢谢", False),
    ("Jakie dokumenty są potrzebne do wniosku o dotację?", False), ("🙂🙂", False), ("", False),
])
def test_mostly_other_script_counts_words(text: str, other: bool) -> None:
    assert mostly_other_script(text) is other


@pytest.mark.parametrize("question", ["waar kan ik een nieuw rijbewijs aanvragen", "mijn paspoort aanvragen",
                                      "hoe vraag ik een paspoort aan", "Hoe laat is het stadhuis open?",
                                      "Waar is het stadhuis?", "Where is the town hall?"])
async def test_words_of_other_matters_never_get_a_topic_answer(assistant, question: str) -> None:
    """'aanvragen' is a subsidy word, but 'rijbewijs' says it is another municipal matter."""
    resolution = await assistant.services.matcher.resolve_async(question, "nl")
    assert resolution.kind == "offtopic"


@pytest.mark.parametrize("question", ["wie is de voorzitter van het wijkplatform in onze wijk",
                                      "hoeveel inwoners heeft de Europawijk"])
async def test_names_and_figures_per_wijk_are_not_known(assistant, question: str) -> None:
    resolution = await assistant.services.matcher.resolve_async(question, "nl")
    assert resolution.kind in ("open", "none") and resolution.kind != "topic"


async def test_greetings_do_not_ask_the_model_but_questions_do(assistant) -> None:
    matcher = assistant.services.matcher
    asked: list[str] = []
    original = matcher.semantic.embed
    matcher.semantic.embed = lambda text: asked.append(text) or original(text)
    greeted = await matcher.resolve_async("hoi", "nl")
    assert greeted.kind == "smalltalk" and asked == []
    decided = await matcher.resolve_async("Hoeveel subsidie krijgt een wijkplatform?", "nl")
    assert decided.topic_id == "subsidie-bedrag" and asked
    assert "classifier subsidie-bedrag" in decided.judgement.reason


@pytest.mark.parametrize("question", ["Hoe vaak vergadert de initiatiefraad eigenlijk?",
                                      "Krijgen de leden van het kernteam een vergoeding voor hun werk?"])
async def test_questions_the_sources_do_not_answer_get_an_honest_fallback(assistant, question: str) -> None:
    """Near a topic in words, but not answered by it: the classifier learnt "none" from such questions."""
    resolution = await assistant.services.matcher.resolve_async(question, "nl")
    assert resolution.kind in ("none", "open"), resolution.judgement.reason


async def test_postcode_outside_haarlem(resident: Resident) -> None:
    replies = await resident.say("gebiedsverbinder 2042")
    assert "2042 is voor zover ik weet geen Haarlemse postcode" in text_of(replies)


async def test_overlong_text_is_refused_politely(resident: Resident) -> None:
    text = text_of(await resident.say("wijkplatform " * 200))
    assert "te lang voor een vraag" in text and "1.000" in text


async def test_smalltalk(resident: Resident) -> None:
    assert "Hallo!" in text_of(await resident.say("hoi"))
    assert "Graag gedaan" in text_of(await resident.say("dank je wel"))


async def test_browse_groups_and_pages(resident: Resident) -> None:
    replies = await resident.press("m:faq")
    assert actions_of(replies)[:5] == ["g:basis:0", "g:overgang:0", "g:geld:0", "g:meedoen:0", "g:open:0"]
    page = await resident.press("g:geld:0")
    actions = actions_of(page)
    assert page[0].edit and len([a for a in actions if a.startswith("t:")]) == 6
    assert "g:geld:1" in actions and "faq" in actions
    second = await resident.press("g:geld:1")
    assert "g:geld:0" in actions_of(second) and "(2 van 2)" in second[0].text
    topic = await resident.press("t:initiatiefbudget-bedragen")
    assert "€ 500" in text_of(topic)


async def test_unknown_topic_or_group_does_not_crash(resident: Resident) -> None:
    assert "bestaat niet meer" in text_of(await resident.press("t:bestaat-niet"))
    assert "Kies een onderwerp" in text_of(await resident.press("g:nope:3"))
    assert "werkt niet meer" in text_of(await resident.press("zzz"))


async def test_photo_and_unsupported_media(resident: Resident) -> None:
    from flows.types import InputKind

    photo = Incoming(42, InputKind.PHOTO, photo_ids=("abc",), language_code="nl")
    assert "Kies dan eerst /idee" in text_of(await resident.send(photo))
    sticker = Incoming(42, InputKind.UNSUPPORTED, media="sticker", language_code="nl")
    assert "kan ik niet lezen" in text_of(await resident.send(sticker))


@pytest.mark.parametrize("text", ["ja", "nee", "ok", "Ja graag", "nee hoor", "yes"])
async def test_a_bare_yes_or_no_with_no_question_waiting_is_not_a_question(resident: Resident, text: str) -> None:
    replies = await resident.say(text)
    assert "Ik weet niet waar uw ja of nee bij hoort" in text_of(replies)
    assert "Bedoelt u" not in text_of(replies) and "Daar heb ik geen antwoord op" not in text_of(replies)
    assert "m:faq" in actions_of(replies)  # the main menu to choose from


@pytest.mark.parametrize("text", ["nee dank je", "ja, hoeveel subsidie krijgt een wijkplatform?", "ok thanks"])
async def test_yes_or_no_words_inside_a_question_or_thanks_are_read_as_such(resident: Resident, text: str) -> None:
    assert "Ik weet niet waar uw ja of nee bij hoort" not in text_of(await resident.say(text))


async def test_a_typed_question_answered_directly_has_a_way_out(resident: Resident, db) -> None:
    """The matcher may answer a question the sources do not answer with the topic next to it ("Krijg ik het geld
    voor ons straatfeest vooraf?" got the initiatiefbudget answer): under a direct answer to a typed question, one
    button leads to the honest "I don't know" with the gebiedsverbinder, and puts the question in the log of
    unanswered questions for staff (once). A topic chosen with a button has no such button."""
    services = resident.assistant.services
    services.matcher = services.matcher.with_classifier(FixedClassifier(
        ("initiatiefbudget", 0.8), ("none", 0.15), ("wijkbudgetten", 0.05)))
    question = "Krijg ik het geld voor ons straatfeest vooraf of pas achteraf?"
    replies = await resident.say(question)
    assert "Bron:" in text_of(replies)
    labels = {b.label: b.action for row in replies[-1].buttons for b in row}
    assert labels["Dit beantwoordt mijn vraag niet"] == "miss:initiatiefbudget"
    assert await QuestionLog(db).gaps() == []  # an answered question is not logged
    honest = text_of(await resident.press("miss:initiatiefbudget"))
    assert "Daar heb ik geen antwoord op" in honest and "gebiedsverbinder" in honest
    [gap] = await QuestionLog(db).gaps()
    assert (gap.example, gap.outcomes) == (question, "answer_missed")
    await resident.press("miss:initiatiefbudget")  # pressed again: the question is logged once
    assert [g.count for g in await QuestionLog(db).gaps()] == [1]
    chosen = await resident.press("t:initiatiefbudget")
    assert "Bron:" in text_of(chosen) and not any(a.startswith("miss:") for a in actions_of(chosen))


async def test_an_answer_that_missed_is_logged_only_for_the_question_it_answered(resident: Resident, db) -> None:
    """The button under an older answer, after another question: the honest reply, but nothing logged (the
    assistant no longer knows which question it was). /vergeetmij forgets the question held in memory."""
    services = resident.assistant.services
    services.matcher = services.matcher.with_classifier(FixedClassifier(
        ("initiatiefbudget", 0.8), ("none", 0.15), ("wijkbudgetten", 0.05)))
    await resident.say("geld voor ons straatfeest vooraf?")
    services.matcher = services.matcher.with_classifier(FixedClassifier(
        ("subsidie-bedrag", 0.8), ("none", 0.15), ("wijkbudgetten", 0.05)))
    await resident.say("hoeveel subsidie krijgt een wijkplatform?")
    assert "Daar heb ik geen antwoord op" in text_of(await resident.press("miss:initiatiefbudget"))
    assert await QuestionLog(db).gaps() == []
    await resident.say("/vergeetmij")
    await resident.press("pv:erase:all")
    await resident.press("miss:subsidie-bedrag")
    assert await QuestionLog(db).gaps() == []
