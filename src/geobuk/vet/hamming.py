"""Pairs of 64-bit hashes within a Hamming distance, without comparing all pairs.

Pigeonhole (multi-index hashing): cut the 64 bits into ``d + 2`` bands; two hashes at most ``d``
bits apart differ in at most ``d`` bands, so at least two bands are identical, and the pair shares
the key made of some two bands. Grouping on each of the C(d+2, 2) two-band keys finds every such
pair exactly (no false negatives); the candidates are then checked with a popcount. With random
hashes a two-band key of ~2*64/(d+2) bits makes buckets small; a key shared by many hashes (a
default avatar) is skipped and reported, as no identifier is shared by that many people.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from geobuk.vet.runs import pairs_in_runs, unique_pairs


def bands(distance: int) -> list[tuple[int, int]]:
    """(shift, width) of ``distance + 2`` bands covering 64 bits."""
    count = distance + 2
    widths = [64 // count + (1 if i < 64 % count else 0) for i in range(count)]
    out, shift = [], 0
    for width in widths:
        out.append((shift, width))
        shift += width
    return out


def near_pairs(
    hashes: np.ndarray, max_distance: int, *, max_bucket: int = 50
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """(i, j, distance) with i < j for every pair of ``hashes`` (uint64) within ``max_distance`` bits.

    Also returns the positions of hashes left out because their bucket held more than ``max_bucket``.
    """
    hashes = np.asarray(hashes, dtype=np.uint64)
    n = len(hashes)
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    skipped: set[int] = set()
    cuts = bands(max_distance)
    parts = [(hashes >> np.uint64(shift)) & np.uint64((1 << width) - 1) for shift, width in cuts]
    for a, b in combinations(range(len(cuts)), 2):
        key = (parts[a] << np.uint64(cuts[b][1])) | parts[b]
        i, j, big = pairs_in_runs(key, max_bucket)
        skipped.update(big.tolist())
        found_i.append(i)
        found_j.append(j)
    if not found_i or n < 2:
        empty = np.empty(0, np.int64)
        return empty, empty, empty, sorted(skipped)
    i = np.concatenate(found_i)
    j = np.concatenate(found_j)
    lo, hi = unique_pairs(i, j, n)
    dist = np.bitwise_count(hashes[lo] ^ hashes[hi]).astype(np.int64)
    keep = dist <= max_distance
    return lo[keep], hi[keep], dist[keep], sorted(skipped)
