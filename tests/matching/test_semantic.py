"""The sentence model as a second opinion: its cache, and the combined decision."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from matching import semantic
from matching.semantic import SemanticScorer, shared_encoder


class CountingEncoder:
    """The real model, counting the sentences it embeds."""

    def __init__(self) -> None:
        self.sentences = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.sentences += len(texts)
        return shared_encoder().encode(texts)


def test_topic_embeddings_are_cached_on_disk_by_content(content, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(semantic, "_memo", {})
    first = CountingEncoder()
    scorer = SemanticScorer(content.topics.values(), first, tmp_path)
    assert first.sentences == len(scorer.texts) > 100
    [cached] = tmp_path.glob("embeddings-*.npy")

    monkeypatch.setattr(semantic, "_memo", {})
    second = CountingEncoder()
    again = SemanticScorer(content.topics.values(), second, tmp_path)
    assert second.sentences == 0  # read from disk, not embedded again
    assert np.array_equal(again.vectors, scorer.vectors)

    monkeypatch.setattr(semantic, "_memo", {})
    changed = [t for t in content.topics.values() if t.id != "planning"]  # other content, other key
    SemanticScorer(changed, CountingEncoder(), tmp_path)
    assert list(tmp_path.glob("embeddings-*.npy")) != [cached]
    assert len(list(tmp_path.glob("embeddings-*.npy"))) == 1  # the old file is cleared away


def test_unwritable_cache_is_no_error(content, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(semantic, "_memo", {})
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    scorer = SemanticScorer(content.topics.values(), shared_encoder(), blocked / "cache")
    assert scorer.rank(scorer.embed("Hoeveel subsidie krijgt een wijkplatform?"))[0][0] == "subsidie-bedrag"


def test_the_model_uses_two_blas_threads_at_most_set_once_for_the_process() -> None:
    from threadpoolctl import threadpool_info

    encoder = shared_encoder()
    assert encoder.threads == semantic.THREADS == min(2, semantic._processors())
    blas = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(n == semantic.THREADS for n in blas)
    assert encoder._model._threadpool is None  # no thread-pool switch around every question


async def test_question_is_embedded_off_the_event_loop(assistant) -> None:
    import threading

    matcher = assistant.services.matcher
    seen: list[str] = []
    original = matcher.semantic.embed

    def spy(text: str) -> np.ndarray:
        seen.append(threading.current_thread().name)
        return original(text)

    matcher.semantic.embed = spy
    await matcher.resolve_async("wat is een wijkplatform", "nl")
    assert seen and seen[0] != threading.main_thread().name
