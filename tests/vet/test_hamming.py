"""Multi-index hashing finds exactly the pairs a full comparison finds."""

from __future__ import annotations

import random
from itertools import combinations

import numpy as np

from geobuk.vet import hamming


def test_same_pairs_as_brute_force():
    rng = random.Random(3)
    values = [rng.getrandbits(64) for _ in range(400)]
    for k in range(0, 60, 2):  # plant near pairs at every distance 0..6
        flips = rng.sample(range(64), k % 7)
        values[k + 1] = values[k]
        for bit in flips:
            values[k + 1] ^= 1 << bit
    hashes = np.array(values, dtype=np.uint64)
    i, j, d, skipped = hamming.near_pairs(hashes, 4)
    expected = {
        (a, b) for a, b in combinations(range(len(values)), 2) if (values[a] ^ values[b]).bit_count() <= 4
    }
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == expected and not skipped
    assert all(int(x) == (values[a] ^ values[b]).bit_count() for a, b, x in zip(i, j, d, strict=True))


def test_bands_cover_64_bits():
    cuts = hamming.bands(4)
    assert len(cuts) == 6 and sum(w for _, w in cuts) == 64 and cuts[-1][0] + cuts[-1][1] == 64


def test_crowded_bucket_is_skipped_and_reported():
    hashes = np.array([7] * 30 + [0xF0F0F0F0F0F0F0F0], dtype=np.uint64)
    i, _, _, skipped = hamming.near_pairs(hashes, 2, max_bucket=10)
    assert len(i) == 0 and len(skipped) == 30
