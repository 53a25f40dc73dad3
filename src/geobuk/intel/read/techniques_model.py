"""A linear classifier fitted on the store's ATT&CK procedure examples: sentence vectors and words.

Nearest examples and centroids ask how close a sentence is to a technique's examples; a classifier
also learns which directions tell one technique from its neighbours (what separates "decodes its
payload" from "encodes its traffic"), which similarity alone cannot. It is multinomial logistic
regression, one class per parent technique, on the encoder's vector of a sentence and its TF-IDF
cosines with each technique's examples (``techniques_lexical``; for a training example, with itself
left out of its own technique's centroid). It is fitted on the user's own store (thousands of
ATT&CK procedure examples, labelled by ATT&CK) the first time the store's ATT&CK is used (some
seconds), then cached with the other vectors. Nothing trained ships with geobuk; TRAM is never seen.
Settings (``STEPS``, ``L2``, ``LEXICAL_SCALE``) were chosen on ATT&CK procedure examples held out by
group (``eval/tram_eval.py``'s split): top-1 0.60 with vectors alone at L2 1e-4, 0.66 at 1e-5,
0.70 with the lexical cosines added.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from geobuk.intel.read.techniques_catalog import parent_of
from geobuk.intel.read.techniques_lexical import LexicalBank
from geobuk.intel.read.techniques_semantic import cache_dir, texts_key

#: Bump when the fitting changes: cached models are then refitted.
MODEL_VERSION = "softmax-3"
STEPS = 150
L2 = 1e-5
#: Lexical cosines are small next to the vector's components: scaled so that Adam's common step
#: size suits both.
LEXICAL_SCALE = 5.0


class ProcedureModel:
    """Per parent technique, the probability that a sentence describes it (rows sum to 1)."""

    def __init__(self, ids: list[str], weights: np.ndarray, lexical: LexicalBank) -> None:
        self.ids = ids
        self.weights = weights
        self.lexical = lexical

    def probabilities(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Rows for ``texts``, whose sentence vectors are ``vectors``."""
        x = np.hstack([vectors, LEXICAL_SCALE * self.lexical.scores(texts)])
        z = x @ self.weights[:-1] + self.weights[-1]
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)


def fit_softmax(x: np.ndarray, y: np.ndarray, classes: int, *, steps: int = STEPS, l2: float = L2
                ) -> np.ndarray:
    """Weights ((dims + 1) x classes, bias last) by full-batch Adam on the mean cross-entropy."""
    x = np.hstack([x.astype(np.float32), np.ones((len(x), 1), dtype=np.float32)])
    w = np.zeros((x.shape[1], classes), dtype=np.float32)
    m, v = np.zeros_like(w), np.zeros_like(w)
    onehot = np.zeros((len(x), classes), dtype=np.float32)
    onehot[np.arange(len(x)), y] = 1.0
    for step in range(1, steps + 1):
        z = x @ w
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = x.T @ (p - onehot) / len(x) + l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= 0.05 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return w


def procedure_model(pairs: Sequence[tuple[str, str]], vectors: np.ndarray) -> ProcedureModel:
    """The classifier for (technique id, procedure example) ``pairs`` and their sentence vectors.

    Loaded from the cache when these examples were seen before, else fitted and cached.
    """
    parents = [(parent_of(tid), text) for tid, text in pairs]
    lexical = LexicalBank(parents)
    ids = lexical.ids
    column = {p: k for k, p in enumerate(ids)}
    y = np.array([column[p] for p, _ in parents])
    key = texts_key([MODEL_VERSION, *(f"{p}\t{t}" for p, t in parents)])
    path = cache_dir() / f"model-{key}.npy"
    shape = (vectors.shape[1] + len(ids) + 1, len(ids))
    if path.exists():
        try:
            weights = np.load(path, allow_pickle=False)
            if weights.shape == shape:
                return ProcedureModel(ids, weights.astype(np.float32), lexical)
        except (OSError, ValueError):
            pass  # a damaged cache entry is refitted
    x = np.hstack([vectors, LEXICAL_SCALE * lexical.left_out_scores(parents)])
    weights = fit_softmax(x, y, len(ids))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, weights)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs time
    return ProcedureModel(ids, weights, lexical)
