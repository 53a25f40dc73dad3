"""Matching sentences to techniques by their words: TF-IDF centroids of the store's ATT&CK texts.

The sentence encoder blurs technical wording: "decrypts its strings with XOR", "injects into
explorer.exe" and "reads the Run key" all land near "the malware does something on the host". The
words themselves (``xor``, ``explorer.exe``, ``run key``) are what tell those techniques apart, and
ATT&CK's procedure examples and descriptions use them thousands of times. Each technique gets one
TF-IDF vector, the normalised sum of its texts' vectors (a nearest-centroid, "Rocchio" classifier);
a sentence's lexical score for a technique is its cosine with that centroid. Nothing is trained:
the centroids are sums, computed when the extractor is built (about a second for ATT&CK).

Words and word pairs (bigrams) are counted; a term must occur in at least ``MIN_DF`` texts, so that
a group's or a file's name seen once does not become evidence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

_TOKEN = re.compile(r"[a-z0-9_$%-]+(?:\.[a-z0-9_]+)*")
#: Terms must occur in this many of the bank's texts to count.
MIN_DF = 3
#: Words too common to tell techniques apart (the IDF weighs the rest).
_STOP = frozenset((
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as",
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "it", "its", "this", "that",
    "these", "those", "which", "who", "can", "may", "also", "use", "used", "uses", "using", "into",
    "via", "other", "such", "than", "then",
))


def terms(text: str) -> list[str]:
    """Lower-cased words (file names such as ``cmd.exe`` kept whole) and adjacent word pairs."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in _STOP]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


class LexicalBank:
    """One TF-IDF centroid per technique, and the cosine of sentences with each."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        """From (technique id, text) pairs: the store's procedure examples and description sentences."""
        counted = [(tid, Counter(terms(text))) for tid, text in pairs]
        df: Counter[str] = Counter()
        for _, counts in counted:
            df.update(counts.keys())
        n = len(counted)
        self.vocab = {t: k for k, t in enumerate(sorted(t for t, d in df.items() if d >= MIN_DF))}
        self.idf = np.zeros(len(self.vocab), dtype=np.float32)
        for t, k in self.vocab.items():
            self.idf[k] = math.log((1 + n) / (1 + df[t])) + 1.0
        self.ids = sorted({tid for tid, _ in pairs})
        column = {tid: j for j, tid in enumerate(self.ids)}
        self.centroids = np.zeros((len(self.vocab), len(self.ids)), dtype=np.float32)
        for tid, counts in counted:
            rows, weights = self._weights(counts)
            self.centroids[rows, column[tid]] += weights
        norms = np.linalg.norm(self.centroids, axis=0)
        self.centroids /= np.where(norms > 0, norms, 1.0)
        self.centroids = self.centroids.astype(np.float16)  # ~20 MB for ATT&CK instead of ~40

    def _weights(self, counts: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        """A text's unit TF-IDF vector, as (vocabulary rows, weights); sublinear term frequency."""
        known = [(self.vocab[t], c) for t, c in counts.items() if t in self.vocab]
        if not known:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = np.array([k for k, _ in known])
        weights = (1.0 + np.log([c for _, c in known])).astype(np.float32) * self.idf[rows]
        return rows, weights / np.linalg.norm(weights)

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """(texts x vocabulary): each text's unit TF-IDF vector, the classifier's word input."""
        indptr = [0]
        rows, weights = [], []
        for text in texts:
            r, w = self._weights(Counter(terms(text)))
            rows.append(r)
            weights.append(w)
            indptr.append(indptr[-1] + len(r))
        data = np.concatenate(weights) if weights else np.zeros(0, dtype=np.float32)
        indices = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(texts), len(self.vocab)))

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """(texts x techniques) cosines between each text's TF-IDF vector and each centroid."""
        out = np.zeros((len(texts), len(self.ids)), dtype=np.float32)
        for i, text in enumerate(texts):
            rows, weights = self._weights(Counter(terms(text)))
            if len(rows):
                out[i] = weights @ self.centroids[rows].astype(np.float32)
        return out
