from __future__ import annotations

import random

import numpy as np

from geobuk.vet.unionfind import components


def _reference(n, edges):
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    return [find(x) for x in range(n)]


def test_matches_a_plain_union_find():
    rng = random.Random(5)
    n = 500
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(300)]
    edges += [(k, k + 1) for k in range(100, 160)]  # a long chain
    labels = components(n, np.array([a for a, _ in edges]), np.array([b for _, b in edges]))
    assert labels.tolist() == _reference(n, edges)


def test_no_edges():
    assert components(3, np.array([]), np.array([])).tolist() == [0, 1, 2]
