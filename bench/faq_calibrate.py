"""Calibrate the decision's thresholds by cross-validation on the training sets (never the sealed set).

Usage: python bench/faq_calibrate.py

For each training set in content/data/training/ a classifier is trained without it (as bench/faq.py
does); then every pair of thresholds (a direct answer from CONFIDENT, "Did you mean…?" from
UNCERTAIN) is scored on all sets together: top-1 on answerable questions, honest fallback on the
unanswerable ones, off-topic questions answered with a topic. Choose a pair, set it in
matching/decision.py, and measure with bench/faq.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import faq as bench  # noqa: E402

from content import load_content  # noqa: E402
from content.geography import Geography  # noqa: E402
from matching import decision  # noqa: E402
from matching.build import build_matcher, faq_examples, load_bundled  # noqa: E402
from matching.classifier import TRAINING_DIR  # noqa: E402

CONFIDENT = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65)
UNCERTAIN = (0.15, 0.2, 0.25, 0.3, 0.35)


def main() -> None:
    content = load_content()
    cache = Path("/tmp/wijkwijzer-bench-cache")
    matcher = build_matcher(content, Geography(content), cache)
    training = faq_examples(content) + load_bundled(content)
    folds = []
    for path in sorted(TRAINING_DIR.glob("*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        judge = bench.held_out(matcher, training, path.stem, cache)
        folds.append((judge, items, [judge.embed(item["q"]) for item in items]))
    answerable = sum(item["expect"] not in bench.FALLBACK_LABELS for _, items, _ in folds for item in items)
    unanswerable = sum(len(items) for _, items, _ in folds) - answerable
    print(f"{'confident':>9} {'uncertain':>9} {'top-1':>7} {'fallback':>8} {'offtopic answered':>17} "
          f"{'did you mean':>12}")
    for confident in CONFIDENT:
        for uncertain in UNCERTAIN:
            if uncertain > confident:
                continue
            decision.CONFIDENT, decision.UNCERTAIN = confident, uncertain
            correct = fallback = offtopic = doubt = 0
            for judge, items, vectors in folds:
                s = bench.score(judge, items, vectors, decision.COMBINED)
                correct += s["correct"]
                fallback += s["fallback"]
                offtopic += s["offtopic_answered"]
                doubt += s["uncertain"]
            print(f"{confident:9.2f} {uncertain:9.2f} {correct / answerable:7.1%} {fallback / unanswerable:8.1%} "
                  f"{offtopic:>17} {doubt / (answerable + unanswerable):12.1%}")


if __name__ == "__main__":
    main()
