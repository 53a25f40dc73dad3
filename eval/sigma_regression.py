"""Conformance: the Sigma project's own regression suite, run through geobuk's hunt engine.

Each test in ../shared/data/sigma/regression_data/ is an EVTX file and an info.yml naming the rule
(in ../shared/data/sigma/rules*) that must match at least one of its events. This script compiles
those rules with geobuk (using the on-disk rule cache), reads each EVTX with geobuk's sources stage,
matches, and prints `N passed, N failed` with each failure named and explained.

Run: .venv/bin/python eval/sigma_regression.py [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import yaml

from geobuk.detect.engine import Batch, match_rules
from geobuk.detect.plan import Plan
from geobuk.detect.rulesets import default_cache_dir, load_ruleset
from geobuk.sources import iter_batches

SIGMA = Path(__file__).resolve().parents[2] / "shared" / "data" / "sigma"
RULE_DIRS = [SIGMA / "rules", SIGMA / "rules-emerging-threats", SIGMA / "rules-threat-hunting"]
_ID = re.compile(r"^id:\s*([0-9a-fA-F-]{36})", re.MULTILINE)


def rule_files_by_id() -> dict[str, Path]:
    out = {}
    for folder in RULE_DIRS:
        for path in folder.rglob("*.yml"):
            m = _ID.search(path.read_text(encoding="utf-8", errors="replace"))
            if m:
                out[m.group(1).lower()] = path
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    start = time.perf_counter()
    by_id = rule_files_by_id()
    tests = sorted((SIGMA / "regression_data").rglob("info.yml"))
    passed, failed, no_evtx = 0, [], []
    for info_path in tests:
        info = yaml.safe_load(info_path.read_text())
        for meta in info.get("rule_metadata") or []:
            rule_id = str(meta["id"]).lower()
            tests_info = info.get("regression_tests_info") or []
            evtx = [SIGMA / t["path"] for t in tests_info if t.get("type") == "evtx"]
            name = f"{meta.get('title')} ({rule_id})"
            if not evtx:
                no_evtx.append(name)  # e.g. a raw-text test for a non-Windows rule
                continue
            rule_file = by_id.get(rule_id)
            if rule_file is None:
                failed.append(f"{name}: rule file not found")
                continue
            ruleset = load_ruleset([rule_file], cache_dir=default_cache_dir())
            rules = [r for r in ruleset.rules if r.id.lower() == rule_id]
            if not rules:
                reasons = "; ".join(p.reason for p in ruleset.problems) or "not compiled"
                failed.append(f"{name}: rule not loaded: {reasons}")
                continue
            plan = Plan(rules)
            matched = 0
            events = 0
            for batch in iter_batches(evtx, workers=1):
                if batch.table.num_rows:
                    events += batch.table.num_rows
                    matched += sum(len(v) for v in match_rules(Batch(batch.table, plan), rules).values())
            if matched:
                passed += 1
                if args.verbose:
                    print(f"ok: {name}: {matched} of {events} events")
            else:
                failed.append(f"{name}: no match in {events} events of {', '.join(p.name for p in evtx)}")
    for failure in failed:
        print(f"FAILED {failure}")
    for name in no_evtx:
        print(f"not counted (no EVTX test in its info.yml): {name}")
    print(f"time: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(f"{passed} passed, {len(failed)} failed")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
