"""MinHash and LSH of review/similarity.py: pure, no database."""

import hashlib
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.similarity import (
    DEFAULT_THRESHOLD,
    LSHIndex,
    Signature,
    bands_for,
    candidate_probability,
    jaccard,
    normalise,
    shingles,
    signature,
)

# ---------------------------------------------------------------------------
# Generated Chinese text: words of 1–4 characters drawn from 3000 CJK ideographs, used with
# Zipf-like frequencies, so that independent texts share common words as real ones do.

_RNG = random.Random(20231015)
CHARACTERS = [chr(code) for code in _RNG.sample(range(0x4E00, 0x9FA6), 3000)]
WORDS = ["".join(_RNG.choices(CHARACTERS, k=_RNG.choice((1, 2, 2, 2, 3, 4)))) for _ in range(20_000)]
CUMULATIVE = list(itertools.accumulate(1 / rank for rank in range(1, len(WORDS) + 1)))


def chinese_text(seed: int, characters: int = 1500) -> str:
    """A 'document' of about `characters` characters: sentences of generated words, with punctuation."""
    rng = random.Random(seed)
    parts, length = [], 0
    while length < characters:
        sentence = "".join(rng.choices(WORDS, cum_weights=CUMULATIVE, k=rng.randint(6, 14))) + rng.choice("，。；")
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts)


def edited(text: str, share: float, *, seed: int, run: int = 10) -> str:
    """The text with `share` of its characters replaced, in runs of `run` characters (a word, a phrase)."""
    rng = random.Random(seed)
    chars = list(text)
    positions = range(0, len(chars) - run + 1, run)
    for start in rng.sample(positions, min(len(positions), round(len(chars) * share / run))):
        for i in range(start, start + run):
            chars[i] = rng.choice(CHARACTERS)
    return "".join(chars)


def scattered(text: str, every: int = 20) -> str:
    """One character in `every` replaced by another: the worst spread of edits for shingles."""
    return "".join(CHARACTERS[(i * 7) % len(CHARACTERS)] if i % every == 0 else c for i, c in enumerate(text))


def paragraphs(seed: int, count: int = 8) -> list[str]:
    return [chinese_text(seed * 100 + i, 250) for i in range(count)]


# ---------------------------------------------------------------------------
# Normalisation and shingles


def test_normalise_keeps_letters_only_and_folds_width_and_case():
    assert normalise(" 发动机，故障\n诊断。2023年ＡＢＳ系统 3.5L（PLC）") == "发动机故障诊断年abs系统lplc"


def test_layout_punctuation_and_numbers_do_not_change_the_signature():
    text = chinese_text(1)
    relaid = "\n".join(text[i : i + 37] for i in range(0, len(text), 37)).replace("，", ", ").replace("。", "．")
    numbered = "- 1 -\n" + relaid + "\n— 12 / 20 —"
    assert signature(numbered) == signature(text)


def test_shingles_are_runs_of_k_characters():
    assert shingles("发动机故障诊断", 5) == {"发动机故障", "动机故障诊", "机故障诊断"}
    assert shingles("汽车 维修", 5) == {"汽车维修"}  # shorter than k: one shingle
    assert shingles("，。 123", 5) == set()
    with pytest.raises(ValueError):
        shingles("文字", 0)


# ---------------------------------------------------------------------------
# Similarity


def test_identical_texts_are_one():
    text = chinese_text(2)
    assert signature(text).similarity(signature(text)) == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_a_copy_with_five_percent_changed_is_above_0_8(seed):
    text = chinese_text(100 + seed, 2000)
    copy = edited(text, 0.05, seed=seed)
    assert sum(a != b for a, b in zip(text, copy, strict=True)) >= 0.045 * len(text)
    assert signature(text).similarity(signature(copy)) > 0.8


def test_scattered_single_character_edits_break_more_shingles():
    """One character in twenty changed everywhere keeps 0.95⁵ of the shingles: J ≈ 0.6 (see the docstring)."""
    text = chinese_text(3, 3000)
    copy = scattered(text)
    exact = jaccard(text, copy)
    assert 0.5 < exact < 0.7
    assert abs(signature(text).similarity(signature(copy)) - exact) < 0.15


