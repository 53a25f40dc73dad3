"""Score `geobuk intel read` on the seed articles against what an analyst extracts from them.

Reads ../shared/seeds/*.txt with a fresh store (built-in pack only), links same-event reports, and
compares each field with eval/seeds_expected.yaml: micro precision, recall and F1 per field over the
five seeds, and the items missed or extra per seed.

With --store, ATT&CK Enterprise (../shared/data/attack) is imported into the store first, as a user
would, so that techniques are read with the store's descriptions, procedure examples and classifier.

Run: .venv/bin/python eval/seeds_eval.py [--store] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

from geobuk.intel.importing import ensure_builtin_pack, import_files
from geobuk.intel.names import normalize_name
from geobuk.intel.read.documents import load_document
from geobuk.intel.read.linking import link_same_events
from geobuk.intel.read.reader import read_document
from geobuk.intel.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
EXPECTED = Path(__file__).with_name("seeds_expected.yaml")
ATTACK = SHARED / "data" / "attack" / "enterprise-attack-v18.1-stix20.json"
SET_FIELDS = ("actors", "sectors", "countries", "organizations", "amounts", "techniques", "indicators",
              "same_event")


def predicted(summary: dict) -> dict[str, set[str]]:
    return {
        "actors": {normalize_name(a["name"]) for a in summary["actors"] if a["id"]},
        "sectors": set(summary["sectors"]),
        "countries": {c.upper() if len(c) == 2 else c for c in summary["countries"]},
        "organizations": {normalize_name(o) for o in summary["organizations"]},
        "amounts": {f"{round(a['value'])}:{a['currency']}" for a in summary["amounts"] if a["value"]},
        "techniques": {t.split(".")[0] for t in summary["techniques"]},
        "indicators": {f"{i['type']}:{i['value']}" for i in summary["indicators"]},
        "same_event": set(summary["same_event_as"]),
    }


def expected_sets(spec: dict) -> dict[str, list[set[str]]]:
    """Each expected item as the set of spellings that count for it."""
    def alts(item: object) -> set[str]:
        return {normalize_name(x) for x in item} if isinstance(item, list) else {normalize_name(str(item))}

    return {
        "actors": [alts(a) for a in spec["actors"]],
        "sectors": [{s} for s in spec["sectors"]],
        "countries": [{c} for c in spec["countries"]],
        "organizations": [alts(o) for o in spec["organizations"]],
        "amounts": [{f"{int(v)}:{c}"} for v, c in spec["amounts"]],
        "techniques": [{t} for t in spec["techniques"]],
        "indicators": [{i} for i in spec["indicators"]],
        "same_event": [{s} for s in spec["same_event"]],
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--store", action="store_true", help="import ATT&CK into the store first")
    args = ap.parse_args()
    spec = yaml.safe_load(EXPECTED.read_text())
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.duckdb") as store:
        ensure_builtin_pack(store)
        if args.store:
            import_files(store, [ATTACK])
        readings = [read_document(load_document(SEEDS / name), store) for name in sorted(spec)]
        link_same_events(readings)
    totals = {f: [0, 0, 0] for f in SET_FIELDS}  # true positives, predicted, expected
    scalar_hits = {"language": 0, "published": 0}
    for reading in readings:
        name = reading.doc.id
        want = spec[name]
        got = predicted(reading.summary())
        exp = expected_sets(want)
        for f in SET_FIELDS:
            matched = [e for e in exp[f] if e & got[f]]
            used = set().union(*matched) if matched else set()
            tp = len(matched)
            extra = {g for g in got[f] if g not in used}
            totals[f][0] += tp
            totals[f][1] += tp + len(extra)
            totals[f][2] += len(exp[f])
            missed = [sorted(e)[0] for e in exp[f] if not e & got[f]]
            if args.verbose and (missed or extra):
                print(f"{name} {f}: missed {missed} extra {sorted(extra)}")
        scalar_hits["language"] += reading.doc.language == want["language"]
        scalar_hits["published"] += (reading.doc.published or None) == want["published"]
    print(f"seeds: {len(readings)}")
    for key, hits in scalar_hits.items():
        print(f"{key}: {hits}/{len(readings)} correct")
    all_tp = all_pred = all_exp = 0
    for f, (tp, pred, exp) in totals.items():
        p = tp / pred if pred else 1.0
        r = tp / exp if exp else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        all_tp, all_pred, all_exp = all_tp + tp, all_pred + pred, all_exp + exp
        print(f"{f}: precision {p:.2f} recall {r:.2f} f1 {f1:.2f} ({tp} of {exp} expected, {pred} predicted)")
    p, r = all_tp / all_pred, all_tp / all_exp
    print(f"all fields (micro): precision {p:.2f} recall {r:.2f} f1 {2 * p * r / (p + r):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
