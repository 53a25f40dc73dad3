"""How well ``geobuk.intel.read.techniques`` finds ATT&CK techniques in sentences: TRAM, held out.

The TRAM single-label set (../shared/data/tram/single_label.json: 5,089 sentences from CTI reports,
each labelled with one of 50 techniques) is a test set here: geobuk never trains on it and its
phrase lists were not written from its sentences. Each sentence is read by the extractor as a
document of its own; predictions and labels are mapped to parent techniques (T1003.001 -> T1003),
and the script prints micro precision, recall and F1 (and, with --per-technique, per technique).

What the method sees, by mode:
* ``shipped`` (default): only what the package ships: ATT&CK ids and names and geobuk's own
  English/French phrase lists and cues. No ATT&CK description, no training data.
* ``--store``: ATT&CK Enterprise v18.1 (../shared/data/attack) imported into a temporary store,
  as a user would: the extractor also compares sentences with the attack-pattern descriptions and
  the procedure examples ("uses" relationships), by meaning, by words (TF-IDF centroids) and with
  a linear classifier it fits on those procedure examples in the store (labelled by ATT&CK, not by
  TRAM). Procedure examples summarise some of the same public reports TRAM was cut from, so the
  script also prints how many TRAM sentences have a near-copy (cosine >= 0.95) among them.
* In every mode the weights that combine the evidence (``WEIGHTS``) and the classifier's settings
  were chosen on ATT&CK procedure examples (``fit`` below); TRAM's sentences and labels are read
  only to be scored. TRAM's sentence vectors are cached on disk so that runs are repeatable fast.
* Predictions are open-world: the extractor may name any of ATT&CK's techniques, and any technique
  that is not the sentence's label counts as a false positive (TRAM gives one label per sentence,
  even where a sentence describes two). ``--closed`` also prints the score when each sentence's
  best candidate among TRAM's 50 techniques is taken, as the published classifiers do (they are
  trained on TRAM and always answer one of the 50).

``fit`` fits the extractor's score combination (``WEIGHTS`` in techniques.py) on ATT&CK procedure
examples, not on TRAM: groups and software are split in two by id; one half's examples form the
procedure bank (and train the classifier), the other half's are the labelled sentences the weights
are fitted on (3,000) and checked on (3,000 others). Evidence features whose fitted weight comes out
negative are dropped and the rest refitted (a negative weight on a similarity is an artefact of
correlated features). The check figures it prints use the same max-with-geobuk's-reading rule as
the extractor.

Run (from the repository root; the first --store run embeds ATT&CK and fits the classifier once,
~2 minutes on two cores, then cached under $GEOBUK_HOME, by default /tmp/geobuk-eval-home):
    .venv/bin/python eval/tram_eval.py [--store] [--closed] [--per-technique] [--threshold 0.5]
    .venv/bin/python eval/tram_eval.py fit      # refit WEIGHTS on ATT&CK procedure examples
    .venv/bin/python eval/tram_eval.py settings # the store classifier's settings, on the same split
    .venv/bin/python eval/tram_eval.py kfold    # separate figure: a model trained on TRAM, 5-fold CV
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from geobuk.intel.read.techniques import (
    DEFAULT_THRESHOLD,
    FEATURES,
    MAX_PER_SENTENCE,
    TechniqueExtractor,
    whole_sentence,
)
from geobuk.intel.read.techniques_bank import StoreTexts
from geobuk.intel.read.techniques_catalog import StoreKnowledge, attack_id, clean_markup, parent_of
from geobuk.intel.read.techniques_lexical import LexicalBank
from geobuk.intel.read.techniques_model import GRAM_SCALE, VECTOR_SCALE, C, CharGrams, design, fit_classifier

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
TRAM = SHARED / "tram" / "single_label.json"
ATTACK = SHARED / "attack" / "enterprise-attack-v18.1-stix20.json"


# ---------------------------------------------------------------------- scoring
def micro(gold: list[set[str]], pred: list[set[str]]) -> tuple[float, float, float, int, int, int]:
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    npred = sum(len(p) for p in pred)
    ngold = sum(len(g) for g in gold)
    precision = tp / npred if npred else 0.0
    recall = tp / ngold if ngold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, npred, ngold


def per_technique(gold: list[set[str]], pred: list[set[str]]) -> list[tuple[str, int, float, float, float]]:
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred, strict=True):
        for t in p & g:
            tp[t] += 1
        for t in p - g:
            fp[t] += 1
        for t in g - p:
            fn[t] += 1
    rows = []
    for t in sorted(set(tp) | set(fn)):
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 0.0
        r = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append((t, tp[t] + fn[t], p, r, f))
    return rows


def print_scores(title: str, gold: list[set[str]], pred: list[set[str]]) -> None:
    p, r, f, tp, npred, ngold = micro(gold, pred)
    print(f"{title}: micro P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (tp {tp}, predicted {npred}, gold {ngold})")


# ---------------------------------------------------------------------- TRAM
def load_tram() -> tuple[list[str], list[set[str]]]:
    items = json.loads(TRAM.read_text(encoding="utf-8"))
    return [i["text"] for i in items], [{parent_of(i["label"])} for i in items]


def tram_store(tmp: Path):
    from geobuk.intel.importing import import_files
    from geobuk.intel.store import Store

    store = Store(tmp / "geobuk.duckdb")
    import_files(store, [ATTACK])
    return store


def cache_sentence_vectors(texts: list[str]) -> Callable[[list[str]], np.ndarray]:
    """Embed the TRAM sentences once (cached on disk) and serve them to the extractor from memory.

    Only speeds up repeated runs: the extractor sees the same vectors ``embed`` would compute.
    Returns the serving function, for the evaluation's own use of the same vectors.
    """
    from geobuk.intel.read import techniques
    from geobuk.intel.read.techniques_semantic import cached_embed, embed

    unique = list(dict.fromkeys(texts))
    known = dict(zip(unique, cached_embed(unique), strict=True))

    def served(batch: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(batch) if t not in known]
        if missing:
            known.update(zip(missing, embed(missing), strict=True))
        return np.vstack([known[t] for t in batch]) if batch else embed(batch)

    techniques.embed = served
    return served


def run_tram(args: argparse.Namespace) -> None:
    texts, gold = load_tram()
    vectors_of = cache_sentence_vectors(texts)
    labels = sorted(set().union(*gold))
    with tempfile.TemporaryDirectory() as tmp:
        store = tram_store(Path(tmp)) if args.store else None
        started = time.perf_counter()
        extractor = TechniqueExtractor(store, threshold=args.threshold)
        ready = time.perf_counter()
        facts = extractor.extract_many(texts)
        done = time.perf_counter()
        mode = ("store (ATT&CK v18.1 imported: descriptions, procedure examples)" if store
                else "shipped (package only: ATT&CK ids/names, geobuk phrases and cues)")
        print(f"mode: {mode}; "
              f"threshold {args.threshold}; {len(texts)} sentences, {len(labels)} parent labels")
        print("weights fitted on ATT&CK procedure examples only; TRAM is read only to be scored")
        print(f"time: setup {ready - started:.1f}s, extraction {done - ready:.1f}s "
              f"({len(texts) / (done - ready):.0f} sentences/s)")
        pred = [{parent_of(f.value) for f in fs} for fs in facts]
        print_scores("open-world, all facts", gold, pred)
        explicit = sum(1 for fs in facts for f in fs if f.data["how"] == "explicit")
        print(f"  (facts from explicit ids: {explicit})")
        top1 = [{parent_of(max(fs, key=lambda f: f.data["score"]).value)} if fs else set() for fs in facts]
        print_scores("open-world, best fact per sentence", gold, top1)
        if args.closed:
            closed = closed_world(extractor, texts, set(labels))
            print_scores("closed-world (best of TRAM's 50, always one answer)", gold, closed)
            if extractor.model is not None:
                print_scores("  the store's classifier alone", gold,
                             classifier_closed_world(extractor, texts, vectors_of, labels))
        if args.per_technique:
            print(f"\n{'technique':<10} {'n':>5} {'P':>6} {'R':>6} {'F1':>6}")
            for t, n, p, r, f in per_technique(gold, pred):
                print(f"{t:<10} {n:>5} {p:>6.3f} {r:>6.3f} {f:>6.3f}")
        if store is not None:
            near_copies(extractor, texts, vectors_of)
            store.close()


def closed_world(extractor: TechniqueExtractor, texts: list[str], labels: set[str]) -> list[set[str]]:
    out = []
    for tids, scores in extractor.candidate_scores([whole_sentence(t) for t in texts]):
        best = {}
        for tid, score in zip(tids, scores, strict=True):
            parent = parent_of(tid)
            if parent in labels and score > best.get(parent, -1.0):
                best[parent] = score
        out.append({max(best, key=best.get)} if best else set())
    return out


def classifier_closed_world(extractor: TechniqueExtractor, texts: list[str],
                            vectors_of: Callable[[list[str]], np.ndarray], labels: list[str]
                            ) -> list[set[str]]:
    """The best of TRAM's 50 by the store's classifier only, without the rest of the evidence."""
    model = extractor.model
    columns = [k for k, tid in enumerate(model.ids) if tid in set(labels)]
    names = [model.ids[k] for k in columns]
    out = []
    for start in range(0, len(texts), 512):
        batch = texts[start:start + 512]
        probs = model.probabilities(vectors_of(batch), batch)[:, columns]
        out += [{names[k]} for k in probs.argmax(axis=1)]
    return out


def near_copies(extractor: TechniqueExtractor, texts: list[str],
                vectors_of: Callable[[list[str]], np.ndarray]) -> None:
    vectors = vectors_of(texts)
    bank = extractor.procedures
    best = np.concatenate([(vectors[i:i + 512] @ bank.vectors.T).max(axis=1)
                           for i in range(0, len(texts), 512)])
    print(f"TRAM sentences with a near-copy among ATT&CK procedure examples (cosine >= 0.95): "
          f"{int((best >= 0.95).sum())} of {len(texts)}; >= 0.90: {int((best >= 0.90).sum())}")


# ---------------------------------------------------------------------- fitting on ATT&CK
def attack_procedures() -> tuple[StoreKnowledge, list[tuple[str, str, str]]]:
    """ATT&CK as a store would hold it, and its procedure examples as (technique, source, text)."""
    objects = json.loads(ATTACK.read_text(encoding="utf-8"))["objects"]
    patterns = {o["id"]: o for o in objects if o["type"] == "attack-pattern"}
    know = StoreKnowledge(fingerprint="attack-v18.1")
    from geobuk.intel.read.techniques_catalog import Technique

    for o in patterns.values():
        tid = attack_id(o)
        status = "revoked" if o.get("revoked") else "deprecated" if o.get("x_mitre_deprecated") else ""
        know.techniques[tid] = Technique(tid, o["name"], status)
        if not status and o.get("description"):
            know.descriptions[tid] = clean_markup(o["description"])
    rows = []
    for o in objects:
        target = patterns.get(o.get("target_ref", ""))
        if o["type"] == "relationship" and o["relationship_type"] == "uses" and target \
                and o.get("description") and not know.techniques[attack_id(target)].status:
            rows.append((attack_id(target), o["source_ref"], clean_markup(o["description"])))
    return know, rows


def _half(source_ref: str) -> int:
    return hashlib.sha256(source_ref.encode()).digest()[0] % 2


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """Plain L2-regularised logistic regression by Newton steps (a handful of features)."""
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], l2)
    reg[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + reg * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w


#: Evidence that can only speak for a technique: a negative weight on one of these is an artefact
#: of correlated features (the same similarity counted twice), not something to ship.
EVIDENCE = ("geobuk", "cue", "hint", "description", "procedure", "procedure_vote", "centroid", "lexical",
            "model")


def fit_monotone(x: np.ndarray, y: np.ndarray, used: list[int]) -> np.ndarray:
    """``fit_logistic`` on the ``used`` features, dropping evidence features that come out negative."""
    used = list(used)
    while True:
        w = np.zeros(len(FEATURES))
        w[used] = fit_logistic(x[:, used], y)
        negative = [i for i in used if FEATURES[i] in EVIDENCE and w[i] < 0]
        if not negative:
            return w
        used.remove(min(negative, key=lambda i: w[i]))


def held_out_split(sample: int) -> tuple[StoreKnowledge, list[tuple[str, str]], list[tuple[str, str]], list]:
    """ATT&CK split by group and software: half 0's examples (with every description) as the store,
    and ``sample`` (text, technique) pairs of half 1 to fit on and ``sample`` others to check on."""
    know, rows = attack_procedures()
    bank_know = StoreKnowledge(know.techniques, know.descriptions,
                               sorted((t, s) for t, src, s in rows if _half(src) == 0), "attack-half-0")
    dev = [(t, s) for t, src, s in rows if _half(src) == 1]
    dev = list(dict(((s, t) for t, s in dev)).items())  # one label per distinct text
    random.Random(7).shuffle(dev)
    return bank_know, dev[:sample], dev[sample:2 * sample], rows


def run_settings(args: argparse.Namespace) -> None:
    """The store classifier's settings, each changed alone, on the check examples of ``fit``'s split.

    The classifier learns from half 0 as the extractor would from a store holding it
    (``StoreTexts.classifier_examples``); the figure is top-1 among all parent techniques.
    """
    bank_know, _, check_part, _ = held_out_split(args.sample)
    pairs, vectors = StoreTexts(bank_know).classifier_examples()
    texts = [t for _, t in pairs]
    y = np.array([parent_of(tid) for tid, _ in pairs])
    lexical, grams = LexicalBank([(p, t) for p, t in zip(y, texts, strict=True)]), CharGrams.fit(texts)
    check = [s for s, _ in check_part]
    check_vectors = cache_sentence_vectors(check)(check)
    gold = np.array([parent_of(t) for _, t in check_part])
    chosen = {"c": C, "vector_scale": VECTOR_SCALE, "gram_scale": GRAM_SCALE, "balanced": True}
    print(f"classifier examples {len(pairs)}, check {len(check)}; chosen: {chosen}")
    variants = [{}, {"c": 10.0}, {"c": 100.0}, {"vector_scale": 0.25}, {"vector_scale": 1.0},
                {"gram_scale": 0.0}, {"gram_scale": 0.5}, {"gram_scale": 2.0}, {"balanced": False}]
    for change in variants:
        setting = {**chosen, **change}
        scales = {"vector_scale": setting["vector_scale"], "gram_scale": setting["gram_scale"]}
        started = time.perf_counter()
        classes, w, b = fit_classifier(design(lexical, grams, vectors, texts, **scales), y,
                                       c=setting["c"], balanced=setting["balanced"])
        scores = np.asarray(design(lexical, grams, check_vectors, check, **scales) @ w) + b
        top1 = float(np.mean(classes[scores.argmax(axis=1)] == gold))
        print(f"  {change or 'as chosen'}: top-1 {top1:.3f}  (fit {time.perf_counter() - started:.0f} s)",
              flush=True)


def run_fit(args: argparse.Namespace) -> None:
    bank_know, fit_part, check_part, rows = held_out_split(args.sample)
    vectors_of = cache_sentence_vectors([s for s, _ in fit_part + check_part])
    print(f"ATT&CK procedure examples: {len(rows)}; bank {len(bank_know.procedures)}, "
          f"fit {len(fit_part)}, check {len(check_part)}")
    described = StoreKnowledge(bank_know.techniques, bank_know.descriptions, [], "attack-descriptions")
    for mode, extractor in (("shipped", TechniqueExtractor()),
                            ("descriptions", TechniqueExtractor(knowledge=described)),
                            ("store", TechniqueExtractor(knowledge=bank_know))):
        unused = {"shipped": ("description", "procedure", "procedure_gap", "procedure_vote", "centroid",
                              "lexical", "lexical_gap", "model"),
                  "descriptions": ("procedure", "procedure_gap", "procedure_vote", "centroid", "model")
                  }.get(mode, ())
        used = [i for i, f in enumerate(FEATURES) if f not in unused]
        if extractor.model is not None:
            texts = [s for s, _ in check_part]
            probs = extractor.model.probabilities(vectors_of(texts), texts)
            top1 = np.mean([extractor.model.ids[k] == parent_of(t)
                            for k, (_, t) in zip(probs.argmax(axis=1), check_part, strict=True)])
            print(f"\n{mode}: the classifier alone, top-1 among all parent techniques on the check "
                  f"examples: {top1:.3f}")
        x, y = _design(extractor, fit_part)
        w = fit_monotone(x, y, used)
        print(f"\n{mode}: WEIGHTS = np.array([{', '.join(f'{v:.2f}' for v in w)}])")
        extractor.weights = w
        sentences = [whole_sentence(s) for s, _ in check_part]
        gold = [{parent_of(t)} for _, t in check_part]
        for threshold in (0.3, 0.35, 0.4, 0.5, 0.6):
            scored = extractor.score_sentences(sentences, threshold=threshold)
            pred = [{parent_of(t) for t, _ in s} for s in scored]
            print_scores(f"  check, threshold {threshold}", gold, pred)


def _design(extractor: TechniqueExtractor, labelled: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows of every candidate, and whether it is in the label's family."""
    feats = extractor.features([whole_sentence(s) for s, _ in labelled])
    xs, ys = [], []
    for (_, label), (tids, x) in zip(labelled, feats, strict=True):
        xs.append(x)
        ys.append(np.array([parent_of(t) == parent_of(label) for t in tids], dtype=float))
    return np.vstack(xs), np.concatenate(ys)


