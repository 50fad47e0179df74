"""Benchmark of the similarity index (review/similarity.py): 100,000 stored texts, 1,000 new ones.

The corpus: 100,000 generated Chinese texts (sentences of words drawn with Zipf-like
frequencies from 20,000 words over 3,000 ideographs, see review/tests/test_similarity.py),
250–550 characters each so that generating and hashing them stays within the time budget
(the index and the lookups do not depend on the length: a signature is 128 values; the
cost of hashing a longer text is measured on its own below). 1% of the corpus are planted
near-copies of other corpus texts (5% changed). The texts are hashed in one process per
CPU core.

The queries: 1,000 new texts, 600 of them planted near-duplicates of corpus texts — edits of
5%, 10% and 20% of the characters in runs of 10, 5% as scattered single characters, and
reordered sentences — and 400 unrelated. A corpus text is *expected* for a query when the
exact Jaccard similarity of their shingle sets is at least the threshold (0.6). Candidate
recall is the share of expected (query, text) pairs that share a band (what LSH can lose);
recall the share the index returns with an estimated similarity at or above the threshold
(which also loses pairs just above it whose estimate falls just below: the 128-value
estimate has a standard error of about 0.04). Three queries are also run by
brute force (estimated similarity with every stored signature) for the speed-up.

Target: well under 10 ms a lookup; recall ≥ 95%; whole run under about a minute.
"""

import multiprocessing
import os
import random
import resource
import time
from concurrent.futures import ProcessPoolExecutor

from bench.results import save
from review.similarity import DEFAULT_THRESHOLD, LSHIndex, Signature, jaccard, signature
from review.tests.test_similarity import chinese_text, edited, scattered

COUNT = int(os.environ.get("BENCH_SIMILARITY_DOCUMENTS", "100000"))
QUERIES = 1_000
BRUTE_FORCE = 3  # queries also run against every stored signature, for comparison
SEED = 20231015
KINDS = {  # planted near-duplicate queries: how many of each
    "edited 5%": 200,
    "edited 10%": 100,
    "edited 20%": 100,
    "scattered 5%": 100,
    "reordered": 100,
}
UNRELATED = QUERIES - sum(KINDS.values())


def _planted_source(number: int) -> int | None:
    """The corpus text a planted corpus text copies (every 100th text copies the one before it)."""
    return number - 1 if number % 100 == 99 else None


def corpus_text(number: int) -> str:
    source = _planted_source(number)
    if source is not None:
        return edited(corpus_text(source), 0.05, seed=number)
    rng = random.Random(SEED * 1_000_003 + number)
    return chinese_text(SEED + number, rng.randint(250, 550))


def _signatures(numbers: range) -> list[tuple[int, bytes, int]]:
    out = []
    for number in numbers:
        sig = signature(corpus_text(number))
        out.append((number, sig.values, sig.shingles))
    return out


def corpus_signatures() -> dict[int, Signature]:
    chunks = [range(start, min(start + 2_000, COUNT)) for start in range(0, COUNT, 2_000)]
    with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=multiprocessing.get_context("fork")) as pool:
        return {
            number: Signature(values, shingles=count)
            for chunk in pool.map(_signatures, chunks)
            for number, values, count in chunk
        }


def _reordered(text: str, seed: int) -> str:
    sentences = [s for s in text.replace("；", "。").replace("，", "。").split("。") if s]
    random.Random(seed).shuffle(sentences)
    return "。".join(sentences)


def queries() -> list[tuple[str, str, int | None]]:
    """(kind, text, source corpus number or None)."""
    rng = random.Random(SEED)
    out = []
    for kind, count in KINDS.items():
        for _ in range(count):
            source = rng.randrange(COUNT)
            base = corpus_text(source)
            seed = rng.randrange(1 << 30)
            text = {
                "edited 5%": lambda b, s: edited(b, 0.05, seed=s),
                "edited 10%": lambda b, s: edited(b, 0.10, seed=s),
                "edited 20%": lambda b, s: edited(b, 0.20, seed=s),
                "scattered 5%": lambda b, _s: scattered(b),
                "reordered": _reordered,
            }[kind](base, seed)
            out.append((kind, text, source))
    out += [("unrelated", chinese_text(SEED * 7 + number, 500), None) for number in range(UNRELATED)]
    return out


