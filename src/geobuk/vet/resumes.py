"""Near-duplicate resumes with MinHash and LSH, in numpy, without comparing all pairs.

DPRK IT worker teams fill one resume template per persona (the 2022 advisory: "frequent use of
document templates ... across different developer accounts"; Mandiant: near-identical resumes).
Each resume becomes the set of its word 3-grams; its MinHash signature (``minhash``) estimates the
Jaccard similarity of two sets as the share of equal signature bins. LSH then groups signatures by
``BANDS`` bands of ``ROWS`` bins: two resumes with similarity s share a band with probability
1 - (1 - s^ROWS)^BANDS (0.87 at s = 0.7, 0.99 at s = 0.8, 10^-5 at s = 0.1), and only those
candidates are compared.

Speed at a million resumes (~100 million words) comes from never touching a word in Python: Arrow
splits, trims and dictionary-encodes each chunk of texts, so Python hashes each *distinct* word once
(BLAKE2b: stable across runs and machines, unlike ``hash``); the 3-gram hashes, the signature minima
and the densification are numpy passes over flat arrays; LSH buckets are found by sorting each band's
keys. Chunks of texts are independent, so they run on a small thread pool (Arrow and numpy release the
GIL), and memory stays at the signatures plus a few chunks in flight.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.vet import minhash
from geobuk.vet.minhash import BINS, EMPTY
from geobuk.vet.runs import pairs_in_runs, unique_pairs

BANDS = 16
ROWS = BINS // BANDS
SHINGLE = 3
_PUNCTUATION = ".,;:!?()[]{}\"'`*-/\\|<>"
_ODD = tuple(np.uint64(v) for v in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9))


class WordHasher:
    """Stable 64-bit hashes of words, each distinct word hashed once per run.

    Shared by the worker threads: a race only hashes a word twice to the same value.
    """

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def __call__(self, words: list[str]) -> np.ndarray:
        cache = self._cache
        out = np.empty(len(words), dtype=np.uint64)
        for i, word in enumerate(words):
            value = cache.get(word)
            if value is None:
                value = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                cache[word] = value
            out[i] = value
        return out


def shingle_hashes(texts: pa.Array, hasher: WordHasher) -> tuple[np.ndarray, np.ndarray]:
    """(which text, 64-bit hash) of every word 3-gram of every text.

    Words are split on whitespace, lower-cased and trimmed of punctuation; a punctuation-only word
    becomes "" and stays in place (cheaper than filtering, and the same text always gives the same
    3-grams). A text under ``SHINGLE`` words has none.
    """
    lists = pc.utf8_split_whitespace(texts.fill_null(""))
    offsets = np.asarray(lists.offsets).astype(np.int64)
    offsets -= offsets[0]
    empty = np.empty(0, np.int64), np.empty(0, np.uint64)
    if offsets[-1] < SHINGLE:
        return empty
    # Words are lower-cased and trimmed in the dictionary of distinct words, not one by one: case
    # mapping never turns a character into whitespace or back, so this splits as the lower-cased
    # text would. The punctuation is ASCII, and ASCII bytes never occur inside a multi-byte UTF-8
    # character, so the byte-wise trim gives what utf8_trim gives.
    encoded = pc.dictionary_encode(pc.list_flatten(lists))
    del lists
    distinct = pc.ascii_trim(pc.utf8_lower(encoded.dictionary), _PUNCTUATION)
    words = hasher(distinct.to_pylist())[np.asarray(encoded.indices)]
    del encoded
    last = len(words) - SHINGLE + 1
    # A 3-gram starts at every word but the last SHINGLE - 1 of each text.
    counts = np.maximum(np.diff(offsets) - (SHINGLE - 1), 0)
    valid = np.ones(last, dtype=bool)
    for k in range(1, SHINGLE):
        ends = offsets[1:] - k
        valid[ends[(ends >= offsets[:-1]) & (ends < last)]] = False
    h = words[:last] * _ODD[0]  # an order-dependent combination of the words (wrapping arithmetic)
    for k in range(1, SHINGLE):
        h += words[k : last + k] * _ODD[k]
    owner = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    return owner, minhash.mix(h[valid])


def signatures(
    texts: pa.Array | pa.ChunkedArray, *, chunk: int = 10_000, workers: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(signatures ``(n, BINS)`` uint32, has-signature mask); texts under ``SHINGLE`` words have none.

    ``chunk`` texts at a time on ``workers`` threads (default: the CPU count, at most 4). Small
    chunks are faster, not only leaner: 10,000 resumes of ~100 words make arrays of ~8 MB, which the
    C allocator reuses, where 50,000 made ~40 MB ones that it maps and unmaps from the kernel each
    time (page faults doubled the CPU time).
    """
    n = len(texts)
    sigs = np.full((n, BINS), EMPTY, dtype=np.uint32)
    hasher = WordHasher()

    def work(start: int) -> None:
        part = texts.slice(start, chunk)
        if isinstance(part, pa.ChunkedArray):
            part = part.combine_chunks()
        out = sigs[start : start + chunk]
        owner, hashes = shingle_hashes(part, hasher)
        minhash.fill(out, owner, hashes)
        del owner, hashes
        minhash.densify(out)

    starts = range(0, n, chunk)
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers == 1 or len(starts) <= 1:
        for start in starts:
            work(start)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(work, starts))  # list() re-raises a worker's exception here
    present = sigs[:, 0] != EMPTY
    return sigs, present


