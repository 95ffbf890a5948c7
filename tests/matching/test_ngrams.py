"""The letter n-grams made at answer time agree with scikit-learn's, which made the vocabulary."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.ngrams import MIN_DF, SIZES, NgramVectorizer, char_ngrams

TEXTS = ["Hoeveel subsidie krijgt een wijkplatform?", "subsidie  aanvragen\\tvoor ons wijkplatform",
         "Wie is mijn gebiedsverbinder in Schalkwijk?", "ik wil subsidie subsidie subsidie", "a bc def",
         "Mahalle platformu için sübvansiyon?", "WIJKRAAD of Wijkplatform, wat is het verschil?"]


@pytest.mark.parametrize("text", TEXTS + ["", "   ", "x", "🙂🙂 ab"])
def test_ngrams_are_scikit_learns(text: str) -> None:
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=SIZES).build_analyzer()
    assert char_ngrams(text) == analyzer(text)


def test_tfidf_of_one_question_is_scikit_learns() -> None:
    vectorizer, matrix = NgramVectorizer.fit(TEXTS)
    learner = TfidfVectorizer(analyzer="char_wb", ngram_range=SIZES, sublinear_tf=True, min_df=MIN_DF)
    learner.fit(TEXTS)
    for row, text in enumerate(TEXTS + ["subsidie voor de wijk", "niets bekends: qqq"]):
        expected = learner.transform([text]).toarray()[0]
        columns, weights = vectorizer.transform(text)
        mine = np.zeros(len(vectorizer.vocabulary))
        mine[columns] = weights
        order = [learner.vocabulary_[g] for g in vectorizer.vocabulary]
        assert mine == pytest.approx(expected[order], abs=1e-6)
        if row < len(TEXTS):
            assert matrix[row].toarray()[0] == pytest.approx(mine, abs=1e-6)
