"""A linear classifier fitted on the store's ATT&CK procedure examples: words, spellings, meaning.

Nearest examples and centroids ask how close a sentence is to a technique's examples; a classifier
also learns which words and directions tell one technique from its neighbours (what separates
"decodes its payload" from "encodes its traffic"), which similarity alone cannot. It is
multinomial logistic regression (scikit-learn), one class per parent technique, on three views of
a sentence side by side: its TF-IDF words and word pairs (``techniques_lexical``), its TF-IDF
character 3- to 5-grams within words (so that "decryption", "decrypts" and "decrypted" share
evidence, and "powershell.exe" meets "PowerShell"), and its encoder vector. Classes are weighted by
the inverse of their size: ATT&CK holds ten times more examples of some techniques than of others,
and a report's sentence is not ten times likelier to describe them.

It is fitted on the user's own store (thousands of ATT&CK procedure examples and the first
sentences of the technique descriptions, labelled by ATT&CK) the first time the store's ATT&CK is
used (one to two minutes on two cores), then cached with the other vectors. Nothing trained ships
with geobuk; TRAM is never seen. Settings were chosen on ATT&CK procedure examples held out by
group (``eval/tram_eval.py settings``: top-1 among all parent techniques on 3,000 examples of groups
and software the classifier did not learn from): 0.777 as set here; ``C`` 10 / 100: 0.773 / 0.774;
vectors scaled 0.25 / 1.0: 0.775 / 0.772; character grams left out / scaled 0.5 / 2.0: 0.753 /
0.767 / 0.778; classes unweighted: 0.765. The previous classifier (vectors and TF-IDF centroid
cosines, unweighted classes, fitted by hand-written Adam) reached 0.70 in an earlier split.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from geobuk.intel.read.techniques_catalog import parent_of
from geobuk.intel.read.techniques_lexical import LexicalBank
from geobuk.intel.read.techniques_semantic import cache_dir, texts_key

#: Bump when the fitting changes: cached models are then refitted.
MODEL_VERSION = "logreg-tfidf-chars-1"
#: Inverse regularisation strength.
C = 30.0
#: Encoder vectors and character-gram rows are unit length like the word rows; their shares.
VECTOR_SCALE = 0.5
GRAM_SCALE = 1.0
#: Character grams kept (the most frequent), and how many texts one must occur in.
MAX_GRAMS = 30_000
MIN_GRAM_DF = 3
MAX_ITER = 300


class CharGrams:
    """TF-IDF of character 3- to 5-grams inside words, with a vocabulary that can be cached."""

    def __init__(self, grams: np.ndarray, idf: np.ndarray) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.grams = grams
        self.idf = idf
        self.vectorizer = None  # no gram recurs (a tiny store): this view is empty
        if len(grams):
            vocabulary = {g: k for k, g in enumerate(grams)}
            self.vectorizer = TfidfVectorizer(**self._settings(), vocabulary=vocabulary)
            self.vectorizer.idf_ = idf

    @staticmethod
    def _settings() -> dict:
        return {"analyzer": "char_wb", "ngram_range": (3, 5), "sublinear_tf": True, "dtype": np.float32}

    @classmethod
    def fit(cls, texts: Sequence[str]) -> CharGrams:
        from sklearn.feature_extraction.text import TfidfVectorizer

        try:
            fitted = TfidfVectorizer(**cls._settings(), min_df=MIN_GRAM_DF, max_features=MAX_GRAMS).fit(texts)
        except ValueError:  # scikit-learn's "no terms remain": nothing recurs
            return cls(np.zeros(0, dtype=str), np.zeros(0, dtype=np.float32))
        return cls(np.asarray(fitted.get_feature_names_out(), dtype=str), fitted.idf_.astype(np.float32))

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if self.vectorizer is None:
            return sparse.csr_matrix((len(texts), 0), dtype=np.float32)
        return self.vectorizer.transform(texts)


def design(lexical: LexicalBank, grams: CharGrams, vectors: np.ndarray, texts: Sequence[str], *,
           vector_scale: float = VECTOR_SCALE, gram_scale: float = GRAM_SCALE) -> sparse.csr_matrix:
    """Input rows: each text's unit TF-IDF word vector, its encoder vector, its character grams."""
    dense = sparse.csr_matrix(vector_scale * np.asarray(vectors, dtype=np.float32))
    return sparse.hstack([lexical.matrix(texts), dense, gram_scale * grams.matrix(texts)], format="csr")


