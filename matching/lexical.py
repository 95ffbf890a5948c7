"""Which FAQ topic does a question ask about, and how sure are we?

Every example question (and title) of a topic is a small document; the whole topic
(examples, title and, with less weight, its answer) is a larger one. A question
is compared with both by TF-IDF cosine similarity. Words the FAQ has never seen
count against a match, so a question about something else ("parkeervergunning")
falls through to an honest "I don't know" instead of a guess.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from content.model import Topic
from content.textfold import fold
from matching.textanalysis import CONCEPT_PREFIX, TextAnalyzer

EXAMPLE_WEIGHT = 0.8  # best single example question
TOPIC_WEIGHT = 0.2  # the topic as a whole
ANSWER_WEIGHT = 0.5  # answer words count half in the topic document

CONFIDENT = 0.4  # at least this score ...
MARGIN = 0.01  # ... and ahead of the next topic by this share of its score: answer directly
UNCERTAIN = 0.38  # at least this: "Did you mean ...?"
# A direct answer needs the topic to know this share of the question's weight; a word the
# FAQ has never seen ("leden", "parkeervergunning") weighs a lot and so blocks a confident guess.
COVERAGE = 0.4
UNSEEN_WEIGHT = 1.0  # weight of a word the FAQ never saw, relative to the rarest known word
GENERIC_WEIGHT = 0.3  # ... and of such a word that is common in everyday language ("mogelijk")
# A word of the example questions that is also common in everyday language ("werkt", "blijven",
# "maken") says less about the topic than its rarity among the few examples suggests.
COMMON_ASKED_WEIGHT = 0.6
SUGGESTIONS = 3
CLOSE = 0.9  # a topic this close to the best is offered under the answer
SMALLTALK_MAX_WORDS = 8  # "hoi", "dank u wel voor uw antwoord": short texts only
SMALLTALK_CUTOFF = 80
SMALLTALK_LENIENT_CUTOFF = 95


@dataclass(frozen=True)
class Match:
    outcome: str  # "confident" | "uncertain" | "none"
    ranked: tuple[tuple[str, float], ...]  # (topic id, score), best first
    # share of the question's weight the best topic knows (low: words of another subject)
    coverage: float = 0.0

    @property
    def topic_id(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None

    def suggestions(self) -> list[str]:
        return [tid for tid, score in self.ranked[:SUGGESTIONS] if score >= UNCERTAIN * 0.75]

    def close_alternatives(self) -> list[str]:
        """Other topics that scored almost as high as the best one (offered as buttons)."""
        if not self.ranked:
            return []
        best = self.ranked[0][1]
        return [tid for tid, score in self.ranked[1:SUGGESTIONS] if score >= CLOSE * best]


class _Index:
    """TF-IDF vectors of documents, scored against a query with NumPy.

    Documents are grouped by owner (topic) so the best document per owner is one
    ``maximum.reduceat`` away.
    """

    def __init__(self, docs: list[tuple[str, Counter[str]]], idf: dict[str, float],
                 columns: dict[str, int]) -> None:
        docs = sorted(docs, key=lambda doc: doc[0])  # owners contiguous
        self.matrix = np.zeros((len(docs), len(columns)), dtype=np.float64)
        for row, (_, counts) in enumerate(docs):
            weights = {t: (1 + math.log(c)) * idf[t] for t, c in counts.items() if c > 0}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for term, weight in weights.items():
                self.matrix[row, columns[term]] = weight / norm
        owners = [owner for owner, _ in docs]
        self.starts = np.array([i for i, o in enumerate(owners) if i == 0 or owners[i - 1] != o])
        self.owners = [owners[i] for i in self.starts]

    def best_per_owner(self, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
        scores = self.matrix[:, columns] @ weights
        return np.maximum.reduceat(scores, self.starts)


class FaqMatcher:
    def __init__(self, topics: Iterable[Topic], analyzer: TextAnalyzer) -> None:
        self.analyzer = analyzer
        topics = list(topics)
        # Greetings and thanks are matched as whole short texts, not by their (few) words:
        # otherwise "wie ben jij" would pull every question with "wie" in it.
        self._smalltalk = {
            fold(text): topic.id
            for topic in topics if topic.kind == "smalltalk"
            for lang in ("nl", "en") for text in topic.examples[lang]
        }
        self._smalltalk_keys = list(self._smalltalk)
        topics = [t for t in topics if t.kind != "smalltalk"]
        analyzer.learn(
            text
            for topic in topics
            for lang in ("nl", "en")
            for text in (*topic.examples[lang], topic.title.get(lang), topic.answer.get(lang))
        )
        examples: list[tuple[str, Counter[str]]] = []
        topic_docs: list[tuple[str, Counter[str]]] = []
        for topic in topics:
            whole: Counter[str] = Counter()
            for lang in ("nl", "en"):
                for text in (*topic.examples[lang], topic.title.get(lang)):
                    terms = Counter(analyzer.terms(text, lang, correct=False))
                    examples.append((topic.id, terms))
                    whole.update(terms)
            answer_terms: Counter[str] = Counter()
            for lang in ("nl", "en"):
                answer_terms.update(analyzer.terms(topic.answer.get(lang), lang, correct=False))
            for term, count in answer_terms.items():
                whole[term] += count * ANSWER_WEIGHT
            topic_docs.append((topic.id, whole))

        df: Counter[str] = Counter()
        for _, counts in examples:
            df.update(counts.keys())
        self._asked_terms = set(df)  # terms of the example questions and titles
        for _, counts in topic_docs:  # answer-only words get a document frequency too
            df.update(t for t in counts if t not in df)
        n = len(examples)
        self._idf = {t: math.log((n + 1) / (d + 1)) + 1 for t, d in df.items()}
        self._unknown_idf = (math.log(n + 1) + 1) * UNSEEN_WEIGHT
        # "hoi", "bedankt" around a question ("hoi, wat is een wijkplatform") are not its subject.
        self._smalltalk_terms = {
            term for text in self._smalltalk_keys for term in analyzer.terms(text, correct=False)
        }
        self._courtesy_terms = self._smalltalk_terms - set(self._idf)
        self._columns = {term: i for i, term in enumerate(sorted(self._idf))}
        self._examples = _Index(examples, self._idf, self._columns)
        self._topics = _Index(topic_docs, self._idf, self._columns)
        assert self._examples.owners == self._topics.owners
        self._topic_terms = {tid: set(counts) for tid, counts in topic_docs}

    def query_vector(self, text: str, language: str) -> dict[str, float]:
        counts = Counter(self.analyzer.terms(text, self.analyzer.language_of(text, language)))
        weights = {t: (1 + math.log(c)) * self._term_weight(t) for t, c in counts.items()
                   if t not in self._courtesy_terms}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    def _term_weight(self, term: str) -> float:
        """IDF for words residents ask with, less for everyday words; a word seen only in answers,
        or never, weighs like a word of another subject unless it is common in everyday language.
        Concepts (the synonyms file) are the FAQ's own subjects and always count in full."""
        generic = term in self.analyzer.generic_terms and not term.startswith(CONCEPT_PREFIX)
        if term in self._asked_terms:
            return self._idf[term] * (COMMON_ASKED_WEIGHT if generic else 1)
        return self._unknown_idf * (GENERIC_WEIGHT if generic else 1)

    def smalltalk(self, text: str) -> str | None:
        """The smalltalk topic of a short text: like one of its examples as a whole ("dankjewel"),
        or containing one when the other words say nothing the FAQ knows ("top, dank je",
        "wie ben jij eigenlijk"; not "hoi, wie is mijn gebiedsverbinder")."""
        folded = fold(text)
        if not folded or len(folded.split()) > SMALLTALK_MAX_WORDS:
            return None
        hit = process.extractOne(folded, self._smalltalk_keys, scorer=fuzz.ratio, score_cutoff=SMALLTALK_CUTOFF)
        if hit:
            return self._smalltalk[hit[0]]
        hit = process.extractOne(folded, self._smalltalk_keys, scorer=fuzz.token_set_ratio,
                                 score_cutoff=SMALLTALK_LENIENT_CUTOFF)
        if not hit:
            return None
        example = set(hit[0].split())
        rest = " ".join(word for word in folded.split() if word not in example)
        rest_terms = set(self.analyzer.terms(rest, correct=False)) - self._smalltalk_terms
        if rest_terms & self._asked_terms:
            return None
        return self._smalltalk[hit[0]]

    def _rank(self, query: dict[str, float]) -> tuple[tuple[str, float], ...]:
        """Topics that share a term with the query, best first."""
        known = [(self._columns[t], w) for t, w in query.items() if t in self._columns]
        if not known:
            return ()
        columns = np.array([c for c, _ in known])
        weights = np.array([w for _, w in known])
        scores = (EXAMPLE_WEIGHT * self._examples.best_per_owner(columns, weights)
                  + TOPIC_WEIGHT * self._topics.best_per_owner(columns, weights))
        order = np.argsort(-scores)
        return tuple((self._examples.owners[i], float(scores[i])) for i in order if scores[i] > 0)

    def match(self, text: str, language: str = "nl") -> Match:
        smalltalk = self.smalltalk(text)
        if smalltalk:
            return Match("confident", ((smalltalk, 1.0),), 1.0)
        query = self.query_vector(text, language)
        if not query:
            return Match("none", ())
        ranked = self._rank(query)
        if not ranked:
            return Match("none", ())
        best = ranked[0][1]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        topic_terms = self._topic_terms[ranked[0][0]]
        coverage = sum(w * w for t, w in query.items() if t in topic_terms)
        if coverage < COVERAGE:
            return Match("none", ranked, coverage)  # about something the FAQ does not know
        if best >= CONFIDENT and best - runner_up >= MARGIN * best:
            return Match("confident", ranked, coverage)
        if best >= UNCERTAIN:
            return Match("uncertain", ranked, coverage)
        return Match("none", ranked, coverage)
