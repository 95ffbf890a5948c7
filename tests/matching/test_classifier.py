"""The topic classifier: its training questions, its cache, and the decision it drives."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from content.errors import ContentError
from matching import classifier
from matching.classifier import NONE, TopicClassifier, cached, load_training
from matching.lexical import Match
from matching.semantic import ModelError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_training_labels_map_offtopic_and_skip_unknown_topics(tmp_path: Path, caplog) -> None:
    write(tmp_path / "set.yaml", 'questions:\n  - {q: "subsidie?", expect: geld}\n'
                                 '  - {q: "paspoort", expect: offtopic}\n  - {q: "kernteam loon", expect: none}\n'
                                 '  - {q: "weg", expect: verdwenen-topic}\n')
    with caplog.at_level(logging.WARNING):
        examples = load_training(["geld", "anders"], "anders", tmp_path)
    assert [(e.text, e.label, e.group) for e in examples] == [
        ("subsidie?", "geld", "set"), ("paspoort", "anders", "set"), ("kernteam loon", NONE, "set")]
    assert "1 training questions name topics this FAQ does not have" in caplog.text


@pytest.mark.parametrize("text", ["questions: [", "vragen: []\n", 'questions:\n  - {vraag: "x"}\n'])
def test_a_broken_training_file_is_a_content_error_naming_it(tmp_path: Path, text: str) -> None:
    write(tmp_path / "kapot.yaml", text)
    with pytest.raises(ContentError, match="training/kapot.yaml"):
        load_training(["geld"], None, tmp_path)


def test_bundled_training_sets_name_only_known_topics(content) -> None:
    examples = load_training(content.topics, "andere-zaken")
    assert len(examples) > 2000
    assert {e.label for e in examples} <= set(content.topics) | {NONE}


def tiny() -> TopicClassifier:
    """Two topics told apart by the first numbers of the sentence vector, or by their spelling."""
    dense = np.zeros((40, 512 + 2 * 2 + 1), dtype=np.float32)
    dense[:20, 0] = 1.0
    dense[20:, 1] = 1.0
    texts = ["subsidie aanvragen"] * 20 + ["kernteam samenstellen"] * 20
    return TopicClassifier.train(["a", "b"], dense, texts, ["a"] * 20 + ["b"] * 20)


def test_rank_gives_probabilities_best_first() -> None:
    model = tiny()
    vector = np.zeros(512, dtype=np.float32)
    vector[1] = 1.0
    ranked = model.rank(model.features(vector, Match("none", ()), (), "iets anders"))
    assert [label for label, _ in ranked] == ["b", "a"]
    assert ranked[0][1] > 0.6 and sum(p for _, p in ranked) == pytest.approx(1.0)


def test_spelling_counts_too() -> None:
    """With a neutral sentence vector, the letter n-grams decide, also with a typo."""
    model = tiny()
    vector = np.zeros(512, dtype=np.float32)
    assert model.rank(model.features(vector, Match("none", ()), (), "subsdie aanvraag"))[0][0] == "a"
    assert model.rank(model.features(vector, Match("none", ()), (), "het kernteam"))[0][0] == "b"


def test_features_place_lexical_and_semantic_scores_by_topic() -> None:
    model = tiny()
    features = model.features(np.zeros(512), Match("confident", (("b", 0.7), ("a", 0.2)), 0.6),
                              (("a", 0.5), ("b", 0.4)), "")
    assert features.dense[512:].tolist() == pytest.approx([0.2, 0.7, 0.6, 0.5, 0.4])
    assert len(features.ngram_columns) == 0


def test_trained_once_then_read_from_disk(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(classifier, "_memo", {})
    built: list[int] = []

    def build() -> TopicClassifier:
        built.append(1)
        return tiny()

    first = cached("key1", build, tmp_path)
    assert built == [1] and list(tmp_path.glob("classifier-key1.npz"))
    assert cached("key1", build, tmp_path) is first  # this process: from memory
    monkeypatch.setattr(classifier, "_memo", {})
    again = cached("key1", build, tmp_path)  # a new start: from disk
    assert built == [1] and again.classes == first.classes and again.ngrams.vocabulary == first.ngrams.vocabulary
    features = first.features(np.ones(512), Match("none", ()), (), "subsidie kernteam")
    assert [label for label, _ in again.rank(features)] == [label for label, _ in first.rank(features)]
    assert [p for _, p in again.rank(features)] == pytest.approx([p for _, p in first.rank(features)])
    cached("key2", build, tmp_path)  # other content: trained again, the old file cleared away
    assert built == [1, 1] and [p.name for p in tmp_path.glob("classifier-*")] == ["classifier-key2.npz"]


def test_an_unreadable_cache_file_is_trained_again(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(classifier, "_memo", {})
    write(tmp_path / "classifier-key.npz", "no numpy file")
    model = cached("key", tiny, tmp_path)
    assert model.classes == ("a", "b")


def test_fingerprint_changes_with_the_training_questions() -> None:
    assert classifier.fingerprint(["a\tx"]) == classifier.fingerprint(["a\tx"])
    assert classifier.fingerprint(["a\tx"]) != classifier.fingerprint(["a\ty"])


def test_training_without_scikit_learn_is_a_one_line_model_error(monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ModelError, match="scikit-learn is not installed"):
        TopicClassifier.train(["a", "b"], np.zeros((2, 517)), ["x", "y"], ["a", "b"])