def fit_classifier(x: np.ndarray | sparse.spmatrix, y: np.ndarray, *, c: float = C, balanced: bool = True,
                   max_iter: int = MAX_ITER) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(classes, weights as features x classes, intercepts) of multinomial logistic regression.

    Weights are rounded to float16 and back, as the cache keeps them, so that a freshly fitted
    model and the same model read from the cache give the same answers.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=max_iter, class_weight="balanced" if balanced else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the last digits do not change the answer
        clf.fit(x, y)
    coef, intercept = clf.coef_, clf.intercept_
    if coef.shape[0] == 1:  # two classes: scikit-learn keeps one row
        coef, intercept = np.vstack([-coef, coef]) / 2, np.array([-intercept[0], intercept[0]]) / 2
    weights = coef.T.astype(np.float16).astype(np.float32)
    return clf.classes_, weights, intercept.astype(np.float16).astype(np.float32)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


class ProcedureModel:
    """Per parent technique, the probability that a sentence describes it (rows sum to 1)."""

    def __init__(self, ids: list[str], weights: np.ndarray, intercept: np.ndarray,
                 lexical: LexicalBank, grams: CharGrams) -> None:
        self.ids = ids
        self.weights = weights
        self.intercept = intercept
        self.lexical = lexical
        self.grams = grams

    def probabilities(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Rows for ``texts``, whose sentence vectors are ``vectors``."""
        z = np.asarray(design(self.lexical, self.grams, vectors, texts) @ self.weights) + self.intercept
        return softmax(z)


def procedure_model(pairs: Sequence[tuple[str, str]], vectors: np.ndarray,
                    words: LexicalBank | None = None) -> ProcedureModel | None:
    """The classifier for (technique id, procedure example) ``pairs`` and their sentence vectors.

    ``words`` lends its vocabulary and IDF to the word view (the extractor passes its own bank, made
    from the same texts: a second one costs about a second for ATT&CK); by default a bank is made
    from ``pairs``. Loaded from the cache when these examples and this vocabulary were seen before,
    else fitted and cached. None when the examples name fewer than two parent techniques: there is
    nothing to tell apart.
    """
    parents = [(parent_of(tid), text) for tid, text in pairs]
    ids = sorted({p for p, _ in parents})  # as scikit-learn sorts its classes: the columns line up
    if len(ids) < 2:
        return None
    lexical = words if words is not None else LexicalBank(parents)
    key = texts_key([MODEL_VERSION, *(f"{p}\t{t}" for p, t in parents),
                     "\tvocabulary", *lexical.vocab, lexical.idf.tobytes().hex()])
    path = cache_dir() / f"model-{key}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as cached:
                weights, intercept = cached["weights"], cached["intercept"]
                grams = CharGrams(cached["grams"], cached["idf"])
            width = len(lexical.vocab) + vectors.shape[1] + len(grams.grams)
            if weights.shape == (width, len(ids)) and intercept.shape == (len(ids),):
                return ProcedureModel(ids, weights.astype(np.float32), intercept.astype(np.float32),
                                      lexical, grams)
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache entry is refitted
    texts = [t for _, t in parents]
    grams = CharGrams.fit(texts)
    y = np.array([p for p, _ in parents])
    _, weights, intercept = fit_classifier(design(lexical, grams, vectors, texts), y)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, weights=weights.astype(np.float16), intercept=intercept.astype(np.float16),
                 grams=grams.grams, idf=grams.idf)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs time
    return ProcedureModel(ids, weights, intercept, lexical, grams)
