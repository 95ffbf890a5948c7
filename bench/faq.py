"""FAQ matching benchmark: accuracy on labelled questions the FAQ has never seen, speed, memory, start-up.

Usage: python bench/faq.py [--show-errors] [--questions FILE ...] [--only SET ...] [--sealed] [--rounds N]
                          [--no-startup]

The combined decision uses a classifier that learns from the labelled question sets in
content/data/training/ (matching/classifier.py). Each of those sets is measured by cross-validation:
with a classifier trained on everything except that set, so its figures are for questions the
classifier has not seen. The sealed held-out set faq_fresh_p.yaml (written by someone who never read
faq.yaml) is measured only with --sealed, with the assistant's own classifier: once, at the end of a
piece of work (tuning on it would flatter the figures). --questions measures other sets the same way.
Each set is scored three ways side by side: the lexical matcher alone, the sentence model alone, and
the combined decision the assistant uses.

Labels: a topic id (answered directly with that topic), ``none`` (about wijkplatforms but not
answered by the sources: an honest "I don't know" with the gebiedsverbinder) or ``offtopic`` (another
municipal matter: the general contact). Both ``none`` and ``offtopic`` count as an honest fallback
when the reply is no topic answer; an ``offtopic`` question answered with a topic (and its source
line) is counted apart, and must be zero. Items with ``lang`` (tr, pl) must at least reach their topic
as a direct answer or among the "Did you mean…?" buttons; as they seldom get a direct answer (answers are
Dutch or English; only when the classifier is very sure), the column "top-1 nl/en" gives top-1 on the
Dutch and English answerable questions alone.
The last column adds, for those, the questions whose right topic was the first "Did you mean…?" button: the
resident is one tap from the answer. It is not top-1 (the goal counts direct answers only), but it shows
how many of the misses were a doubt rather than a wrong or missing answer.

Goals (issue 11): >= 95 % top-1 on answerable questions, >= 95 % honest fallback, no off-topic
question with a topic answer; combined p99 < 5 ms per question, process RSS growth < 150 MB and
start-up growth < 1 s for the sentence model.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content import load_content  # noqa: E402
from content.geography import Geography  # noqa: E402
from content.textfold import question_key  # noqa: E402
from matching.build import build_matcher, faq_examples, load_bundled, train_classifier  # noqa: E402
from matching.classifier import TRAINING_DIR, Example  # noqa: E402
from matching.decision import COMBINED, MODES, Matcher  # noqa: E402

BENCH = Path(__file__).resolve().parent
# Held-out sets, measured only with --sealed (once, at the end of a piece of work)
SEALED = (BENCH / "faq_fresh_p.yaml",)
FALLBACK_LABELS = ("none", "offtopic")
HONEST_KINDS = ("none", "open", "offtopic", "outside")

# Start-up and memory, each measured in a fresh process: the assistant's matching without and with
# the sentence model (embeddings read from a warm cache, as on every start after the first).
STARTUP = """
import resource, sys, time
sys.path.insert(0, {root!r})
start = time.perf_counter()
if {semantic}:
    from pathlib import Path
    from matching.semantic import preload
    preload(Path({cache!r}))  # as the wijkwijzer command does: the model loads while the content does
from content import load_content
from content.geography import Geography
from matching.lexical import FaqMatcher
from matching.textanalysis import TextAnalyzer
content = load_content()
geography = Geography(content)
if {semantic}:  # the assistant's matcher: lexical, sentence model and classifier (from the cache)
    from matching.build import build_matcher
    build_matcher(content, geography, Path({cache!r}))
else:
    FaqMatcher(content.topics.values(), TextAnalyzer(content.synonyms))