def _related(source: int | None) -> set[int]:
    """The corpus texts that can be near a query copied from `source`: it and its planted copies."""
    if source is None:
        return set()
    group = {source}
    if _planted_source(source) is not None:
        group.add(_planted_source(source))
    if _planted_source(source + 1) == source:
        group.add(source + 1)
    return {number for number in group if number < COUNT}


def test_similarity_index_lookups():
    started = time.perf_counter()
    sigs = corpus_signatures()
    hashed = time.perf_counter()

    index = LSHIndex()
    index.update(sigs.items())
    indexed = time.perf_counter()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    planned = queries()
    query_sigs = [signature(text) for _kind, text, _source in planned]
    signed = time.perf_counter()

    found, candidates = [], []
    lookup_started = time.perf_counter()
    for sig in query_sigs:
        candidates.append(index.candidates(sig))
        found.append({match.key: match.score for match in index.query(sig)})
    lookup_seconds = time.perf_counter() - lookup_started
    # index.candidates() above is counted in the lookup time; the same again without it:
    lookup_started = time.perf_counter()
    for sig in query_sigs:
        index.query(sig)
    query_only_seconds = time.perf_counter() - lookup_started

    brute_started = time.perf_counter()
    for sig in query_sigs[:BRUTE_FORCE]:
        _ = [key for key, stored in sigs.items() if stored.similarity(sig) >= DEFAULT_THRESHOLD]
    brute_ms = (time.perf_counter() - brute_started) / BRUTE_FORCE * 1000

    expected_pairs = found_pairs = candidate_pairs = false_matches = unrelated_matched = 0
    by_kind: dict[str, list[int]] = {}
    for (kind, text, source), matches, near in zip(planned, found, candidates, strict=True):
        if source is None:
            unrelated_matched += bool(matches)
            continue
        related = _related(source)
        expected = {n for n in related if jaccard(text, corpus_text(n)) >= DEFAULT_THRESHOLD}
        expected_pairs += len(expected)
        found_pairs += len(expected & set(matches))
        candidate_pairs += len(expected & near)
        false_matches += len(set(matches) - related)
        tally = by_kind.setdefault(kind, [0, 0, 0])  # queries, source found, source expected
        tally[0] += 1
        tally[1] += source in matches
        tally[2] += source in expected

    sample = corpus_text(0) * 3  # about 1500 characters: a technical summary
    sign_started = time.perf_counter()
    for _ in range(20):
        signature(sample)
    signature_ms_1500 = (time.perf_counter() - sign_started) / 20 * 1000

    recall = found_pairs / expected_pairs
    figures = {
        "documents": COUNT,
        "queries": len(planned),
        "bands": index.bands,
        "rows": index.rows,
        "threshold": DEFAULT_THRESHOLD,
        "hash_corpus_s": round(hashed - started, 1),
        "build_index_s": round(indexed - hashed, 2),
        "index_mb": round(index.memory_bytes() / 2**20, 1),
        "max_rss_mb": round(rss_mb),
        "query_signature_ms": round((signed - indexed) / len(planned) * 1000, 2),
        "signature_ms_1500_chars": round(signature_ms_1500, 2),
        "lookup_ms_per_query": round(query_only_seconds / len(planned) * 1000, 3),
        "lookup_with_candidate_count_ms": round(lookup_seconds / len(planned) * 1000, 3),
        "brute_force_ms_per_query": round(brute_ms, 1),
        "candidates_per_query": round(sum(map(len, candidates)) / len(planned), 1),
        "expected_pairs": expected_pairs,
        "candidate_recall": round(candidate_pairs / expected_pairs, 4),
        "recall": round(recall, 4),
        "false_matches": false_matches,
        "unrelated_queries_matched": unrelated_matched,
        **{f"source_found[{kind}]": f"{t[1]}/{t[0]} (J≥{DEFAULT_THRESHOLD}: {t[2]})" for kind, t in by_kind.items()},
        "total_s": round(time.perf_counter() - started, 1),
    }
    save("similarity-index", figures)

    assert len(index) == COUNT
    assert recall >= 0.95
    assert unrelated_matched == 0 and false_matches == 0
    assert figures["lookup_ms_per_query"] < 10
