"""ATT&CK techniques in a report, English or French: ids written out, and behaviour described.

Two kinds of evidence, reported as ``Fact(kind="technique", value=<ATT&CK id>)`` with
``data = {"name", "how", "score"}``:

* ``how="explicit"``: the id is written (``T1566.001``, ``T1566.001 - Spearphishing Attachment``,
  an ATT&CK URL). Score 1.0; the span is the id, widened to the name written beside it.
* ``how="described"``: a sentence describes the behaviour ("des courriels d'hameçonnage avec des
  pièces jointes piégées"). The span is the sentence. Its score (0..1) combines, per technique:
  the sentence's similarity by meaning to geobuk's own phrases and the ATT&CK names (for a cued
  technique, also the similarity of the few words around the cue: a long sentence's vector is an
  average that drowns them), and whether geobuk's regular-expression cues or hints for that
  technique match in the sentence. When the store holds ATT&CK, it adds the similarity to the
  descriptions and procedure examples there, a TF-IDF match of the sentence's words with each
  technique's examples (``techniques_lexical``) and a classifier fitted on those examples in the
  user's store (``techniques_model``). Each combination is a logistic function whose weights
  (``WEIGHTS``, one set per mode) were fitted on ATT&CK's own procedure examples (see
  ``eval/tram_eval.py fit``), never on the TRAM test set. With a store, a technique's score is the
  higher of the store's reading and geobuk's own: ATT&CK's examples are English CTI prose, and a
  French news sentence that geobuk's phrases and cues recognise must not be lost by importing them.

A sentence yields at most ``MAX_PER_SENTENCE`` techniques, one per technique family (a parent and
its sub-techniques), each scoring at least the threshold (``DEFAULT_THRESHOLD``; lower it for
recall, raise it for precision).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from geobuk.intel.read.model import Fact, Span
from geobuk.intel.read.techniques_bank import StoreTexts, geobuk_bank
from geobuk.intel.read.techniques_catalog import (
    StoreKnowledge,
    Technique,
    parent_of,
    shipped_catalog,
    store_fingerprint,
    store_knowledge,
)
from geobuk.intel.read.techniques_cues import CUE, CueHit, cue_window, demote_outranked, find_cues
from geobuk.intel.read.techniques_ids import find_ids
from geobuk.intel.read.techniques_lexical import LexicalBank
from geobuk.intel.read.techniques_model import ProcedureModel, procedure_model
from geobuk.intel.read.techniques_semantic import Prototypes, embed
from geobuk.intel.read.techniques_sentences import sentence_spans

#: A described technique is reported from this score up (0..1). Chosen on ATT&CK's procedure
#: examples (``eval/tram_eval.py fit``) in the shipped mode: near that mode's best F1 there, with
#: precision a little above recall. The other modes use the same threshold.
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
#: description similarity, procedure similarity, its gap to the sentence's best, procedure vote,
#: similarity to the technique's procedure centroid, lexical (TF-IDF) score and its gap to the best,
#: probability of the technique's family by the classifier fitted on the procedure examples.
FEATURES = ("bias", "geobuk", "geobuk_gap", "cue", "hint", "description", "procedure", "procedure_gap",
            "procedure_vote", "centroid", "lexical", "lexical_gap", "model")
WEIGHTS = {
    "shipped": np.array([-4.03, 5.89, 0.97, 1.70, 0.15, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00]),
    "descriptions": np.array([-4.84, 4.16, 1.52, 1.65, 0.26, 3.14, 0, 0, 0, 0, 4.30, -0.72, 0]),
    "store": np.array([-3.37, 0.00, 0.11, 0.45, 0.00, 0.00, 0.00, 0.24, 0.00, 0.00, 0.00, 2.38, 8.45]),
}


@dataclass
class _Sentence:
    span: Span
    cues: dict[str, list[int]]  # technique id -> [cue count, hint count]
    windows: dict[str, set[str]] = field(default_factory=dict)  # technique id -> words around its cues

    def add_hit(self, hit: CueHit) -> None:
        """Count a cue or hint found in this sentence, and keep the words around it."""
        self.cues.setdefault(hit.technique_id, [0, 0])[0 if hit.kind == CUE else 1] += 1
        start = hit.start - self.span.start
        window = cue_window(self.span.text, start, start + hit.end - hit.start)
        if window != self.span.text:
            self.windows.setdefault(hit.technique_id, set()).add(window)


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
        self.centroids: Prototypes | None = None
        self.model: ProcedureModel | None = None
        self.lexical: LexicalBank | None = None
        if self.knowledge is not None:
            self.catalog.update(self.knowledge.techniques)
            texts = StoreTexts(self.knowledge)
            store_texts = texts.descriptions + texts.procedures
            self.lexical = LexicalBank(store_texts) if store_texts else None
            if semantic:
                self.descriptions, self.procedures = texts.banks()
                if self.procedures is not None:
                    self.centroids = self.procedures.centroids()
                    # the same texts as the lexical bank's: the classifier shares its vocabulary
                    self.model = procedure_model(*texts.classifier_examples(), self.lexical)
        self.ids = sorted(t.id for t in self.catalog.values() if not t.status)
        self.column = {tid: i for i, tid in enumerate(self.ids)}
        shipped = shipped_catalog()
        # Techniques only the store knows have no geobuk phrases: their store texts stand in.
        self.store_only = [self.column[t] for t in self.ids if t not in shipped]
        self.mode = ("store" if self.procedures is not None
                     else "descriptions" if self.descriptions is not None else "shipped")
        self.weights = WEIGHTS[self.mode]
        # the model's classes are families: each column of a known family takes its family's class
        index = {p: k for k, p in enumerate(self.model.ids)} if self.model is not None else {}
        family = [index.get(parent_of(tid), -1) for tid in self.ids]
        self.model_columns = [c for c, k in enumerate(family) if k >= 0]
        self.model_classes = [family[c] for c in self.model_columns]

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
        out = []
        for tids, x in self.features(sentences, language=language):
            z = x @ self.weights
            if self.mode != "shipped":
                # what the store adds is more evidence: never less than geobuk's own reading
                z = np.maximum(z, x @ WEIGHTS["shipped"])
            out.append((tids, 1.0 / (1.0 + np.exp(-z))))
        return out

    def features(self, sentences: Sequence[_Sentence], *, language: str | None = None
                 ) -> list[tuple[list[str], np.ndarray]]:
        """Per sentence, candidate technique ids and their feature rows (see ``FEATURES``)."""
        n, width = len(sentences), len(self.ids)
        sem = [i for i, s in enumerate(sentences) if self.semantic and len(s.span.text) >= MIN_SEMANTIC_CHARS]
        geo = np.zeros((n, width), dtype=np.float32)
        desc = np.zeros((n, width), dtype=np.float32)
        proc = np.zeros((n, width), dtype=np.float32)
        vote = np.zeros((n, width), dtype=np.float32)
        cent = np.zeros((n, width), dtype=np.float32)
        lex = np.zeros((n, width), dtype=np.float32)
        model = np.zeros((n, width), dtype=np.float32)
        if self.lexical is not None:
            self._scatter_scores(lex, list(range(n)), self.lexical.ids,
                                 self.lexical.scores([s.span.text for s in sentences]))
        if sem:
            unique = {sentences[i].span.text: None for i in sem}  # reports repeat headers and captions
            row_of = {text: k for k, text in enumerate(unique)}
            vectors = embed(list(unique))[[row_of[sentences[i].span.text] for i in sem]]
            self._scatter(geo, sem, geobuk_bank(language), vectors)
            self._windows(geo, [(i, sentences[i]) for i in sem], geobuk_bank(language))
            if self.descriptions is not None:
                self._scatter(desc, sem, self.descriptions, vectors)
                geo[:, self.store_only] = desc[:, self.store_only]
            if self.procedures is not None:
                self._scatter(proc, sem, self.procedures, vectors, top=PROCEDURE_TOP)
                self._scatter(vote, sem, self.procedures, vectors, votes=NEIGHBOURS)
                self._scatter(cent, sem, self.centroids, vectors)
            if self.model is not None:
                # every technique of a family gets the family's probability
                probs = self.model.probabilities(vectors, [sentences[i].span.text for i in sem])
                model[np.ix_(sem, self.model_columns)] = probs[:, self.model_classes]
        out = []
        embedded = set(sem)
        for i, sentence in enumerate(sentences):
            cols = set(np.argpartition(-geo[i], CANDIDATES)[:CANDIDATES]) if i in embedded else set()
            if self.descriptions is not None and i in embedded:
                cols.update(np.argpartition(-desc[i], CANDIDATES)[:CANDIDATES])
            if self.procedures is not None and i in embedded:
                cols.update(np.argpartition(-proc[i], CANDIDATES)[:CANDIDATES])
                cols.update(np.flatnonzero(vote[i]))
                cols.update(np.argpartition(-cent[i], CANDIDATES)[:CANDIDATES])
            if self.model is not None and i in embedded:
                cols.update(np.argpartition(-model[i], CANDIDATES)[:CANDIDATES])
            if self.lexical is not None and lex[i].any():
                cols.update(np.argpartition(-lex[i], CANDIDATES)[:CANDIDATES])
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
            x[:, 9] = cent[i, cols]
            x[:, 10] = lex[i, cols]
            x[:, 11] = lex[i, cols] - lex[i].max()
            x[:, 12] = model[i, cols]
            tids = [self.ids[c] for c in cols]
            for row, tid in enumerate(tids):
                cue, hint = sentence.cues.get(tid, (0, 0))
                x[row, 3] = min(cue, 2)
                x[row, 4] = min(hint, 2)
            out.append((tids, x))
        return out

    def _windows(self, geo: np.ndarray, sentences: list[tuple[int, _Sentence]], bank: Prototypes) -> None:
        """Raise a cued technique's similarity to that of the words around its cue, if higher.

        Only the technique the cue names gains: the window is evidence for it, not for whatever
        else those few words resemble.
        """
        wanted = [(i, tid, w) for i, s in sentences for tid, ws in s.windows.items()
                  if tid in self.column for w in sorted(ws)]
        if not wanted:
            return
        unique = list(dict.fromkeys(w for _, _, w in wanted))
        sims = bank.best(embed(unique))
        row_of = {w: k for k, w in enumerate(unique)}
        col_of = {tid: k for k, tid in enumerate(bank.ids)}
        for i, tid, window in wanted:
            k = col_of.get(tid)
            if k is not None:
                c = self.column[tid]
                geo[i, c] = max(geo[i, c], sims[row_of[window], k])

    def _scatter(self, into: np.ndarray, rows: list[int], bank: Prototypes, vectors: np.ndarray,
                 top: int = 1, votes: int = 0) -> None:
        best = bank.votes(vectors, k=votes) if votes else bank.best(vectors, top=top)
        self._scatter_scores(into, rows, bank.ids, best)

    def _scatter_scores(self, into: np.ndarray, rows: list[int], ids: list[str], scores: np.ndarray) -> None:
        """Copy (rows x ids) scores into the (sentences x known techniques) matrix ``into``."""
        cols = [self.column.get(tid, -1) for tid in ids]
        keep = [j for j, c in enumerate(cols) if c >= 0]
        into[np.ix_(rows, [cols[j] for j in keep])] = scores[:, keep]

    # ------------------------------------------------------------------ text
    def _sentences(self, text: str) -> list[_Sentence]:
        sentences = [_Sentence(span, {}) for span in sentence_spans(text)]
        starts = [s.span.start for s in sentences]
        for hit in find_cues(text):
            i = bisect.bisect_right(starts, hit.start) - 1
            if i < 0 or hit.end > sentences[i].span.end:
                continue
            sentences[i].add_hit(hit)
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
        sentence.add_hit(hit)
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
