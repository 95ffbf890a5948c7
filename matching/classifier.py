"""The topic classifier: learns from labelled resident questions which topic a question asks about.

The lexical matcher (lexical.py) and the sentence model (semantic.py) each say something about a
question; how much each says differs per topic and per phrasing, and no hand-set rule weighs that
well for phrasings nobody wrote before (issue 11: 70–80 % on fresh sets). A multinomial logistic
regression (scikit-learn) learns the weighing from examples: its features are the question's
sentence vector (512 numbers), the lexical and the semantic score of every topic, the lexical
coverage, and its letter n-grams (ngrams.py), which catch spelling, compounds and typos. Its classes
are the topics, ``andere-zaken`` (other municipal matters) and ``none``: about the change, but
the sources do not answer it.

It learns from the FAQ's own example questions and the labelled question sets in
``content/data/training/`` (written by people who did not read the FAQ, and resident questions).
Training takes about 22 s on 2 cores (6,994 questions); the weights are cached on disk, keyed by a hash
of everything that shapes them (the training questions, the FAQ, the matching code and the model's
version), so a start with unchanged content reads one small file. Only training imports scikit-learn.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from content.errors import ContentError
from content.loader import YAML_LOADER
from matching import diskcache
from matching.lexical import Match
from matching.ngrams import NgramVectorizer
from matching.semantic import ModelError

log = logging.getLogger(__name__)

TRAINING_DIR = Path(__file__).resolve().parent.parent / "content" / "data" / "training"
NONE = "none"  # label: about the change, but the sources do not answer it
OFFTOPIC = "offtopic"  # label in the training files: another municipal matter
REGULARISATION = 30.0  # scikit-learn's C: less regularisation was better in cross-validation
LEXICAL_WEIGHT = 1.0  # scale of the lexical scores beside the sentence vector
NGRAM_WEIGHT = 2.0  # scale of the letter n-grams (each question's TF-IDF vector has length 1)
VECTOR_SIZE = 512  # the sentence model's vectors
CACHE_PREFIX = "classifier-"
# Files whose code shapes the features: a change retrains the classifier.
FEATURE_CODE = ("lexical.py", "textanalysis.py", "places.py", "classifier.py", "ngrams.py")


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # a topic id or NONE
    group: str  # where it comes from: "faq" or the training file's name (cross-validation)


def load_training(topic_ids: Iterable[str], offtopic_id: str | None,
                  directory: Path = TRAINING_DIR) -> list[Example]:
    """The labelled questions of the training files. ``offtopic`` becomes the topic of other
    municipal matters; labels of topics the FAQ does not have (an overridden faq.yaml) are skipped."""
    known = set(topic_ids)
    examples: list[Example] = []
    skipped = 0
    for path in sorted(directory.glob("*.yaml")):
        try:
            items = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)["questions"]
            labelled = [(str(item["q"]), str(item["expect"])) for item in items]
        except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
            raise ContentError(f"training/{path.name}", "", "", f"is not a readable question set ({exc})") from exc
        for text, expect in labelled:
            label = offtopic_id if expect == OFFTOPIC else expect
            if label == NONE or label in known:
                examples.append(Example(text, label, path.stem))
            else:
                skipped += 1
    if skipped:
        log.warning("%d training questions name topics this FAQ does not have; they are skipped", skipped)
    return examples


@dataclass(frozen=True)
class Features:
    """What the classifier sees of a question: the dense part (:meth:`TopicClassifier.features`) and
    its letter n-grams (ngrams.py) as (column, weight) pairs."""

    dense: np.ndarray
    ngram_columns: np.ndarray
    ngram_weights: np.ndarray


class TopicClassifier:
    """Probabilities of each class for a question, from its features (:meth:`features`)."""

    def __init__(self, topic_ids: Sequence[str], classes: Sequence[str], coef: np.ndarray,
                 intercept: np.ndarray, ngrams: NgramVectorizer) -> None:
        self.topic_ids = tuple(topic_ids)  # the order of the lexical and semantic features
        self.classes = tuple(classes)
        self.ngrams = ngrams
        coef = np.asarray(coef, dtype=np.float32)
        self._dense = dense_size(len(self.topic_ids))
        self._coef = np.ascontiguousarray(coef[:, :self._dense])
        self._coef_ngrams = np.ascontiguousarray(coef[:, self._dense:])  # (classes, n-grams)
        self._intercept = np.asarray(intercept, dtype=np.float32)
        self._column = {tid: i for i, tid in enumerate(self.topic_ids)}

    def features(self, vector: np.ndarray, lexical: Match, semantic: Sequence[tuple[str, float]],
                 text: str) -> Features:
        """The sentence vector, each topic's lexical score, the lexical coverage, each topic's semantic
        score (the cosine with its closest example), and the letter n-grams of ``text``."""
        columns, weights = self.ngrams.transform(text)
        return Features(dense_features(self._column, vector, lexical, semantic), columns, weights * NGRAM_WEIGHT)

    def rank(self, features: Features) -> tuple[tuple[str, float], ...]:
        """Every class with its probability, most likely first."""
        logits = self._coef @ features.dense + self._intercept
        if len(features.ngram_columns):
            logits += self._coef_ngrams[:, features.ngram_columns] @ features.ngram_weights
        odds = np.exp(logits - logits.max())
        probabilities = odds / odds.sum()
        order = np.argsort(-probabilities)
        return tuple((self.classes[i], float(probabilities[i])) for i in order)

    @classmethod
    def train(cls, topic_ids: Sequence[str], dense: np.ndarray, texts: Sequence[str],
              labels: Sequence[str]) -> TopicClassifier:
        """Learn from the dense features (:func:`dense_features`) and the texts of labelled questions."""
        try:  # only here: a start from the cache skips scikit-learn and SciPy
            from scipy import sparse
            from sklearn.linear_model import LogisticRegression
        except ImportError as exc:
            raise ModelError(f"the classifier must be trained, but scikit-learn is not installed ({exc}); "
                             "install it with: pip install scikit-learn") from exc

        ngrams, matrix = NgramVectorizer.fit(texts)
        features = sparse.hstack([sparse.csr_matrix(dense), matrix * NGRAM_WEIGHT]).tocsr()
        model = LogisticRegression(C=REGULARISATION, max_iter=3000)
        model.fit(features, np.asarray(labels))
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # one row for the second class: as softmax, the first scores 0
            coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
        return cls(topic_ids, [str(c) for c in model.classes_], coef, intercept, ngrams)

    def save(self, file: io.BufferedWriter) -> None:
        np.savez(file, topic_ids=np.array(self.topic_ids), classes=np.array(self.classes),
                 coef=np.hstack([self._coef, self._coef_ngrams]), intercept=self._intercept,
                 vocabulary=np.array(self.ngrams.vocabulary), idf=self.ngrams.idf)

    @classmethod
    def load(cls, path: Path) -> TopicClassifier:
        with np.load(path, allow_pickle=False) as data:
            ngrams = NgramVectorizer([str(g) for g in data["vocabulary"]], data["idf"])
            return cls([str(t) for t in data["topic_ids"]], [str(c) for c in data["classes"]],
                       data["coef"], data["intercept"], ngrams)


def dense_size(topics: int) -> int:
    return VECTOR_SIZE + 2 * topics + 1


def dense_features(column: dict[str, int], vector: np.ndarray, lexical: Match,
                   semantic: Sequence[tuple[str, float]]) -> np.ndarray:
    """The sentence vector, then per topic (in ``column`` order) the lexical score, the coverage, then
    per topic the semantic score."""
    n = len(column)
    scores = np.zeros(2 * n + 1, dtype=np.float32)
    for tid, score in lexical.ranked:
        if tid in column:
            scores[column[tid]] = score * LEXICAL_WEIGHT
    scores[n] = lexical.coverage
    for tid, score in semantic:
        if tid in column:
            scores[n + 1 + column[tid]] = score
    return np.concatenate([np.asarray(vector, dtype=np.float32), scores])


_memo: dict[str, TopicClassifier] = {}


def fingerprint(parts: Iterable[str]) -> str:
    """A hash of everything that shapes a classifier (see :func:`cached`)."""
    digest = hashlib.sha256()
    for name in FEATURE_CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def cached(key: str, build: Callable[[], TopicClassifier], cache_dir: Path | None) -> TopicClassifier:
    """The classifier for ``key``: from this process's memory, the disk cache, or ``build``."""
    return diskcache.cached(_memo, key, cache_dir, CACHE_PREFIX, ".npz", TopicClassifier.load, build,
                            TopicClassifier.save)
