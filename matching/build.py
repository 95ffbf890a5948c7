"""Putting the matching engine together: the lexical matcher, the sentence model and the classifier
trained on both (classifier.py)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from content.geography import Geography
from content.model import Content
from matching import classifier as clf
from matching.classifier import Example, TopicClassifier
from matching.decision import Matcher
from matching.lexical import FaqMatcher
from matching.places import generalise_places, where_from_text
from matching.semantic import PACKAGE, SemanticScorer, cached_embeddings, model_version, shared_encoder
from matching.textanalysis import TextAnalyzer

TRAINING_CACHE_PREFIX = "training-embeddings-"


def build_matcher(content: Content, geography: Geography, cache_dir: Path | None = None,
                  training: Sequence[Example] | None = None) -> Matcher:
    """The matching engine; raises matching.semantic.ModelError when the sentence model cannot load.
    ``training`` defaults to the FAQ's examples and the bundled training questions."""
    lexical = FaqMatcher(content.topics.values(), TextAnalyzer(content.synonyms))
    semantic = SemanticScorer(content.topics.values(), shared_encoder(), cache_dir)
    matcher = Matcher(content, geography, lexical, semantic)
    if training is None:
        training = faq_examples(content) + load_bundled(content)
    return matcher.with_classifier(train_classifier(matcher, training, cache_dir))


def offtopic_id(content: Content) -> str | None:
    return next((t.id for t in content.topics.values() if t.kind == "offtopic"), None)


def faq_examples(content: Content) -> list[Example]:
    """The FAQ's own example questions, labelled with their topic."""
    return [Example(text, topic.id, "faq") for topic in content.topics.values()
            for lang in ("nl", "en") for text in topic.examples[lang]]


def load_bundled(content: Content) -> list[Example]:
    return clf.load_training(content.topics, offtopic_id(content))


def train_classifier(matcher: Matcher, training: Sequence[Example], cache_dir: Path | None) -> TopicClassifier:
    """The classifier learnt from ``training`` (cached on disk, see classifier.cached)."""
    content = matcher.content
    topic_ids = list(content.topics)
    try:
        learner = metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        learner = "unknown"
    # the classifier's constants are in its code, which the fingerprint reads too
    key = clf.fingerprint([PACKAGE, model_version(), learner,
                           repr(sorted(content.topics.items())), repr(sorted(content.synonyms.items())),
                           repr(sorted(content.wijken.items())), *(f"{e.label}\t{e.text}" for e in training)])

    def build() -> TopicClassifier:
        texts = [e.text for e in training]
        vectors = cached_embeddings(matcher.semantic.encoder, texts, cache_dir, TRAINING_CACHE_PREFIX)
        column = {tid: i for i, tid in enumerate(topic_ids)}
        general = [_general(matcher, text) for text in texts]
        dense = np.vstack([clf.dense_features(column, vector, matcher.lexical.match(question, "nl"),
                                              matcher.semantic.rank(vector))
                           for question, vector in zip(general, vectors)])
        return TopicClassifier.train(topic_ids, dense, general, [e.label for e in training])

    return clf.cached(key, build, cache_dir)


def _general(matcher: Matcher, text: str) -> str:
    """The question as the decision reads it: places replaced by one word (decision.resolve)."""
    where = where_from_text(matcher.geography, text, any_number_is_postcode=True)
    return generalise_places(text, where.spans) if where.spans else text
