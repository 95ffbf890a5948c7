"""FAQ matching benchmark: accuracy on labelled questions the FAQ has never seen, and speed.

Usage: python bench/faq.py [--show-errors] [--questions FILE]

faq_questions.yaml is the test set whose figures are reported; faq_dev.yaml is for finding gaps
while improving the content (tuning on the test set would flatter the figures).

Prints top-1 accuracy on answerable questions, the honest-fallback rate on questions the
sources do not answer (or that are off-topic), and milliseconds per question. Goals (issue 2):
>= 90% correct, >= 90% honest fallback, < 5 ms per question.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content import load_content  # noqa: E402
from content.geography import Geography  # noqa: E402
from flows.faq import resolve_with  # noqa: E402
from flows.faq_matcher import FaqMatcher  # noqa: E402
from flows.textanalysis import TextAnalyzer  # noqa: E402

QUESTIONS = Path(__file__).with_name("faq_questions.yaml")


def predicted_label(content, resolution) -> str:
    if resolution.kind in ("topic", "open", "smalltalk"):
        return resolution.topic_id
    if resolution.kind == "contact":
        return content.contact_topic_id
    if resolution.kind in ("none", "outside"):
        return "none"
    return "uncertain"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    args = parser.parse_args()

    content = load_content()
    geography = Geography(content)
    matcher = FaqMatcher(content.topics.values(), TextAnalyzer(content.synonyms))
    items = yaml.safe_load(args.questions.read_text(encoding="utf-8"))["questions"]
    for item in items:
        if item["expect"] != "none" and item["expect"] not in content.topics:
            raise SystemExit(f"unknown topic in {args.questions.name}: {item['expect']}")

    answerable = [i for i in items if i["expect"] != "none"]
    unanswerable = [i for i in items if i["expect"] == "none"]
    correct = fallback = uncertain = 0
    errors = []
    for item in items:
        resolution = resolve_with(content, geography, matcher, item["q"], "nl")
        label = predicted_label(content, resolution)
        uncertain += label == "uncertain"
        if item["expect"] == "none":
            honest = label == "none" or (resolution.kind == "open")
            fallback += honest
            if not honest:
                errors.append((item["q"], "none", label))
        elif label == item["expect"]:
            correct += 1
        else:
            errors.append((item["q"], item["expect"], label))

    # Speed: every question 20 times, after one warm-up pass (caches as in a running bot).
    timings = []
    for _ in range(20):
        for item in items:
            start = time.perf_counter()
            resolve_with(content, geography, matcher, item["q"], "nl")
            timings.append((time.perf_counter() - start) * 1000)

    print(f"questions: {len(items)} ({len(answerable)} answerable, {len(unanswerable)} unanswerable/off-topic)")
    print(f"top-1 accuracy (answerable):       {correct / len(answerable):6.1%}  ({correct}/{len(answerable)})")
    print(f"honest fallback (unanswerable):    {fallback / len(unanswerable):6.1%}  ({fallback}/{len(unanswerable)})")
    print(f"'did you mean' replies:            {uncertain / len(items):6.1%}")
    print(f"ms per question: mean {statistics.mean(timings):.3f}, "
          f"p50 {statistics.median(timings):.3f}, p99 {sorted(timings)[int(len(timings) * 0.99)]:.3f}")
    if args.show_errors:
        for question, expected, got in errors:
            print(f"  expected {expected:28} got {got:28} {question}")


if __name__ == "__main__":
    main()
