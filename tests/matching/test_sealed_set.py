"""The sealed question set measures questions the classifier has never seen: none of them may be among the
training questions or the FAQ's examples (bench/faq.py --sealed would flatter the figure)."""

from pathlib import Path

import yaml

from content import load_content
from content.textfold import question_key
from matching.classifier import TRAINING_DIR

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _questions(path: Path) -> set[str]:
    return {question_key(str(item["q"])) for item in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]}


def test_no_sealed_question_is_trained_on() -> None:
    sealed = sorted(BENCH.glob("faq_fresh_*.yaml"))
    assert sealed, "bench/ holds the sealed set"
    seen: set[str] = set()
    for path in TRAINING_DIR.glob("*.yaml"):
        seen |= _questions(path)
    content = load_content()
    seen |= {question_key(text) for topic in content.topics.values() for lang in ("nl", "en")
             for text in topic.examples[lang]}
    for path in sealed:
        assert not _questions(path) & seen, f"{path.name} shares questions with the training data"


def test_the_same_question_is_the_same_whatever_its_case_and_punctuation_but_every_script_counts() -> None:
    assert question_key("Wat is Wijk aan Zet?") == question_key("wat is wijk aan zet")
    # fold() keeps only a to z: both of these would become "wijkplatform"
    assert question_key("ما هو الـ wijkplatform؟") != question_key("من يدير الـ wijkplatform؟")
    assert question_key("Что это?") != question_key("Как это?")
