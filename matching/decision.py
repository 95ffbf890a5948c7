"""The decision: how to answer a question, from where it points to and what it is about.

Three kinds of evidence say what a question is about:

- the lexical matcher (lexical.py): TF-IDF over the FAQ's own words, exact about names
  ("initiatiefraad", "wijkraad") and strict about words of other subjects ("paspoort");
- the semantic scorer (semantic.py): a multilingual sentence model, which recognises phrasings
  nobody wrote before, also in Turkish or Polish, but finds every question a bit like something;
- the classifier (classifier.py), which learnt from some 6,000 labelled questions how to weigh the
  first two: it gives each topic, "other municipal matters" and "not in the sources" a probability.

The best topic is answered directly when its probability is clear, with a question "Bedoelt u…?"
when it is only fair, and honestly not at all when it is low or when "not in the sources" is the most
likely. Questions about other municipal matters (passports, waste, parking) get the municipality's
general contact, never a topic answer. A question in another language (hardly a word the FAQ knows, or
mostly words in another script) gets "Bedoelt u…?" with the classifier's likely topics; a direct answer
only when the classifier is very sure of one topic, the question is written in Latin letters and says
enough (see FOREIGN_SURE). Every decision carries its reason, for ``wijkwijzer explain``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from content.geography import Geography
from content.model import Content
from matching.classifier import NONE, TopicClassifier
from matching.lexical import FaqMatcher, Match
from matching.places import PLACE_WORD, PlaceReading, Where, generalise_places, read_places
from matching.semantic import SemanticScorer

NEARBY = 2  # topics offered under an honest "I do not know"
SUGGESTIONS = 3  # topics offered under "Did you mean…?"
CLOSE = 0.9  # a topic this close to the best is offered under the answer

LEXICAL, SEMANTIC, COMBINED = "lexical", "semantic", "combined"
MODES = (LEXICAL, SEMANTIC, COMBINED)

# Calibrated by cross-validation on the training sets (bench/faq_calibrate.py), never on the sealed set.
CONFIDENT = 0.5  # a direct answer needs the best topic to be this likely ...
UNCERTAIN = 0.25  # ... "Did you mean…?" this likely; below, an honest "I do not know"
OFFER = 0.1  # a topic offered as a button is at least this likely
CLOSE_ALTERNATIVE = OFFER  # ... also under a direct answer (0.15 offered too few once more training data made the
# classifier surer: "geld voor de wijk" lost the neighbourhood budgets, at 0.11, under the initiatiefbudget answer)
NEARBY_SEMANTIC = 0.5  # a topic offered under "I do not know" is at least this close in meaning
NO_MEANING = 0.3  # a text whose meaning is this far from every example is no question the FAQ can place
SMALLTALK = 0.8  # a greeting or thanks the lexical matcher did not recognise: only when this likely
OFFTOPIC = 0.3  # "not in the sources" is most likely, but other municipal matters this likely: general contact
# A question the FAQ has hardly a word for (coverage below FOREIGN: Turkish, Polish, but also "wijkplatform
# betekenis" or "how to complain about a wijkplatform", whose other words the FAQ does not use) gets
# "Did you mean…?" with the classifier's likely topics, when the sentence model finds a similar meaning
# (FOREIGN_SEMANTIC) or the classifier is this sure of one topic (FOREIGN_SURE: a Turkish question about what
# the subsidy pays for got 0.97 but no example closer than 0.50). That sure, in Latin letters, and saying
# enough (one of the FAQ's words, or three words: "Ne zaman?", "When?", got the planning answer), it gets
# the answer directly: in cross-validation 135 such questions (29 Dutch or English) were all answered
# with their own topic, and not one unanswerable question was this sure.
FOREIGN = 0.1
FOREIGN_SEMANTIC = 0.5
FOREIGN_SURE = 0.9
OFFTOPIC_SEMANTIC = 0.45  # semantic-only mode: score at which "most like other municipal matters" counts
# Semantic-only mode (for comparison in bench/faq.py)
SEMANTIC_CONFIDENT = 0.7
SEMANTIC_MARGIN = 0.04
SEMANTIC_UNCERTAIN = 0.5


@dataclass(frozen=True)
class Judgement:
    """What the question is about, with the evidence and the reason (for explain)."""

    outcome: str  # confident | uncertain | none | offtopic
    ranked: tuple[tuple[str, float], ...]  # (topic id, joint score), best first
    reason: str
    lexical: Match | None = None
    semantic: tuple[tuple[str, float], ...] = ()
    suggestions: tuple[str, ...] = ()  # topics worth offering as buttons, best first
    close: tuple[str, ...] = ()  # other topics almost as likely as the best (under a direct answer)

    @property
    def topic_id(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None


@dataclass(frozen=True)
class Reading:
    """A question read once: its places, and its lexical matches with places read both ways (a number
    as a postcode or not), by the text matched."""

    places: PlaceReading
    matches: dict[str, Match]


@dataclass(frozen=True)
class Resolution:
    """What a question is about: one of the kinds below, with what the reply needs."""

    kind: str  # topic | contact | open | smalltalk | uncertain | none | offtopic | outside
    topic_id: str | None = None
    # topics to offer as buttons: uncertain, the candidates; topic, close alternatives;
    # none, the nearest topics (which do not answer the question, but may help)
    suggestions: tuple[str, ...] = ()
    where: Where = Where()
    judgement: Judgement | None = field(default=None, compare=False)


class Matcher:
    """The matching engine: places, lexical and semantic evidence, and the decision."""

    def __init__(self, content: Content, geography: Geography, lexical: FaqMatcher,
                 semantic: SemanticScorer | None, classifier: TopicClassifier | None = None) -> None:
        self.content = content
        self.geography = geography
        self.lexical = lexical
        self.semantic = semantic
        self.classifier = classifier if semantic is not None else None
        self._offtopic = frozenset(t.id for t in content.topics.values() if t.kind == "offtopic")
        self._smalltalk = frozenset(t.id for t in content.topics.values() if t.kind == "smalltalk")

    def with_classifier(self, classifier: TopicClassifier) -> Matcher:
        """This matcher deciding with ``classifier`` (bench/faq.py compares several)."""
        return Matcher(self.content, self.geography, self.lexical, self.semantic, classifier)

    def embed(self, text: str) -> np.ndarray | None:
        return self.semantic.embed(text) if self.semantic is not None else None

    async def resolve_async(self, text: str, language: str, mode: str = COMBINED) -> Resolution:
        """:meth:`resolve`, with the sentence model's work (when needed) off the event loop."""
        reading = self.read(text, language, mode)
        vector = None
        if self._needs_model(reading, mode):
            vector = await self.semantic.embed_async(text)  # type: ignore[union-attr]
        return self.resolve(text, language, vector, mode, reading)

    def read(self, text: str, language: str, mode: str = COMBINED) -> Reading:
        """The places of the question and (unless ``mode`` is semantic) its lexical matches, as
        :meth:`resolve` will need them."""
        places = read_places(self.geography, text)
        matches: dict[str, Match] = {}
        if mode != SEMANTIC:
            for postcode in (True, False):
                where = places.where(any_number_is_postcode=postcode)
                question = generalise_places(text, where.spans) if where.spans else text
                if question not in matches:
                    matches[question] = self.lexical.match(question, language)
        return Reading(places, matches)

    def _needs_model(self, reading: Reading, mode: str) -> bool:
        """The model is asked unless the question is a greeting or thanks (the words decide)."""
        if self.semantic is None or mode == LEXICAL:
            return False
        return mode == SEMANTIC or not all(self._smalltalk_match(match) for match in reading.matches.values())

    def _smalltalk_match(self, match: Match) -> bool:
        return match.outcome == "confident" and match.topic_id in self._smalltalk

    def resolve(self, text: str, language: str, vector: np.ndarray | None = None,
                mode: str = COMBINED, reading: Reading | None = None) -> Resolution:
        """Decide how to answer ``text``: a topic, a gebiedsverbinder, a doubt, honest ignorance,
        or the general contact for other municipal matters. ``reading`` is the question's
        :meth:`read` when already made."""
        if reading is None:
            reading = self.read(text, language, mode)
        if vector is None and self._needs_model(reading, mode):
            vector = self.semantic.embed(text)  # type: ignore[union-attr]
        content = self.content
        places, memo = reading.places, reading.matches
        loose = places.where(any_number_is_postcode=True)
        question = generalise_places(text, loose.spans) if loose.spans else text
        judgement = self.judge(question, language, vector, mode, memo)
        topic = content.topics.get(judgement.topic_id or "")
        confident = judgement.outcome == "confident" and topic is not None
        asks_contact = confident and topic.kind == "contact"
        where = loose if asks_contact else places.where(any_number_is_postcode=False)
        if where.spans != loose.spans:  # a year, not a postcode: match the whole text again
            question = generalise_places(text, where.spans)
            judgement = self.judge(question, language, vector, mode, memo)
            topic = content.topics.get(judgement.topic_id or "")
            confident = judgement.outcome == "confident" and topic is not None

        if where.found and not set(question.split()) - {PLACE_WORD}:  # just a place or postcode
            return Resolution("contact", content.contact_topic_id, where=where, judgement=judgement)
        if where.outside_postcode and (not confident or topic.kind == "contact"):
            return Resolution("outside", where=where, judgement=judgement)
        if judgement.outcome == "offtopic" and not where.found:
            return Resolution("offtopic", judgement.topic_id, where=where, judgement=judgement)
        hidden = self._offtopic | self._smalltalk
        if confident and topic.kind != "offtopic":
            kind = {"contact": "contact", "open": "open", "smalltalk": "smalltalk"}.get(topic.kind, "topic")
            close = tuple(tid for tid in judgement.close if tid not in hidden)
            return Resolution(kind, topic.id, close, where=where, judgement=judgement)
        suggestions = tuple(tid for tid in judgement.suggestions if tid not in hidden)
        if judgement.outcome == "uncertain" and not where.found and suggestions:
            return Resolution("uncertain", suggestions[0], suggestions, where, judgement)
        return Resolution("none", judgement.topic_id, suggestions[:NEARBY], where=where, judgement=judgement)

    def explain(self, text: str, language: str = "nl", top: int = 3) -> list[str]:
        """Both scores, the top topics of each, and the decision with its reason (for staff)."""
        vector = self.embed(text)
        resolution = self.resolve(text, language, vector)
        judgement = resolution.judgement
        lexical = (judgement.lexical if judgement is not None and judgement.lexical is not None
                   else self.lexical.match(text, language))
        lines = [f"question: {text}",
                 f"lexical:  {lexical.outcome} (covers {lexical.coverage:.0%} of the question's weight)"]
        lines += [f"  {score:5.2f}  {tid}" for tid, score in lexical.ranked[:top]] or ["  (no topic shares a word)"]
        if vector is not None and self.semantic is not None:
            lines.append("semantic:")
            for tid, score in self.semantic.rank(vector)[:top]:
                example, _ = self.semantic.closest_example(vector, tid)
                lines.append(f"  {score:5.2f}  {tid}  (closest: {example!r})")
        if judgement is not None and judgement.semantic and self.classifier is not None:
            lines.append("classifier (probability):")
            lines += [f"  {score:5.2f}  {tid}" for tid, score in judgement.ranked[:top]]
        topic = f" {resolution.topic_id}" if resolution.topic_id else ""
        lines.append(f"decision: {resolution.kind}{topic}")
        if resolution.suggestions:
            lines.append(f"  buttons: {', '.join(resolution.suggestions)}")
        if resolution.where.found:
            lines.append(f"  place: stadsdeel {', '.join(resolution.where.stadsdeel_ids)}")
        if judgement is not None:
            lines.append(f"  reason: {judgement.reason}")
        return lines

    # ------------------------------------------------------------ the evidence

    def judge(self, question: str, language: str, vector: np.ndarray | None, mode: str = COMBINED,
              memo: dict[str, Match] | None = None) -> Judgement:
        lexical = None
        if mode != SEMANTIC:
            lexical = memo.get(question) if memo else None
            lexical = lexical or self.lexical.match(question, language)
        if lexical is not None and self._smalltalk_match(lexical):
            return Judgement("confident", lexical.ranked, "a greeting or thanks", lexical)
        if mode == LEXICAL or vector is None or self.semantic is None:
            if lexical is None:
                return Judgement("none", (), "no evidence")
            outcome = lexical.outcome
            if outcome == "confident" and lexical.topic_id in self._offtopic:
                outcome = "offtopic"
            return Judgement(outcome, lexical.ranked, f"lexical matcher: {lexical.outcome}", lexical,
                             suggestions=tuple(lexical.suggestions()), close=tuple(lexical.close_alternatives()))
        semantic = self.semantic.rank(vector)
        if mode == SEMANTIC or self.classifier is None:
            return self._semantic_only(semantic)
        return self._classified(lexical, semantic, vector, question)

    def _semantic_only(self, semantic: tuple[tuple[str, float], ...]) -> Judgement:
        (best, score), runner_up = semantic[0], semantic[1][1]

        def judged(outcome: str, why: str) -> Judgement:
            return Judgement(outcome, semantic, f"{why}; semantic {score:.2f}, ahead by {score - runner_up:.2f}",
                             semantic=semantic, suggestions=_offer(semantic, SEMANTIC_UNCERTAIN - 0.1),
                             close=_close(semantic))

        if best in self._offtopic and score >= OFFTOPIC_SEMANTIC:
            return judged("offtopic", "most like other municipal matters")
        if score >= SEMANTIC_CONFIDENT and score - runner_up >= SEMANTIC_MARGIN:
            return judged("confident", "clear and ahead")
        if score >= SEMANTIC_UNCERTAIN:
            return judged("uncertain", "fair, or not far ahead")
        return judged("none", "too low")

    def _classified(self, lexical: Match, semantic: tuple[tuple[str, float], ...], vector: np.ndarray,
                    question: str) -> Judgement:
        assert self.classifier is not None
        ranked = self.classifier.rank(self.classifier.features(vector, lexical, semantic, question))
        topics = tuple(item for item in ranked if item[0] != NONE)
        (best, chance), (runner_up, second) = ranked[0], ranked[1]
        lexical_best = f"{lexical.topic_id} {lexical.ranked[0][1]:.2f}" if lexical.ranked else "no topic"
        evidence = (f"classifier {best} {chance:.2f}, then {runner_up} {second:.2f}; lexical best {lexical_best} "
                    f"(covers {lexical.coverage:.0%}), semantic best {semantic[0][0]} {semantic[0][1]:.2f}")

        # Under an honest "I do not know": the topics nearest in meaning, in the classifier's order
        # (which may help, though none answers the question).
        similar = dict(semantic)
        nearby = tuple((tid, similar.get(tid, 0.0)) for tid, _ in topics)

        def judged(outcome: str, why: str, offered: tuple[tuple[str, float], ...] = topics,
                   floor: float = OFFER) -> Judgement:
            close = tuple(tid for tid, p in topics[1:SUGGESTIONS] if p >= CLOSE_ALTERNATIVE)
            return Judgement(outcome, topics, f"{why}; {evidence}", lexical, semantic,
                             suggestions=_offer(offered, floor), close=close)

        if lexical.outcome == "confident" and lexical.topic_id in self._offtopic:
            return judged("offtopic", "in the words of other municipal matters")
        sure_of_a_topic = best != NONE and best not in self._offtopic and best not in self._smalltalk \
            and chance >= FOREIGN_SURE
        if lexical.coverage < FOREIGN and semantic[0][1] < FOREIGN_SEMANTIC and not sure_of_a_topic:  # "🙂🙂"
            return judged("none", "hardly a word the FAQ knows, and no similar meaning", nearby, NEARBY_SEMANTIC)
        if semantic[0][1] < NO_MEANING and lexical.outcome != "confident":  # "*vet* [klik](http://…)"
            return judged("none", "nothing the FAQ knows is like it", nearby, NEARBY_SEMANTIC)
        other_matters = sum(p for tid, p in ranked if tid in self._offtopic)
        if best in self._offtopic or (best == NONE and other_matters >= OFFTOPIC):
            return judged("offtopic", "most like other municipal matters")
        if lexical.coverage < FOREIGN:
            says_enough = lexical.coverage > 0 or len(question.split()) >= 3  # not just "Ne zaman?" ("When?")
            if sure_of_a_topic and says_enough and not mostly_other_script(question):
                return judged("confident", "hardly a word the FAQ knows, but the classifier is very sure of one topic")
            return judged("uncertain", "hardly a word the FAQ knows (another language?), but a similar meaning")
        if mostly_other_script(question):  # Arabic around a Latin "wijkplatform" or "(subsidie)"
            return judged("uncertain", "written mostly in another script (another language), never a direct answer")
        if best == NONE:
            return judged("none", "most like questions the sources do not answer", nearby, NEARBY_SEMANTIC)
        if chance >= (SMALLTALK if best in self._smalltalk else CONFIDENT):
            return judged("confident", "clear")
        if chance >= UNCERTAIN:
            return judged("uncertain", "fair")
        return judged("none", "too unsure", nearby, NEARBY_SEMANTIC)


def mostly_other_script(text: str) -> bool:
    """Whether most words of ``text`` are not in Latin letters (Arabic, Cyrillic, Greek, …): another language,
    even when the FAQ's own words ("wijkplatform", "subsidie") stand among them in Latin letters."""
    words = [[ch for ch in word if ch.isalpha()] for word in text.split()]
    words = [letters for letters in words if letters]
    other = sum(not any(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters) for letters in words)
    return other * 2 > len(words)


def _offer(ranked: tuple[tuple[str, float], ...], floor: float) -> tuple[str, ...]:
    return tuple(tid for tid, score in ranked[:SUGGESTIONS] if score >= floor)


def _close(ranked: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
    """Topics scoring almost as high as the best (offered as buttons under the answer)."""
    best = ranked[0][1] if ranked else 0.0
    return tuple(tid for tid, score in ranked[1:SUGGESTIONS] if score >= CLOSE * best)


def resolve_with(content: Content, geography: Geography, matcher: FaqMatcher, text: str,
                 language: str) -> Resolution:
    """The lexical matcher's decision alone (tests and benchmarks without the sentence model)."""
    return Matcher(content, geography, matcher, None).resolve(text, language, mode=LEXICAL)
