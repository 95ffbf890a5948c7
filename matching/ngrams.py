"""Letter n-grams of a question, weighted by TF-IDF: the classifier's view of how it is spelled.

Whole words miss "subsidieaanvraag" against "subsidie aanvragen", typos ("subsdie") and Dutch
compounds; pieces of three to five letters inside each word catch them. Fitting the vocabulary and
its weights is scikit-learn's ``TfidfVectorizer(analyzer="char_wb")`` (at training time only);
turning one question into its n-grams at answer time is done here, the same way, so a start from the
cache never imports scikit-learn. tests/matching/test_ngrams.py checks both agree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

SIZES = (3, 5)  # n-grams of 3, 4 and 5 characters, inside words (padded with a space)
MIN_DF = 2  # an n-gram in only one training question says nothing general
_SPACES = re.compile(r"\s\s+")


def char_ngrams(text: str) -> list[str]:
    """The n-grams of ``text`` as scikit-learn's ``char_wb`` analyzer makes them (lowercased)."""
    grams: list[str] = []
    low, high = SIZES
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:  # a short word counts once, whole
                grams.append(padded)
                break
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


class NgramVectorizer:
    """Sublinear TF-IDF over the training vocabulary of n-grams, each question scaled to length 1."""

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray) -> None:
        self.vocabulary = tuple(vocabulary)
        self.idf = np.asarray(idf, dtype=np.float32)
        self._index = {gram: i for i, gram in enumerate(self.vocabulary)}

    def transform(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The question's (column, weight) pairs: the non-zero part of its TF-IDF vector."""
        index = self._index
        known = [(index[gram], count) for gram, count in Counter(char_ngrams(text)).items() if gram in index]
        if not known:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        columns = np.fromiter((column for column, _ in known), dtype=np.int64, count=len(known))
        counts = np.fromiter((count for _, count in known), dtype=np.float64, count=len(known))
        weights = (1.0 + np.log(counts)).astype(np.float32) * self.idf[columns]
        return columns, weights / np.linalg.norm(weights)

    @classmethod
    def fit(cls, texts: Sequence[str]):  # -> tuple[NgramVectorizer, scipy.sparse matrix]
        """Learn the vocabulary and weights from ``texts``; also return their TF-IDF matrix."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        learner = TfidfVectorizer(analyzer="char_wb", ngram_range=SIZES, sublinear_tf=True, min_df=MIN_DF,
                                  lowercase=True, dtype=np.float32)
        matrix = learner.fit_transform(texts)
        vocabulary = sorted(learner.vocabulary_, key=learner.vocabulary_.__getitem__)
        return cls(vocabulary, learner.idf_), matrix
