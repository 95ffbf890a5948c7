"""The decision: how to answer a question, from where it points to and what it is about.

Two kinds of evidence say what a question is about:

- the lexical matcher (lexical.py): TF-IDF over the FAQ's own words, exact about names
  ("initiatiefraad", "wijkraad") and strict about words of other subjects ("paspoort");
- the semantic scorer (semantic.py): a multilingual sentence model, which recognises phrasings
  nobody wrote before, also in Turkish or Polish, but finds every question a bit like something.

Each topic gets a joint score: the lexical score plus the semantic score above what any sentence
scores by chance (``SEMANTIC_FLOOR``), weighted. The best topic is answered directly when the joint
score is clear and ahead, with a question "Bedoelt u…?" when it is only fair, and honestly not at all
when it is low. Questions about other municipal matters (passports, waste, parking) resemble the
example questions of the FAQ's one ``offtopic`` topic: they get the municipality's general contact,
never a topic answer. Every decision carries its reason, for ``wijkwijzer explain``.

The lexical matcher runs first: when it is confident, high and far ahead, the words alone decide and
the model is not asked (it never turned such a question on the development sets; about half of all
questions, each saving the model's 2 ms). A question in another language never gets a direct answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from content.geography import Geography
from content.model import Content
from matching.lexical import FaqMatcher, Match
from matching.places import PLACE_WORD, Where, generalise_places, read_places
from matching.semantic import SemanticScorer

NEARBY = 2  # topics offered under an honest "I do not know"
SUGGESTIONS = 3  # topics offered under "Did you mean…?"
CLOSE = 0.9  # a topic this close to the best is offered under the answer

LEXICAL, SEMANTIC, COMBINED = "lexical", "semantic", "combined"
MODES = (LEXICAL, SEMANTIC, COMBINED)

# Calibrated on the development sets and the fresh set A (bench/faq.py), never on set B.
# Lexically decisive: a confident lexical match this high and this far ahead is answered without
# asking the sentence model (it never turned such a question on the development sets).
DECISIVE_SCORE = 0.6
DECISIVE_MARGIN = 0.2
SEMANTIC_WEIGHT = 2.0  # joint = lexical + SEMANTIC_WEIGHT * (semantic - SEMANTIC_FLOOR)
SEMANTIC_FLOOR = 0.3  # cosine that unrelated sentences reach anyway
JOINT_CONFIDENT = 0.6  # a direct answer needs this joint score ...
JOINT_MARGIN = 0.01  # ... ahead of the next topic by at least this much
# A direct answer also needs the best topic to know this share of the question's weight (lexical
# coverage): a question leaning on words the FAQ never saw ("parkeervergunning", "voorzitter") is
# about something else ...
COVERAGE = 0.4
SEMANTIC_ALONE = 0.8  # ... unless its meaning alone is this close to the topic.
# A question in a language the FAQ has no words for (Turkish, Polish: coverage below FOREIGN) gets
# "Did you mean…?" with the sentence model's best topics, when the best reaches FOREIGN_SEMANTIC.
FOREIGN = 0.1
FOREIGN_SEMANTIC = 0.5
FOREIGN_MASKED = 0.7  # weight of the question without the FAQ's subject words (_foreign_rank)
FOREIGN_OFFER = 0.35  # a topic offered under "Did you mean…?" for such a question scores at least this
SUBJECT_WORDS = re.compile(r"\w*(?:wijk|platform)\w*", re.IGNORECASE)
OFFTOPIC_SEMANTIC = 0.45  # semantic score at which "most like other municipal matters" counts
OFFTOPIC_CLOSE = 0.1  # no direct answer when other municipal matters score this close to the best topic
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
                 semantic: SemanticScorer | None) -> None:
        self.content = content
        self.geography = geography
        self.lexical = lexical
        self.semantic = semantic
        self._offtopic = frozenset(t.id for t in content.topics.values() if t.kind == "offtopic")
        self._smalltalk = frozenset(t.id for t in content.topics.values() if t.kind == "smalltalk")

    def embed(self, text: str) -> np.ndarray | None:
        return self.semantic.embed(text) if self.semantic is not None else None

    async def resolve_async(self, text: str, language: str, mode: str = COMBINED) -> Resolution:
        """:meth:`resolve`, with the sentence model's work (when needed) off the event loop."""
        memo = self._read(text, language) if mode != SEMANTIC else {}
        vector = None
        if self._needs_model(memo, mode):
            vector = await self.semantic.embed_async(text)  # type: ignore[union-attr]
        return self.resolve(text, language, vector, mode, memo)

    def _read(self, text: str, language: str) -> dict[str, Match]:
        """The lexical matches of the question, with places read both ways (a number as a
        postcode or not), as :meth:`resolve` will need them."""
        memo: dict[str, Match] = {}
        reading = read_places(self.geography, text)
        for postcode in (True, False):
            where = reading.where(any_number_is_postcode=postcode)
            question = generalise_places(text, where.spans) if where.spans else text
            if question not in memo:
                memo[question] = self.lexical.match(question, language)
        return memo

    def _needs_model(self, memo: dict[str, Match], mode: str) -> bool:
        """The model is asked unless the words alone decide (every reading lexically decisive):
        about half of the questions, which the model's opinion never turned (bench/faq.py)."""
        if self.semantic is None or mode == LEXICAL:
            return False
        return mode == SEMANTIC or not all(self._decisive(match) for match in memo.values())

    def _decisive(self, match: Match) -> bool:
        if match.outcome != "confident" or match.topic_id in self._offtopic | self._smalltalk:
            return False
        runner_up = match.ranked[1][1] if len(match.ranked) > 1 else 0.0
        return match.ranked[0][1] >= DECISIVE_SCORE and match.ranked[0][1] - runner_up >= DECISIVE_MARGIN

    def resolve(self, text: str, language: str, vector: np.ndarray | None = None,
                mode: str = COMBINED, memo: dict[str, Match] | None = None) -> Resolution:
        """Decide how to answer ``text``: a topic, a gebiedsverbinder, a doubt, honest ignorance,
        or the general contact for other municipal matters. ``memo`` holds the lexical matches
        (:meth:`_read`) when already made."""
        if memo is None:
            memo = self._read(text, language) if mode != SEMANTIC else {}
        if vector is None and self._needs_model(memo, mode):
            vector = self.semantic.embed(text)  # type: ignore[union-attr]
        content = self.content
        reading = read_places(self.geography, text)
        loose = reading.where(any_number_is_postcode=True)
        question = generalise_places(text, loose.spans) if loose.spans else text
        judgement = self.judge(question, language, vector, mode, memo)
        topic = content.topics.get(judgement.topic_id or "")
        confident = judgement.outcome == "confident" and topic is not None
        asks_contact = confident and topic.kind == "contact"
        where = loose if asks_contact else reading.where(any_number_is_postcode=False)
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
        joint = judgement.ranked if judgement is not None and judgement.semantic else ()
        if not joint and vector is not None and self.semantic is not None and lexical.ranked:
            joint = self._combined(lexical, self.semantic.rank(vector)).ranked  # shown, not needed
        if joint:
            lines.append("joint:")
            lines += [f"  {score:5.2f}  {tid}" for tid, score in joint[:top]]
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
            if mode == COMBINED and self._decisive(lexical):
                why = (f"the words alone decide (lexical {lexical.ranked[0][1]:.2f}, ahead by at least "
                       f"{DECISIVE_MARGIN}); the model was not asked")
                return Judgement("confident", lexical.ranked, why, lexical,
                                 suggestions=tuple(lexical.suggestions()), close=tuple(lexical.close_alternatives()))
        if lexical is not None and lexical.outcome == "confident" and lexical.topic_id in self._smalltalk:
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
        if mode == SEMANTIC:
            return self._semantic_only(semantic)
        return self._combined(lexical, semantic, question)

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

    def _foreign_rank(self, question: str, semantic: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
        """The model's ranking of a question in another language, with the FAQ's own Dutch subject
        words ("wijkplatformu") mostly set aside: in a Polish or Turkish sentence they outweigh the
        words that say what is asked ("dotacja", "sübvansiyon"), and every topic is about wijkplatforms."""
        masked = SUBJECT_WORDS.sub(" ", question)
        if masked == question or not masked.strip() or self.semantic is None:
            return semantic
        full = dict(semantic)
        blended = ((tid, (1 - FOREIGN_MASKED) * full[tid] + FOREIGN_MASKED * score)
                   for tid, score in self.semantic.rank(self.semantic.embed(masked)))
        return tuple(sorted(blended, key=lambda item: -item[1]))

    def _combined(self, lexical: Match, semantic: tuple[tuple[str, float], ...], question: str = "") -> Judgement:
        lexical_scores = dict(lexical.ranked)
        joint = tuple(sorted(((tid, lexical_scores.get(tid, 0.0) + SEMANTIC_WEIGHT * (score - SEMANTIC_FLOOR))
                              for tid, score in semantic), key=lambda item: -item[1]))
        best, score = joint[0]
        runner_up = joint[1][1]
        semantic_best = dict(semantic)[best]
        evidence = (f"joint {score:.2f} (lexical {lexical_scores.get(best, 0.0):.2f}, semantic {semantic_best:.2f}),"
                    f" ahead by {score - runner_up:.2f}; the question's words known to the best lexical topic: "
                    f"{lexical.coverage:.0%}")

        def judged(outcome: str, why: str, ranked: tuple[tuple[str, float], ...] = joint,
                   floor: float = JOINT_CONFIDENT * 0.75) -> Judgement:
            return Judgement(outcome, ranked, f"{why}; {evidence}", lexical, semantic,
                             suggestions=_offer(ranked, floor), close=_close(ranked))

        if best in self._offtopic and (semantic_best >= OFFTOPIC_SEMANTIC or lexical.topic_id == best):
            return judged("offtopic", "most like other municipal matters")
        if lexical.outcome == "confident" and lexical.topic_id in self._offtopic:
            return judged("offtopic", "in the words of other municipal matters")
        offtopic_close = any(tid in self._offtopic and score - joint_score <= OFFTOPIC_CLOSE
                             for tid, joint_score in joint[1:SUGGESTIONS])
        if lexical.coverage < FOREIGN:  # never a direct answer: the model alone is not sure enough
            if semantic[0][1] < FOREIGN_SEMANTIC:
                return judged("none", "hardly a word the FAQ knows, and no similar meaning")
            return judged("uncertain", "hardly a word the FAQ knows (another language?), but a similar meaning",
                          self._foreign_rank(question, semantic), FOREIGN_OFFER)
        if score >= JOINT_CONFIDENT and score - runner_up >= JOINT_MARGIN and not offtopic_close:
            if lexical.coverage >= COVERAGE:
                return judged("confident", "clear and ahead, in words the FAQ knows")
            if semantic_best >= SEMANTIC_ALONE:
                return judged("confident", "clear and ahead; the meaning is close though some words are unknown")
        if score >= JOINT_CONFIDENT:
            return judged("none", "the question leans on words the FAQ does not know")
        return judged("none", "too low")


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
