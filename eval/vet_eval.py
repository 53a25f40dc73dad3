"""Precision and recall of ``geobuk vet`` on generated companies (there is no public dataset).

For each seed: generate a company (``geobuk.vet.generate``), import its demo VPN ranges into a fresh
store, vet it, and compare with ``truth.json``:

- clusters, pairwise: a pair of people is predicted together when both are in one flagged cluster
  (score >= cluster threshold), truly together when both are in one operator ring. Precision and
  recall over such pairs.
- clusters, whole: a true ring is found when a flagged cluster holds at least half of it; a flagged
  cluster is right when at least half of its people are operators.
- people, top-k: k = the number of operators; precision@k = recall@k = operators among the k
  highest scores / k. Also the flagged set (score >= threshold): its precision and recall.
- look-alikes (the couple, the traveller, the night-shift worker, the IT admin): how many are flagged
  (should be 0).

Run: ``.venv/bin/python eval/vet_eval.py [--people 1000] [--seeds 1 2 3]``. Prints ``name: value`` lines.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from itertools import combinations
from pathlib import Path

from geobuk.intel.importing import import_files
from geobuk.intel.store import Store
from geobuk.vet.generate.writer import generate
from geobuk.vet.run import vet


def line(name: str, value: object) -> None:
    print(f"{name}: {value}", flush=True)


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def evaluate(n: int, seed: int, folder: Path, photo_files: bool) -> dict[str, float]:
    files = generate(n, seed, folder, photo_files=photo_files)
    truth = json.loads(files["truth"].read_text())
    with Store(folder / "eval.duckdb") as store:
        import_files(store, [files["indicators"]])
        start = time.perf_counter()
        result = vet(
            [files["people"]],
            [files["entra"], files["okta"], files["activity"]],
            [files["devices"]],
            store=store,
        )
        seconds = time.perf_counter() - start
    operators = set(truth["operators"])
    rings = [set(r) for r in truth["rings"]]
    true_pairs = {frozenset(p) for ring in rings for p in combinations(sorted(ring), 2)}
    flagged_clusters = [set(c.people) for c in result.flagged_clusters]
    predicted_pairs = {frozenset(p) for c in flagged_clusters for p in combinations(sorted(c), 2)}
    found_rings = sum(1 for ring in rings if any(len(ring & c) * 2 >= len(ring) for c in flagged_clusters))
    right_clusters = sum(1 for c in flagged_clusters if len(c & operators) * 2 >= len(c))
    k = len(operators)
    top = {p.person_id for p in result.people[:k]}
    flagged = {p.person_id for p in result.flagged_people}
    lookalikes = {x for xs in truth["lookalikes"].values() for x in xs}
    return {
        "operators": k,
        "rings": len(rings),
        "seconds": seconds,
        "pair_precision": ratio(len(true_pairs & predicted_pairs), len(predicted_pairs)),
        "pair_recall": ratio(len(true_pairs & predicted_pairs), len(true_pairs)),
        "cluster_precision": ratio(right_clusters, len(flagged_clusters)),
        "cluster_recall": ratio(found_rings, len(rings)),
        "topk_precision": ratio(len(top & operators), k),
        "topk_recall": ratio(len(top & operators), k),
        "flagged_precision": ratio(len(flagged & operators), len(flagged)),
        "flagged_recall": ratio(len(flagged & operators), k),
        "lookalikes_flagged": len(lookalikes & flagged),
        "lookalikes_in_flagged_clusters": sum(1 for c in flagged_clusters for x in lookalikes if x in c),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--photo-hashes", action="store_true", help="hashes instead of photo files (faster)")
    args = parser.parse_args()
    totals: dict[str, float] = {}
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            scores = evaluate(args.people, seed, Path(tmp), not args.photo_hashes)
        for key, value in scores.items():
            line(f"seed {seed} {key}", f"{value:.3f}" if isinstance(value, float) else value)
            totals[key] = totals.get(key, 0) + value
    line("people per company", args.people)
    for key, value in totals.items():
        mean = value / len(args.seeds)
        line(f"mean {key}", f"{mean:.3f}")


if __name__ == "__main__":
    main()