rss = int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize()
print(time.perf_counter() - start, rss / 1e6)
"""


def sets(args: argparse.Namespace) -> list[tuple[Path, bool]]:
    """The sets to measure, each with whether it is cross-validated (a training set)."""
    if args.questions:
        return [(p, False) for p in args.questions]
    training = [(p, True) for p in sorted(TRAINING_DIR.glob("*.yaml")) if not args.only or p.stem in args.only]
    return training + ([(p, False) for p in SEALED if p.exists()] if args.sealed else [])


def held_out(matcher: Matcher, training: list[Example], name: str, cache: Path) -> Matcher:
    """The matcher deciding with a classifier trained on everything but the training set ``name``."""
    return matcher.with_classifier(train_classifier(matcher, [e for e in training if e.group != name], cache))


def answered(resolution) -> str | None:
    """The topic a reply answers with (a topic answer with its source line), else None."""
    if resolution.kind in ("topic", "open", "smalltalk", "contact"):
        return resolution.topic_id
    if resolution.kind == "offtopic":  # the answer of the topic about other municipal matters
        return resolution.topic_id
    return None


def score(matcher: Matcher, items: list[dict], vectors: list, mode: str) -> dict:
    correct = fallback = offtopic_answered = uncertain = 0
    foreign_ok = foreign = foreign_correct = first_offered = 0
    errors = []
    for item, vector in zip(items, vectors):
        resolution = matcher.resolve(item["q"], "nl", vector, mode=mode)
        expect = item["expect"]
        topic = answered(resolution)
        uncertain += resolution.kind == "uncertain"
        if item.get("lang"):
            foreign += 1
            foreign_ok += topic == expect or (resolution.kind == "uncertain" and expect in resolution.suggestions)
        if expect in FALLBACK_LABELS:
            honest = resolution.kind in HONEST_KINDS
            fallback += honest
            if expect == "offtopic" and resolution.kind in ("topic", "contact"):
                offtopic_answered += 1
            if not honest:
                errors.append((item["q"], expect, f"{resolution.kind} {resolution.topic_id}"))
        elif topic == expect:
            correct += 1
            foreign_correct += bool(item.get("lang"))
        else:
            if resolution.kind == "uncertain" and resolution.suggestions[:1] == (expect,) and not item.get("lang"):
                first_offered += 1
            errors.append((item["q"], expect, f"{resolution.kind} {resolution.topic_id or ''}"))
    return {"correct": correct, "native": correct - foreign_correct, "first_offered": first_offered,
            "fallback": fallback,
            "offtopic_answered": offtopic_answered, "uncertain": uncertain, "foreign": foreign,
            "foreign_ok": foreign_ok, "errors": errors}


def timings(matcher: Matcher, items: list[dict], mode: str, rounds: int) -> tuple[list[float], list[float]]:
    """Milliseconds per question as the assistant spends them (``resolve_async`` in an event loop,
    the model in its executor thread), and the CPU milliseconds of the same work done in one thread
    (``resolve``, embedding inline): the first includes waiting for a busy machine, the second not."""

    async def run() -> list[float]:
        out = []
        for _ in range(rounds):
            for item in items:
                start = time.perf_counter()
                await matcher.resolve_async(item["q"], "nl", mode)
                out.append((time.perf_counter() - start) * 1000)
        return out

    wall = asyncio.run(run())
    cpu = []
    for _ in range(rounds):
        for item in items:
            start = time.thread_time()
            matcher.resolve(item["q"], "nl", mode=mode)
            cpu.append((time.thread_time() - start) * 1000)
    return wall, cpu


def startup(semantic: bool, cache: str) -> tuple[float, float]:
    code = STARTUP.format(root=str(ROOT), semantic=semantic, cache=cache)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, megabytes = result.stdout.split()
    return float(seconds), float(megabytes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-errors", action="store_true", help="list the questions answered wrongly (combined)")
    parser.add_argument("--questions", type=Path, nargs="*", help="question sets (default: all but the sealed ones)")
    parser.add_argument("--only", nargs="*", help="cross-validate only these training sets (by name: fresh_c)")
    parser.add_argument("--sealed", action="store_true",
                        help="also measure the held-out sets " + ", ".join(p.name for p in SEALED))
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds over all questions")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up and memory measurement")
    args = parser.parse_args()

    content = load_content()
    cache = "/tmp/wijkwijzer-bench-cache"
    matcher = build_matcher(content, Geography(content), Path(cache))
    training = faq_examples(content) + load_bundled(content)
    learnt = [(question_key(e.text), e.group) for e in training]  # to tell which questions are verbatim in training
    all_items = []
    totals: dict[tuple[bool, str], list[int]] = {}
    print(f"{'set':22} {'n':>4} {'mode':9} {'top-1':>15} {'fallback':>13} {'offtopic answered':>17} "
          f"{'did you mean':>12} {'tr/pl':>6} {'top-1 nl/en':>14} {'+ first offered':>15}")
    for path, cross in sets(args):
        items = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        for item in items:
            if item["expect"] not in FALLBACK_LABELS and item["expect"] not in content.topics:
                raise SystemExit(f"unknown topic in {path.name}: {item['expect']}")
        all_items += items
        trained = {key for key, group in learnt if group != path.stem}
        verbatim = sum(question_key(str(item["q"])) in trained for item in items)
        if verbatim:  # helpers writing independently sometimes write the very same question
            print(f"  ({path.stem}: {verbatim} of its {len(items)} questions are verbatim among the questions the "
                  "classifier learnt from)")
        judge = matcher
        if cross:  # a classifier that never saw this set
            judge = held_out(matcher, training, path.stem, Path(cache))
        vectors = [judge.embed(item["q"]) for item in items]
        answerable = sum(item["expect"] not in FALLBACK_LABELS for item in items)
        native = sum(item["expect"] not in FALLBACK_LABELS and not item.get("lang") for item in items)
        unanswerable = len(items) - answerable
        for mode in MODES:
            s = score(judge, items, vectors, mode)
            total = totals.setdefault((cross, mode), [0, 0, 0, 0, 0])
            for i, value in enumerate((s["correct"], answerable, s["fallback"], unanswerable, s["offtopic_answered"])):
                total[i] += value
            foreign = f"{s['foreign_ok']}/{s['foreign']}" if s["foreign"] else ""
            print(f"{path.stem + (' (cv)' if cross else ''):22} {len(items):>4} {mode:9} "
                  f"{s['correct'] / max(answerable, 1):6.1%} {s['correct']:>3}/{answerable:<3}  "
                  f"{s['fallback'] / max(unanswerable, 1):6.1%} {s['fallback']:>2}/{unanswerable:<2} "
                  f"{s['offtopic_answered']:>17} {s['uncertain'] / len(items):12.1%} {foreign:>6} "
                  f"{s['native'] / max(native, 1):6.1%} {s['native']:>3}/{native:<3} "
                  f"{(s['native'] + s['first_offered']) / max(native, 1):15.1%}")
            if args.show_errors and mode == COMBINED:
                for question, expected, got in s["errors"]:
                    print(f"    expected {expected:26} got {got:34} {question}")
    for (cross, mode), (correct, answerable, fallback, unanswerable, offtopic) in totals.items():
        label = "all training sets (cv)" if cross else "all other sets"
        print(f"{label:27} {mode:9} {correct / max(answerable, 1):6.1%} {correct:>4}/{answerable:<4} "
              f"{fallback / max(unanswerable, 1):6.1%} {fallback:>3}/{unanswerable:<3} {offtopic:>5}")

    print()
    gc.collect()
    gc.freeze()  # as bot/cli.py after start-up: the loaded content is not scanned by every collection
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for mode in MODES:
        wall, cpu = (sorted(ms) for ms in timings(matcher, all_items, mode, args.rounds))
        print(f"ms per question, {mode:9} mean {statistics.mean(wall):.2f}, p50 {statistics.median(wall):.2f}, "
              f"p99 {wall[int(len(wall) * 0.99)]:.2f}; CPU mean {statistics.mean(cpu):.2f}, "
              f"p99 {cpu[int(len(cpu) * 0.99)]:.2f}  ({len(wall)} questions)")
    if not args.no_startup:
        startup(True, cache)  # fill the cache and the disk cache of the machine
        lexical = [startup(False, cache) for _ in range(3)]
        semantic = [startup(True, cache) for _ in range(3)]
        t0, m0 = min(t for t, _ in lexical), min(m for _, m in lexical)
        t1, m1 = min(t for t, _ in semantic), min(m for _, m in semantic)
        print(f"start-up (content + matching, best of 3): lexical only {t0:.2f} s, {m0:.0f} MB RSS; with the "
              f"sentence model {t1:.2f} s, {m1:.0f} MB RSS: growth {t1 - t0:+.2f} s, {m1 - m0:+.0f} MB")


if __name__ == "__main__":
    main()
