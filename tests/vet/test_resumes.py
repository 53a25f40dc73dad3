"""MinHash LSH finds near-duplicate resumes and estimates their similarity."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa

from geobuk.vet import resumes


def _text(rng, words, n=120):
    return " ".join(rng.choice(words) for _ in range(n))


def test_near_duplicates_found_unrelated_not():
    rng = random.Random(2)
    words = [f"w{k}" for k in range(3000)]
    texts = [_text(rng, words) for _ in range(300)]
    base = texts[10].split()
    texts[20] = " ".join(["Alice", "Smith", *base[2:]])  # the template with another name
    texts[30] = "too short"
    sigs, present = resumes.signatures(pa.array(texts))
    i, j, sim = resumes.near_pairs(sigs, present, 0.7)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == [(10, 20)] and sim[0] > 0.9
    assert not present[30]


def test_estimate_close_to_exact_jaccard():
    rng = random.Random(4)
    words = [f"w{k}" for k in range(500)]
    a = _text(rng, words, 200).split()
    b = a[:140] + _text(rng, words, 60).split()

    def grams(ws):
        return {tuple(ws[k : k + 3]) for k in range(len(ws) - 2)}

    exact = len(grams(a) & grams(b)) / len(grams(a) | grams(b))
    sigs, _ = resumes.signatures(pa.array([" ".join(a), " ".join(b)]))
    estimate = resumes.similarity(sigs, np.array([0]), np.array([1]))[0]
    assert abs(estimate - exact) < 0.15


def test_signatures_are_stable_across_runs():
    texts = pa.array(["the same words in the same order every time"])
    assert np.array_equal(resumes.signatures(texts)[0], resumes.signatures(texts)[0])