# ---------------------------------------------------------------------- trained on TRAM (k-fold)
def run_kfold(args: argparse.Namespace) -> None:
    """Classifiers trained on TRAM itself, scored by 5-fold cross-validation grouped by report.

    Not what the extractor ships: this measures how far training on labelled sentences like TRAM's
    would take the same inputs. Two inputs, each into multinomial logistic regression:
    * "shipped features": its sentence vector, and for each of TRAM's 50 parent techniques the
      extractor's geobuk similarity, cue and hint counts;
    * "store classifier": the classifier the extractor fits on ATT&CK procedure examples
      (``techniques_model``: TF-IDF words, character grams and sentence vector, same settings),
      fitted on TRAM's
      training folds instead.
    Folds grouped by report never split one, so no report is both trained and tested on; folds by
    sentence are printed too, for comparison with figures from random splits.
    """
    items = json.loads(TRAM.read_text(encoding="utf-8"))
    texts = [i["text"] for i in items]
    vectors_of = cache_sentence_vectors(texts)
    labels = sorted({parent_of(i["label"]) for i in items})
    index = {t: k for k, t in enumerate(labels)}
    y = np.array([index[parent_of(i["label"])] for i in items])
    extractor = TechniqueExtractor()
    family = np.zeros((len(texts), 3 * len(labels)))
    for row, (tids, x) in enumerate(extractor.features([whole_sentence(t) for t in texts])):
        for tid, feats in zip(tids, x, strict=True):
            k = index.get(parent_of(tid))
            if k is not None:
                family[row, k] = max(family[row, k], feats[1])
                family[row, len(labels) + k] += feats[3]
                family[row, 2 * len(labels) + k] += feats[4]
    vectors = vectors_of(texts)
    x = np.hstack([vectors, family])
    docs = sorted({i["doc_title"] for i in items})
    fold_of_doc = {d: int(hashlib.sha256(d.encode()).hexdigest(), 16) % 5 for d in docs}
    by_report = np.array([fold_of_doc[i["doc_title"]] for i in items])
    by_sentence = np.random.default_rng(7).permutation(len(items)) % 5
    for title, folds in ((f"grouped by report ({len(docs)} reports)", by_report),
                         ("by sentence (reports split across folds, as random splits do)", by_sentence)):
        shipped, store = np.empty_like(y), np.empty_like(y)
        for fold in range(5):
            train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
            classes, w, b = fit_classifier(x[train], y[train], c=1.0, balanced=False)
            shipped[test] = classes[(x[test] @ w + b).argmax(axis=1)]
            lexical = LexicalBank([(labels[y[i]], texts[i]) for i in train])
            grams = CharGrams.fit([texts[i] for i in train])
            inputs = design(lexical, grams, vectors[train], [texts[i] for i in train])
            classes, w, b = fit_classifier(inputs, y[train])
            scores = design(lexical, grams, vectors[test], [texts[i] for i in test]) @ w + b
            store[test] = classes[np.asarray(scores).argmax(axis=1)]
        print(f"trained on TRAM, 5-fold CV {title}: micro P = R = F1 = {float((shipped == y).mean()):.3f} "
              f"(shipped features), {float((store == y).mean()):.3f} (store classifier)")
    print("(one answer per sentence among TRAM's 50 techniques, parent level)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", choices=("tram", "fit", "settings", "kfold"), default="tram")
    parser.add_argument("--store", action="store_true", help="import ATT&CK into a temporary store first")
    parser.add_argument("--closed", action="store_true", help="also score the closed-world top-1 answer")
    parser.add_argument("--per-technique", action="store_true")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--sample", type=int, default=3000, help="fit: labelled examples to fit and check on")
    args = parser.parse_args(argv)
    for path in (TRAM, ATTACK):
        if not path.exists():
            print(f"missing {path}", file=sys.stderr)
            return 2
    os.environ.setdefault("GEOBUK_HOME", str(Path(tempfile.gettempdir()) / "geobuk-eval-home"))
    print(f"(at most {MAX_PER_SENTENCE} techniques per sentence)")
    {"fit": run_fit, "settings": run_settings, "kfold": run_kfold}.get(args.command, run_tram)(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
