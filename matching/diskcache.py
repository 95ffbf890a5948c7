"""Results worth keeping between starts (sentence embeddings, the trained classifier): in this
process's memory, and in one file per kind in the cache directory, named by a hash of what shaped
them. An unreadable file is computed again; an unwritable directory only costs the next start time."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def cached(memo: dict[str, T], key: str, cache_dir: Path | None, prefix: str, suffix: str,
           load: Callable[[Path], T | None], build: Callable[[], T], save: Callable[[T, BinaryIO], None]) -> T:
    """The value for ``key``: from ``memo``, from the file ``{prefix}{key}{suffix}`` in ``cache_dir``
    (``load`` returns None for a file that does not fit), or ``build`` (then written to that file)."""
    if key in memo:
        return memo[key]
    path = cache_dir / f"{prefix}{key}{suffix}" if cache_dir is not None else None
    value = None
    if path is not None and path.is_file():
        try:
            value = load(path)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring the unreadable cache file %s: %s", path, exc)
    if value is None:
        value = build()
        if path is not None:
            made = value
            write_cache(path, prefix, lambda file: save(made, file))
    memo[key] = value
    return value


def write_cache(path: Path, prefix: str, save: Callable[[BinaryIO], None]) -> None:
    """Write a cache file atomically and drop the older files of its ``prefix``. A failure only
    costs the next start some time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with open(partial, "wb") as file:
            save(file)
        os.replace(partial, path)
        for old in path.parent.glob(f"{prefix}*{path.suffix}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not write the cache file %s: %s", path, exc)