def band_keys(sigs: np.ndarray, rows: np.ndarray, band: int, *, chunk: int = 100_000) -> np.ndarray:
    """uint64 hash of band ``band``'s ``ROWS`` signature values, for each of ``rows``.

    One band at a time (8 MB for a million resumes, not 128 MB for all sixteen), ``chunk`` rows at a
    time so the widened copy stays small.
    """
    out = np.empty(len(rows), dtype=np.uint64)
    columns = slice(band * ROWS, (band + 1) * ROWS)
    for start in range(0, len(rows), chunk):
        part = sigs[rows[start : start + chunk], columns]
        key = np.zeros(len(part), dtype=np.uint64)
        for r in range(ROWS):
            key = minhash.mix(key ^ (part[:, r].astype(np.uint64) + np.uint64(r + 1)))
        out[start : start + len(part)] = key
    return out


def _band_pairs(column: np.ndarray, max_bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in ``column``) of the candidate pairs of one band: every pair in a bucket of up to
    ``max_bucket``, consecutive members in a bigger one. int32, to halve the memory of millions."""
    i, j, big = pairs_in_runs(column, max_bucket)
    if len(big):
        ordered = big[np.lexsort((big, column[big]))]
        chain = column[ordered[1:]] == column[ordered[:-1]]
        i = np.concatenate([i, ordered[:-1][chain]])
        j = np.concatenate([j, ordered[1:][chain]])
    return i.astype(np.int32), j.astype(np.int32)


def near_pairs(
    sigs: np.ndarray, present: np.ndarray, min_similarity: float, *, max_bucket: int = 50
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, similarity) with i < j for resumes at least ``min_similarity`` alike.

    A band bucket holding more than ``max_bucket`` resumes (one template sent by a whole team) is
    not paired all with all: its members are chained in order, each checked against the next, so
    the cluster still forms while the work stays linear.
    """
    idx = np.flatnonzero(present)
    empty = np.empty(0, np.int64)
    if len(idx) < 2:
        return empty, empty, np.empty(0)
    found = [_band_pairs(band_keys(sigs, idx, band), max_bucket) for band in range(BANDS)]
    i = np.concatenate([pair[0] for pair in found])
    j = np.concatenate([pair[1] for pair in found])
    del found
    if not len(i):
        return empty, empty, np.empty(0)
    lo, hi = unique_pairs(i, j, len(idx))
    del i, j
    keep, sim = minhash.similar(sigs, idx[lo], idx[hi], min_similarity)
    return idx[lo[keep]], idx[hi[keep]], sim
