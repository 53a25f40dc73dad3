"""ATT&CK techniques in a report, English or French: ids written out, and behaviour described.

Two kinds of evidence, reported as ``Fact(kind="technique", value=<ATT&CK id>)`` with
``data = {"name", "how", "score"}``:

* ``how="explicit"``: the id is written (``T1566.001``, ``T1566.001 - Spearphishing Attachment``,
  an ATT&CK URL). Score 1.0; the span is the id, widened to the name written beside it.
* ``how="described"``: a sentence describes the behaviour ("des courriels d'hameçonnage avec des
  pièces jointes piégées"). The span is the sentence. Its score (0..1) combines, per technique:
  the sentence's similarity by meaning to geobuk's own phrases and the ATT&CK names (and, when the
  store holds ATT&CK, to the descriptions and procedure examples there), and whether geobuk's
  regular-expression cues or hints for that technique match in the sentence. The combination is a
  logistic function whose weights (``WEIGHTS``) were fitted on ATT&CK's own procedure examples
  (see ``eval/tram_eval.py``), never on the TRAM test set.

A sentence yields at most ``MAX_PER_SENTENCE`` techniques, one per technique family (a parent and
its sub-techniques), each scoring at least the threshold (``DEFAULT_THRESHOLD``; lower it for
recall, raise it for precision).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geobuk.intel.read.model import Fact, Span
from geobuk.intel.read.techniques_bank import geobuk_bank, store_banks
from geobuk.intel.read.techniques_catalog import (
    StoreKnowledge,
    Technique,
    parent_of,
    shipped_catalog,
    store_fingerprint,
    store_knowledge,
)
from geobuk.intel.read.techniques_cues import CUE, demote_outranked, find_cues
from geobuk.intel.read.techniques_ids import find_ids
from geobuk.intel.read.techniques_semantic import Prototypes, embed
from geobuk.intel.read.techniques_sentences import sentence_spans

#: A described technique is reported from this score up (0..1). Chosen on ATT&CK's procedure
#: examples (``eval/tram_eval.py fit``): near the best F1 there, with precision a little above recall.
DEFAULT_THRESHOLD = 0.35
MAX_PER_SENTENCE = 3
#: Techniques per sentence whose features are scored, besides those a cue or hint points to.
CANDIDATES = 8
#: Procedure examples averaged per technique (one close example can be a coincidence).
PROCEDURE_TOP = 3
#: Sentences shorter than this (characters) are headings or table cells: cues only, no semantics.
MIN_SEMANTIC_CHARS = 25

#: Nearest procedure examples that vote (see ``Prototypes.votes``).
NEIGHBOURS = 10

#: Feature order of ``WEIGHTS``: bias, geobuk similarity, its gap to the sentence's best, cue, hint,
#: description similarity, procedure similarity, its gap to the sentence's best, procedure vote.
FEATURES = ("bias", "geobuk", "geobuk_gap", "cue", "hint", "description", "procedure", "procedure_gap",
            "procedure_vote")
WEIGHTS = {
    "shipped": np.array([-4.36, 6.79, 0.88, 1.84, 0.36, 0.00, 0.00, 0.00, 0.00]),
    "descriptions": np.array([-4.92, 4.31, 0.91, 1.83, 0.40, 4.60, 0.00, 0.00, 0.00]),
    "store": np.array([-4.76, 2.82, 0.00, 1.33, 0.05, 4.49, 0.67, 0.49, 3.30]),
}


@dataclass
class _Sentence:
    span: Span
    cues: dict[str, list[int]]  # technique id -> [cue count, hint count]


class TechniqueExtractor:
    """Finds techniques in texts; build once and reuse (the catalogs and vectors are loaded once)."""

    def __init__(self, store=None, *, threshold: float = DEFAULT_THRESHOLD, semantic: bool = True,
                 knowledge: StoreKnowledge | None = None) -> None:
        """``knowledge`` stands in for a store's (evaluations pass part of ATT&CK this way)."""
        self.threshold = threshold
        self.semantic = semantic
        self.catalog: dict[str, Technique] = dict(shipped_catalog())
        self.knowledge = knowledge if knowledge is not None else store_knowledge(store) if store else None
        self.descriptions: Prototypes | None = None
        self.procedures: Prototypes | None = None
        if self.knowledge is not None:
            self.catalog.update(self.knowledge.techniques)
            if semantic:
                self.descriptions, self.procedures = store_banks(self.knowledge)
        self.ids = sorted(t.id for t in self.catalog.values() if not t.status)
        self.column = {tid: i for i, tid in enumerate(self.ids)}
        shipped = shipped_catalog()
        # Techniques only the store knows have no geobuk phrases: their store texts stand in.
        self.store_only = [self.column[t] for t in self.ids if t not in shipped]
        self.weights = WEIGHTS["store" if self.procedures is not None
                               else "descriptions" if self.descriptions is not None else "shipped"]

    # ------------------------------------------------------------------ public
    def extract(self, text: str, *, language: str | None = None) -> list[Fact]:
        return self.extract_many([text], language=language)[0]

    def extract_many(self, texts: Sequence[str], *, language: str | None = None) -> list[list[Fact]]:
        """Each text read on its own, but all sentences embedded in one batch (much faster)."""
        per_text = [self._sentences(text) for text in texts]
        flat = [s for sentences in per_text for s in sentences]
        scored = self.score_sentences(flat, language=language)
        out, pos = [], 0
        for text, sentences in zip(texts, per_text, strict=True):
            facts = [self._explicit(m) for m in find_ids(text, self.catalog)]
            for sentence in sentences:
                for tid, score in scored[pos]:
                    facts.append(Fact("technique", tid, sentence.span, data={
                        "name": self.catalog[tid].name, "how": "described", "score": round(score, 3)}))
                pos += 1
            facts.sort(key=lambda f: (f.span.start, -f.data["score"], f.value))
            out.append(facts)
        return out

    # ------------------------------------------------------------------ scoring
    def score_sentences(self, sentences: Sequence[_Sentence], *, language: str | None = None,
                        threshold: float | None = None) -> list[list[tuple[str, float]]]:
        """Per sentence, the (technique id, score) pairs that pass the threshold, best first."""
        threshold = self.threshold if threshold is None else threshold
        out = []
        for tids, scores in self.candidate_scores(sentences, language=language):
            best: dict[str, tuple[float, str]] = {}
            for tid, score in zip(tids, scores, strict=True):
                family = parent_of(tid)
                if score >= threshold and (family not in best or score > best[family][0]):
                    best[family] = (float(score), tid)
            ranked = sorted(best.values(), reverse=True)[:MAX_PER_SENTENCE]
            out.append([(tid, score) for score, tid in ranked])
        return out

    def candidate_scores(self, sentences: Sequence[_Sentence], *, language: str | None = None
                         ) -> list[tuple[list[str], np.ndarray]]:
        """Per sentence, its candidate techniques and their scores (before threshold and family)."""
        feats = self.features(sentences, language=language)
        return [(tids, 1.0 / (1.0 + np.exp(-(x @ self.weights)))) for tids, x in feats]

    def features(self, sentences: Sequence[_Sentence], *, language: str | None = None
                 ) -> list[tuple[list[str], np.ndarray]]:
        """Per sentence, candidate technique ids and their feature rows (see ``FEATURES``)."""
        n, width = len(sentences), len(self.ids)
        sem = [i for i, s in enumerate(sentences) if self.semantic and len(s.span.text) >= MIN_SEMANTIC_CHARS]
        geo = np.zeros((n, width), dtype=np.float32)
        desc = np.zeros((n, width), dtype=np.float32)
        proc = np.zeros((n, width), dtype=np.float32)
        vote = np.zeros((n, width), dtype=np.float32)
        if sem:
            unique = {sentences[i].span.text: None for i in sem}  # reports repeat headers and captions
            row_of = {text: k for k, text in enumerate(unique)}
            vectors = embed(list(unique))[[row_of[sentences[i].span.text] for i in sem]]
            self._scatter(geo, sem, geobuk_bank(language), vectors)
            if self.descriptions is not None:
                self._scatter(desc, sem, self.descriptions, vectors)
                geo[:, self.store_only] = desc[:, self.store_only]
            if self.procedures is not None:
                self._scatter(proc, sem, self.procedures, vectors, top=PROCEDURE_TOP)
                self._scatter(vote, sem, self.procedures, vectors, votes=NEIGHBOURS)
        out = []
        embedded = set(sem)
        for i, sentence in enumerate(sentences):
            cols = set(np.argpartition(-geo[i], CANDIDATES)[:CANDIDATES]) if i in embedded else set()
            if self.descriptions is not None and i in embedded:
                cols.update(np.argpartition(-desc[i], CANDIDATES)[:CANDIDATES])
            if self.procedures is not None and i in embedded:
                cols.update(np.argpartition(-proc[i], CANDIDATES)[:CANDIDATES])
                cols.update(np.flatnonzero(vote[i]))
            cols.update(self.column[t] for t in sentence.cues if t in self.column)
            cols = sorted(cols)
            x = np.zeros((len(cols), len(FEATURES)))
            x[:, 0] = 1.0
            x[:, 1] = geo[i, cols]
            x[:, 2] = geo[i, cols] - geo[i].max()
            x[:, 5] = desc[i, cols]
            x[:, 6] = proc[i, cols]
            x[:, 7] = proc[i, cols] - proc[i].max()
            x[:, 8] = vote[i, cols]
            tids = [self.ids[c] for c in cols]
            for row, tid in enumerate(tids):
                cue, hint = sentence.cues.get(tid, (0, 0))
                x[row, 3] = min(cue, 2)
                x[row, 4] = min(hint, 2)
            out.append((tids, x))
        return out

    def _scatter(self, into: np.ndarray, rows: list[int], bank: Prototypes, vectors: np.ndarray,
                 top: int = 1, votes: int = 0) -> None:
        cols = [self.column.get(tid, -1) for tid in bank.ids]
        keep = [j for j, c in enumerate(cols) if c >= 0]
        best = bank.votes(vectors, k=votes) if votes else bank.best(vectors, top=top)
        into[np.ix_(rows, [cols[j] for j in keep])] = best[:, keep]

    # ------------------------------------------------------------------ text
    def _sentences(self, text: str) -> list[_Sentence]:
        sentences = [_Sentence(span, {}) for span in sentence_spans(text)]
        starts = [s.span.start for s in sentences]
        for hit in find_cues(text):
            i = bisect.bisect_right(starts, hit.start) - 1
            if i < 0 or hit.end > sentences[i].span.end:
                continue
            counts = sentences[i].cues.setdefault(hit.technique_id, [0, 0])
            counts[0 if hit.kind == CUE else 1] += 1
        for sentence in sentences:
            demote_outranked(sentence.cues)
        return sentences

    def _explicit(self, mention) -> Fact:
        technique = mention.technique
        return Fact("technique", technique.id, mention.span, data={
            "name": technique.name, "how": "explicit", "score": 1.0,
            **({"status": technique.status} if technique.status else {})})


