"""Near-duplicate resumes with MinHash and LSH, in numpy, without comparing all pairs.

DPRK IT worker teams fill one resume template per persona (the 2022 advisory: "frequent use of
document templates ... across different developer accounts"; Mandiant: near-identical resumes).
Each resume becomes the set of its word 3-grams; its MinHash signature estimates the Jaccard
similarity of two sets as the share of equal signature slots.

One-permutation hashing (Li, Owen & Zhang 2012) keeps this fast: each 3-gram is hashed once, the
hash picks one of ``BINS`` bins and the minimum per bin is the signature,
instead of ``BINS`` hash functions per 3-gram. The hash's high half picks the bin and its low half
is the value. Bins no 3-gram fell into borrow the value of the
next filled bin to their right (rotation densification, Shrivastava & Li 2014), which keeps the
estimate unbiased for short texts. LSH then groups signatures by ``BANDS`` bands of ``ROWS`` bins:
two resumes with similarity s share a band with probability 1 - (1 - s^ROWS)^BANDS (0.99 at
s = 0.7, 0.99 at s = 0.8, 10^-5 at s = 0.1), and only those candidates are compared.

Words are hashed with BLAKE2b (stable across runs and machines, unlike Python's ``hash``); Arrow
splits and dictionary-encodes the text so Python touches each distinct word once.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.vet.runs import pairs_in_runs

BINS = 96
BANDS = 16
ROWS = BINS // BANDS
SHINGLE = 3
EMPTY = np.uint32(0xFFFFFFFF)
_PUNCTUATION = ".,;:!?()[]{}\"'`*-/\\|<>"
_ODD = tuple(np.uint64(v) for v in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9))
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: spreads every input bit over the whole 64-bit output."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


class WordHasher:
    """Stable 64-bit hashes of words, each distinct word hashed once per run."""

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


def signatures(texts: pa.Array | pa.ChunkedArray, *, chunk: int = 100_000) -> tuple[np.ndarray, np.ndarray]:
    """(signatures ``(n, BINS)`` uint32, has-signature mask); texts under ``SHINGLE`` words have none."""
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    n = len(texts)
    sigs = np.full((n, BINS), EMPTY, dtype=np.uint32)
    hasher = WordHasher()
    for start in range(0, n, chunk):
        _chunk_signatures(texts.slice(start, chunk), sigs[start : start + chunk], hasher)
    present = sigs[:, 0] != EMPTY
    return sigs, present


def _chunk_signatures(texts: pa.Array, out: np.ndarray, hasher: WordHasher) -> None:
    # Punctuation-only tokens become "" and stay in place: cheaper than filtering them out, and the
    # same text always gives the same 3-grams.
    lists = pc.utf8_split_whitespace(pc.utf8_lower(texts.fill_null("")))
    flat = pc.utf8_trim(pc.list_flatten(lists), _PUNCTUATION)
    parent = np.asarray(pc.list_parent_indices(lists))
    if len(flat) < SHINGLE:
        return
    encoded = pc.dictionary_encode(flat)
    words = hasher(encoded.dictionary.to_pylist())[np.asarray(encoded.indices)]
    last = len(words) - SHINGLE + 1
    same_doc = parent[:last] == parent[SHINGLE - 1 :]
    h = words[:last] * _ODD[0]  # an order-dependent combination of the words (wrapping arithmetic)
    for k in range(1, SHINGLE):
        h += words[k : last + k] * _ODD[k]
    h = _mix(h)[same_doc]
    doc = parent[:last][same_doc].astype(np.int64)
    bins = (((h >> np.uint64(32)) * np.uint64(BINS)) >> np.uint64(32)).astype(np.int64)  # high half: bin
    values = (h & np.uint64(0xFFFFFFFE)).astype(np.uint32)  # low half is the value; never EMPTY
    np.minimum.at(out.reshape(-1), doc * BINS + bins, values)
    _densify(out)


def _densify(sigs: np.ndarray) -> None:
    """Fill empty bins of documents that have some from the next filled bin to the right (circular),
    adding the distance so that a borrowed value does not equal an original by accident."""
    rows = np.flatnonzero((sigs == EMPTY).any(axis=1) & (sigs != EMPTY).any(axis=1))
    if not len(rows):
        return
    part = sigs[rows]
    twice = np.concatenate([part, part], axis=1)
    position = np.where(twice != EMPTY, np.arange(2 * BINS), 4 * BINS)
    following = np.minimum.accumulate(position[:, ::-1], axis=1)[:, ::-1][:, :BINS]
    source = np.take_along_axis(twice, following, axis=1).astype(np.uint64)
    distance = (following - np.arange(BINS)).astype(np.uint64)
    filled = ((source + distance) & np.uint64(0xFFFFFFFE)).astype(np.uint32)
    sigs[rows] = np.where(part == EMPTY, filled, part)


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """``(n, BANDS)`` uint64: one hash of each band's ``ROWS`` signature values."""
    wide = sigs.astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    key = np.zeros((len(sigs), BANDS), dtype=np.uint64)
    for r in range(ROWS):
        key = _mix(key ^ (wide[:, :, r] + np.uint64(r + 1)))
    return key


def similarity(sigs: np.ndarray, i: np.ndarray, j: np.ndarray, *, chunk: int = 1_000_000) -> np.ndarray:
    """Estimated Jaccard similarity of pairs (share of equal signature bins), a chunk of pairs at a time."""
    out = np.empty(len(i), dtype=np.float64)
    for start in range(0, len(i), chunk):
        a, b = i[start : start + chunk], j[start : start + chunk]
        out[start : start + chunk] = np.count_nonzero(sigs[a] == sigs[b], axis=1) / BINS
    return out


def near_pairs(
    sigs: np.ndarray, present: np.ndarray, min_similarity: float, *, max_bucket: int = 50
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, similarity) with i < j for resumes at least ``min_similarity`` alike.

    A band bucket holding more than ``max_bucket`` resumes (one template sent by a whole team) is
    not paired all with all: its members are chained in order, each checked against the next, so
    the cluster still forms while the work stays linear.
    """
    idx = np.flatnonzero(present)
    n = len(sigs)
    empty = np.empty(0, np.int64)
    if len(idx) < 2:
        return empty, empty, np.empty(0)
    keys = band_keys(sigs[idx])
    found_i, found_j = [], []
    for band in range(BANDS):
        column = keys[:, band]
        i, j, big = pairs_in_runs(column, max_bucket)
        found_i.append(idx[i])
        found_j.append(idx[j])
        if len(big):
            ordered = big[np.lexsort((big, column[big]))]
            chain = column[ordered[1:]] == column[ordered[:-1]]
            found_i.append(idx[ordered[:-1][chain]])
            found_j.append(idx[ordered[1:][chain]])
    i = np.concatenate(found_i)
    j = np.concatenate(found_j)
    if not len(i):
        return empty, empty, np.empty(0)
    pair = np.unique(np.minimum(i, j) * n + np.maximum(i, j))
    lo, hi = pair // n, pair % n
    sim = similarity(sigs, lo, hi)
    keep = sim >= min_similarity
    return lo[keep], hi[keep], sim[keep]
