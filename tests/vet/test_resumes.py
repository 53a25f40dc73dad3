"""MinHash LSH finds near-duplicate resumes and estimates their similarity."""

from __future__ import annotations

import hashlib
import random
from itertools import combinations

import numpy as np
import pyarrow as pa
import pytest

from geobuk.vet import minhash, resumes
from geobuk.vet.unionfind import components


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
    estimate = minhash.similarity(sigs, np.array([0]), np.array([1]))[0]
    assert abs(estimate - exact) < 0.15


def test_signatures_are_stable_across_runs():
    texts = pa.array(["the same words in the same order every time"])
    assert np.array_equal(resumes.signatures(texts)[0], resumes.signatures(texts)[0])


# A plain reference: one resume at a time, Python strings and dicts, the textbook steps.
_PUNCTUATION = ".,;:!?()[]{}\"'`*-/\\|<>"
_ODD = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)
_MASK = (1 << 64) - 1


def _mix(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _reference_signature(text: str | None) -> list[int] | None:
    words = [w.strip(_PUNCTUATION) for w in (text or "").lower().split()]
    if len(words) < 3:
        return None
    hashed = [int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little") for w in words]
    sig = [0xFFFFFFFF] * resumes.BINS
    for k in range(len(words) - 2):
        h = _mix(sum(hashed[k + m] * _ODD[m] for m in range(3)) & _MASK)
        b = ((h >> 32) * resumes.BINS) >> 32
        sig[b] = min(sig[b], h & 0xFFFFFFFE)
    filled = sig[:]
    for b in range(resumes.BINS):  # rotation densification
        step = 0
        while sig[(b + step) % resumes.BINS] == 0xFFFFFFFF:
            step += 1
        filled[b] = (sig[(b + step) % resumes.BINS] + step) & 0xFFFFFFFE
    return filled


def _corpus() -> list[str | None]:
    rng = random.Random(11)
    words = [f"w{k}" for k in range(400)] + ["Straße", "ÉCOLE", "(C++),", "--", "Go;"]
    texts: list[str | None] = [_text(rng, words, rng.randint(0, 40)) for _ in range(120)]
    template = _text(rng, words, 60).split()
    for k in range(6):  # one template sent six times, each with its own name and a changed word
        variant = [f"Name{k}", *template]
        variant[10 + k] = f"edit{k}"
        texts[20 + k] = "\u00a0\t".join(variant) if k % 2 else " ".join(variant)
    texts[40] = texts[41] = "x y"  # too short: no signature, never linked
    texts[42] = None
    texts[43] = "ÉCOLE  straße\nécole STRASSE école"  # case, Unicode and odd whitespace
    return texts


def test_signatures_equal_a_plain_reference():
    texts = _corpus()
    sigs, present = resumes.signatures(pa.array(texts), chunk=16)
    for row, text in enumerate(texts):
        expected = _reference_signature(text)
        assert present[row] == (expected is not None), row
        if expected is not None:
            assert sigs[row].tolist() == expected, row


def test_chunks_threads_and_arrow_chunks_change_nothing():
    texts = _corpus()
    one, _ = resumes.signatures(pa.array(texts), chunk=10_000, workers=1)
    chunked = pa.chunked_array([pa.array(texts[:50]), pa.array(texts[50:51]), pa.array(texts[51:])])
    many, _ = resumes.signatures(chunked, chunk=7, workers=3)
    assert np.array_equal(one, many)


def _reference_pairs(sigs: np.ndarray, present: np.ndarray, bar: float, max_bucket: int) -> dict:
    """Pairs sharing all ROWS values of some band (all pairs in a bucket, a chain in one over the
    cap), kept when at least ``bar`` of the bins agree; {(i, j): similarity}."""
    candidates = set()
    for band in range(resumes.BANDS):
        buckets: dict[tuple[int, ...], list[int]] = {}
        for row in np.flatnonzero(present).tolist():
            part = tuple(sigs[row, band * resumes.ROWS : (band + 1) * resumes.ROWS].tolist())
            buckets.setdefault(part, []).append(row)
        for members in buckets.values():
            if len(members) > max_bucket:
                candidates.update(zip(members, members[1:], strict=False))
            else:
                candidates.update(combinations(members, 2))
    out = {}
    for i, j in candidates:
        sim = float(np.mean(sigs[i] == sigs[j]))
        if sim >= bar:
            out[(i, j)] = sim
    return out


@pytest.mark.parametrize("max_bucket", [50, 3])
def test_near_pairs_equal_plain_banding(max_bucket):
    texts = _corpus()
    sigs, present = resumes.signatures(pa.array(texts))
    i, j, sim = resumes.near_pairs(sigs, present, 0.7, max_bucket=max_bucket)
    found = dict(zip(zip(i.tolist(), j.tolist(), strict=True), sim.tolist(), strict=True))
    expected = _reference_pairs(sigs, present, 0.7, max_bucket)
    assert found == pytest.approx(expected) and found.keys() == expected.keys()
    assert all(20 <= a < b <= 25 for a, b in found)
    # All 15 pairs of the six when buckets may hold them; under a cap of 3, fewer pairs (chains in
    # the full buckets) that still connect all six.
    labels = components(30, np.array([a for a, _ in found]), np.array([b for _, b in found]))
    assert len(set(labels[20:26].tolist())) == 1
    assert len(found) == 15 if max_bucket == 50 else 5 <= len(found) < 15