def whole_sentence(text: str) -> _Sentence:
    """``text`` as one sentence with its cues (for scoring labelled sentences one by one)."""
    sentence = _Sentence(Span(0, len(text), text), {})
    for hit in find_cues(text):
        sentence.cues.setdefault(hit.technique_id, [0, 0])[0 if hit.kind == CUE else 1] += 1
    demote_outranked(sentence.cues)
    return sentence


_EXTRACTORS: dict[tuple, TechniqueExtractor] = {}


def extractor_for(store=None, *, threshold: float = DEFAULT_THRESHOLD) -> TechniqueExtractor:
    """One extractor per store version and threshold, kept for the life of the process."""
    key = (store_fingerprint(store) if store is not None else None, threshold)
    if key not in _EXTRACTORS:
        if len(_EXTRACTORS) > 4:
            _EXTRACTORS.clear()
        _EXTRACTORS[key] = TechniqueExtractor(store, threshold=threshold)
    return _EXTRACTORS[key]


def extract_techniques(text: str, *, language: str | None = None, store=None,
                       threshold: float = DEFAULT_THRESHOLD) -> list[Fact]:
    """Techniques named or described in ``text``, each with its span and score, in text order.

    ``language`` ("en", "fr" or None for unknown) narrows geobuk's phrases to that language; the
    encoder is cross-lingual, so a wrong guess costs little. With a ``store`` holding ATT&CK, its
    descriptions and procedure examples also count (their vectors are computed once, then cached).
    """
    return extractor_for(store, threshold=threshold).extract(text, language=language)
