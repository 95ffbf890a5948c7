"""Unanswered questions grouped by meaning, so staff see "12× about ..." instead of twelve lines.

Each question is embedded with the sentence model; questions are taken most frequent first, and a
question joins the group holding the question closest in meaning to it, when that is close enough
(cosine at least ``SAME_MEANING``); otherwise it starts a group of its own. Near-duplicates in other words or
another language ("hoe vraag ik een parkeervergunning aan", "How do I apply for a parking permit?")
end up together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from matching.semantic import Encoder

SAME_MEANING = 0.7


@dataclass
class GapGroup:
    """Questions that mean nearly the same; ``example`` is the most asked of them."""

    example: str
    count: int
    questions: list[tuple[str, int]] = field(default_factory=list)


def group_by_meaning(questions: Sequence[tuple[str, int]], encoder: Encoder,
                     same_meaning: float = SAME_MEANING) -> list[GapGroup]:
    """Group (question, times asked) by meaning; the largest groups first."""
    if not questions:
        return []
    ordered = sorted(questions, key=lambda item: -item[1])
    vectors = np.asarray(encoder.encode([text for text, _ in ordered]), dtype=np.float32)
    groups: list[GapGroup] = []
    member_of: list[int] = []  # the group of each question placed so far
    for i, ((text, count), vector) in enumerate(zip(ordered, vectors)):
        similar = vectors[:i] @ vector
        nearest = int(np.argmax(similar)) if i else -1
        if nearest >= 0 and similar[nearest] >= same_meaning:
            group = groups[member_of[nearest]]
            group.count += count
            group.questions.append((text, count))
            member_of.append(member_of[nearest])
        else:
            member_of.append(len(groups))
            groups.append(GapGroup(text, count, [(text, count)]))
    return sorted(groups, key=lambda g: -g.count)
