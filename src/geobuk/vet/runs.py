"""Candidate pairs from equal keys: the one step every blocking scheme (LSH bands, hash bands) shares."""

from __future__ import annotations

import numpy as np


def sort_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, keys in that order) for unsigned integer keys, equal keys adjacent and in position order.

    Key and position are packed into one uint64 and sorted as plain integers, which numpy does much
    faster than an argsort (SIMD sorts). Keys too wide to leave room for the positions (64-bit band
    hashes) are packed by their high bits; equal high bits with different keys (rare: ~0.03 pairs
    for a million 64-bit hashes cut to 44 bits) would not leave equal keys adjacent, so that case is
    detected and falls back to a stable argsort.
    """
    keys = np.asarray(keys, dtype=np.uint64)
    n = len(keys)
    shift = max(int(n - 1).bit_length(), 1)
    drop = max(int(keys.max()).bit_length() + shift - 64, 0) if n else 0
    packed = ((keys >> np.uint64(drop)) << np.uint64(shift)) | np.arange(n, dtype=np.uint64)
    packed.sort()
    order = (packed & np.uint64((1 << shift) - 1)).astype(np.int64)
    if not drop:
        return order, packed >> np.uint64(shift)
    high = packed >> np.uint64(shift)
    del packed
    ordered = keys[order]
    if np.any((ordered[1:] != ordered[:-1]) & (high[1:] == high[:-1])):
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
    return order, ordered


def pairs_in_runs(keys: np.ndarray, max_run: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j) positions of every pair of equal ``keys``; runs longer than ``max_run`` are left out.

    Returns the pairs and the positions that were in runs too long to pair (for reporting). Only
    keys in runs of 2 to ``max_run`` (usually a few percent) go on: pairs are made by comparing each
    of them with the one ``k`` places further in sorted order, for k up to the longest run kept, so
    the work is vectorised and linear in the number of keys.
    """
    n = len(keys)
    empty = np.empty(0, np.int64)
    if n < 2:
        return empty, empty, empty
    order, ordered = sort_keys(np.asarray(keys))
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    del ordered
    lengths = np.diff(np.append(starts, n))
    run_length = np.repeat(lengths, lengths)
    skipped = order[run_length > max_run]
    keep = (run_length >= 2) & (run_length <= max_run)
    if not keep.any():
        return empty, empty, skipped
    kept_runs = (lengths >= 2) & (lengths <= max_run)
    run_of = np.repeat(np.arange(int(kept_runs.sum())), lengths[kept_runs])
    members = order[keep]
    longest = int(lengths[kept_runs].max())
    out_i, out_j = [], []
    for k in range(1, longest):
        pos = np.flatnonzero(run_of[k:] == run_of[:-k])
        if len(pos):
            out_i.append(members[pos])
            out_j.append(members[pos + k])
    return np.concatenate(out_i), np.concatenate(out_j), skipped


def unique_pairs(i: np.ndarray, j: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct unordered pairs of positions below ``n`` as (lo, hi), sorted.

    One int64 code per pair, sorted and deduplicated by neighbours: numpy's ``np.unique`` (hash
    based since 2.3) takes seconds where this takes a tenth of one, for the millions of candidates
    banding gives at a million people.
    """
    pair = np.minimum(i, j).astype(np.int64) * n + np.maximum(i, j)
    pair.sort()
    if len(pair):
        pair = pair[np.concatenate(([True], pair[1:] != pair[:-1]))]
    return pair // n, pair % n