@pytest.mark.parametrize("seed", range(5))
def test_unrelated_texts_are_below_0_2(seed):
    first, second = chinese_text(200 + seed), chinese_text(300 + seed)
    assert signature(first).similarity(signature(second)) < 0.2


def test_reordered_paragraphs_are_still_similar():
    parts = paragraphs(4)
    shuffled = parts[:]
    random.Random(4).shuffle(shuffled)
    assert signature("\n".join(parts)).similarity(signature("\n".join(shuffled))) > 0.9


def test_very_short_texts():
    assert signature("").empty and signature("，。 2023").empty
    assert signature("").similarity(signature("")) == 0.0  # nothing to compare is not a match
    assert signature("").similarity(signature(chinese_text(5))) == 0.0
    assert signature("汽车").similarity(signature("汽车")) == 1.0
    assert signature("汽车").similarity(signature("汽修")) == 0.0
    assert signature("汽车维修工").shingles == 1
    assert signature("汽车维修工作").similarity(signature("汽车维修工作")) == 1.0
    assert signature("汽车维修工作总结").shingles == 4


@pytest.mark.parametrize("seed", range(4))
def test_the_estimate_is_close_to_the_exact_jaccard(seed):
    """Densified one-permutation hashing is an unbiased estimate; 128 values give a standard error ≤ 0.045."""
    base = chinese_text(400 + seed, 1200)
    for share in (0.05, 0.2, 0.4):
        copy = edited(base, share, seed=seed, run=6)
        assert abs(signature(base).similarity(signature(copy)) - jaccard(base, copy)) < 0.15


def test_short_texts_with_empty_bins_are_still_estimated():
    """Fewer shingles than bins: most bins borrow a value; the estimate still follows the truth."""
    base = chinese_text(7, 60)
    half = base[: len(base) // 2] + edited(base[len(base) // 2 :], 1.0, seed=7, run=1)
    assert signature(base).shingles < 128
    assert abs(signature(base).similarity(signature(half)) - jaccard(base, half)) < 0.2


def test_signatures_are_stable_across_runs_and_versions():
    """Signatures are stored: a change of the algorithm must change the format version too."""
    stored = signature("技能等级认定工作总结：发动机故障诊断与排除的实践经验。").to_bytes()
    assert hashlib.sha256(stored).hexdigest() == STABLE_DIGEST
    assert len(stored) == 10 + 4 * 128


STABLE_DIGEST = "14c2244e1d3b4b22b7c1ca9ea6f2e4d8aa4fecbb0b02667dd2ec8313c28616c8"


def test_serialisation_round_trip_and_rejects_other_data():
    sig = signature(chinese_text(8))
    assert Signature.from_bytes(sig.to_bytes()) == sig
    assert Signature.from_bytes(memoryview(sig.to_bytes())) == sig
    for bad in (b"", b"MH", sig.to_bytes()[:-1], b"XX" + sig.to_bytes()[2:]):
        with pytest.raises(ValueError):
            Signature.from_bytes(bad)


def test_signatures_of_other_parameters_are_not_compared():
    text = chinese_text(9)
    with pytest.raises(ValueError):
        signature(text).similarity(signature(text, k=4))
    with pytest.raises(ValueError):
        signature(text).similarity(signature(text, size=64))


# ---------------------------------------------------------------------------
# Banding


def test_bands_for_the_default_threshold():
    assert bands_for(DEFAULT_THRESHOLD) == (32, 4)
    assert candidate_probability(0.6, 32, 4) > 0.98
    assert candidate_probability(0.1, 32, 4) < 0.01
    assert bands_for(0.8) == (18, 7)
    assert bands_for(1.0) == (1, 128)
    with pytest.raises(ValueError):
        bands_for(0.0)


@pytest.fixture(scope="module")
def corpus() -> dict[int, str]:
    return {number: chinese_text(1000 + number, 800) for number in range(300)}


@pytest.fixture(scope="module")
def signatures(corpus) -> dict[int, Signature]:
    return {number: signature(text) for number, text in corpus.items()}


def _brute_force(signatures: dict[int, Signature], query: Signature, threshold: float) -> set[int]:
    return {key for key, sig in signatures.items() if sig.similarity(query) >= threshold}


@pytest.mark.parametrize("merge_after", [1, 64, 10_000])
def test_the_index_finds_near_duplicates_and_nothing_else(signatures, corpus, merge_after):
    index = LSHIndex(merge_after=merge_after)
    index.update(signatures.items())
    assert len(index) == len(signatures)
    for number in (3, 150, 299):
        copy = signature(edited(corpus[number], 0.05, seed=number))
        matches = index.query(copy)
        assert [m.key for m in matches] == [number]
        assert matches[0].score == signatures[number].similarity(copy)
    assert index.query(signature(chinese_text(99_999, 800))) == []


def test_query_results_agree_with_brute_force(signatures, corpus):
    index = LSHIndex()
    index.update(signatures.items())
    planted = {
        1000: signature(corpus[10] + corpus[11][:100]),
        1001: signature(corpus[20][:600] + corpus[21][:200]),
        1002: signature(edited(corpus[30], 0.15, seed=1)),
    }
    everything = {**signatures, **planted}
    index.update(planted.items())
    for query in (signatures[10], signatures[20], signatures[30], planted[1001]):
        found = index.query(query, threshold=0.5)
        assert {m.key for m in found} <= _brute_force(everything, query, 0.5)
        assert all(m.score >= 0.5 for m in found)
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert {m.key for m in index.query(signatures[10])} == {10, 1000}


def test_remove_and_replace(signatures):
    index = LSHIndex(merge_after=16)
    index.update(signatures.items())
    index.remove(5)
    index.remove(5)  # twice is fine
    assert 5 not in index and index.query(signatures[5]) == []
    index.add(6, signatures[7])  # a document replaced under the same key
    assert {m.key for m in index.query(signatures[7])} == {6, 7}
    assert index.get(6) == signatures[7] and index.get(5) is None
    for _ in range(3):
        index.update(list(signatures.items())[100:140])  # replacing in bulk, rebuilding on the way
    assert [m.key for m in index.query(signatures[120])] == [120]
    for key in range(100, 300):
        index.remove(key)  # enough removals to rebuild
    assert len(index) == 99
    assert [m.key for m in index.query(signatures[50])] == [50]
    assert index.query(signatures[200]) == []


def test_empty_signatures_are_stored_but_never_match():
    index = LSHIndex()
    index.add("empty", signature(""))
    index.add("other-empty", signature("。"))
    assert "empty" in index
    assert index.query(signature("")) == [] and index.candidates(signature("")) == set()


def test_the_index_refuses_signatures_of_other_parameters():
    index = LSHIndex()
    with pytest.raises(ValueError):
        index.add(1, signature("发动机故障诊断", k=4))
    with pytest.raises(ValueError):
        LSHIndex(bands=0)


# ---------------------------------------------------------------------------
# Properties

_chinese = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),
        st.sampled_from(list(" \n，。、0123456789abcXYZＡ")),
    ),
    max_size=300,
)


@settings(max_examples=150, deadline=None)
@given(_chinese, _chinese)
def test_similarity_is_symmetric_and_in_range(first, second):
    a, b = signature(first), signature(second)
    assert a.similarity(b) == b.similarity(a)
    assert 0.0 <= a.similarity(b) <= 1.0


@settings(max_examples=150, deadline=None)
@given(_chinese)
def test_a_text_is_identical_to_itself_and_survives_storage(text):
    sig = signature(text)
    assert Signature.from_bytes(sig.to_bytes()) == sig
    assert sig.similarity(sig) == (0.0 if not normalise(text) else 1.0)
    assert normalise(normalise(text)) == normalise(text)
    assert sig.empty == (not normalise(text))


@settings(max_examples=50, deadline=None)
@given(st.lists(_chinese, min_size=1, max_size=12), st.integers(min_value=0), st.floats(0.3, 1.0))
def test_index_results_are_exactly_the_brute_force_results_above_threshold_that_it_finds(texts, pick, threshold):
    sigs = dict(enumerate(signature(text) for text in texts))
    index = LSHIndex(threshold=threshold, merge_after=4)
    index.update(sigs.items())
    query = sigs[pick % len(sigs)]
    found = index.query(query)
    assert {m.key for m in found} <= _brute_force(sigs, query, threshold)
    if not query.empty:  # an identical copy always shares every band
        assert {key for key, sig in sigs.items() if sig == query} <= {m.key for m in found}
