"""Hunt engine vs the Zircolite approach (Sigma -> SQLite), and vs the cost of only parsing the logs.

Both sides run in this one process, on the same events (both read them with geobuk's sources stage):

- workload: every Windows SigmaHQ rule (``rules/windows``, and the rules of ``rules-emerging-threats``
  and ``rules-threat-hunting`` whose log source is ``product: windows``) over the EVTX sample folder;
- baseline end to end (``baseline_sqlite.py``: convert + load + query; printed twice: with the fast
  YAML loader the reimplementation uses, and with the YAML parse of ``SigmaCollection.from_yaml``,
  pySigma's own entry point) vs geobuk end to end with a
  warm rule cache (one warm-up run fills a cache in a temp dir; then ``load_ruleset`` from the cache
  + ``hunt``, run ``--repeat`` times, the median counts), as a ratio;
- matches: the sets of (rule id, source file, record id) of both sides, their differences grouped by
  rule, each with the cause found by looking at the rule and the event (see ``explain``);
- floor: the sample folder as ``--copies`` copies (symlinks in a temp dir): only parsing the EVTX files
  (``PyEvtxParser.records_json`` + ``orjson.loads`` of every record, one process) vs geobuk's hunt of
  the same copies (warm cache), both run ``--repeat`` times in turn, the ratio of their medians;
- breakdown: the CPU seconds of reading the copies (in this process) and of matching the tables a
  hunt matches, and how long the first batch takes (this process reads it while the workers start).

Every figure is one ``name: value`` line; timings vary 20-40% between runs, the ratios are what to
watch. Run: ``.venv/bin/python bench/bench_hunt.py [--rules PATH]... [--copies 20] [--skip-baseline]``.
"""

from __future__ import annotations

import argparse
import multiprocessing.forkserver
import os
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import pyarrow as pa
import yaml
from evtx import PyEvtxParser

from geobuk.detect.engine import field_key
from geobuk.detect.hunt import MATCH_BATCH, READ_BATCH, Hunter, HuntResult, hunt
from geobuk.detect.ir import And, CompiledRule, Expr, Keyword, Not, Or, Pred, has_keywords
from geobuk.detect.rulesets import RuleSet, load_ruleset, rule_files
from geobuk.sources import iter_batches

if TYPE_CHECKING:
    import baseline_sqlite as baseline

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SIGMA = DATA / "sigma"
SAMPLES = DATA / "evtx-attack-samples"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Match = tuple[str, str, str]


def _baseline():  # noqa: ANN202 - the module
    """The baseline, imported when first needed: the reading workers import this script (as the
    ``geobuk`` command's workers import its light entry point) and need none of pySigma's backends."""
    import baseline_sqlite

    return baseline_sqlite


def line(name: str, value: object) -> None:
    print(f"{name}: {value}", flush=True)


def seconds(value: float) -> str:
    return f"{value:.2f} s"


# ---------------------------------------------------------------- workload

def _is_windows(path: Path) -> bool:
    try:
        docs = list(yaml.load_all(path.read_bytes(), Loader=_Loader))
    except yaml.YAMLError:
        return False
    return any(isinstance(d, dict) and isinstance(d.get("logsource"), dict)
               and d["logsource"].get("product") == "windows" for d in docs)


def workload_rules() -> list[Path]:
    """``rules/windows``, plus the Windows rules of the emerging-threats and threat-hunting sets."""
    files = rule_files([SIGMA / "rules" / "windows"])
    for folder in ("rules-emerging-threats", "rules-threat-hunting"):
        files += [p for p in rule_files([SIGMA / folder]) if _is_windows(p)]
    return files


# ---------------------------------------------------------------- geobuk side

def geobuk_run(files: Sequence[Path], logs: Sequence[Path], cache: Path,
               workers: int | None) -> tuple[float, float, RuleSet, HuntResult]:
    start = time.perf_counter()
    ruleset = load_ruleset(files, cache_dir=cache)
    loaded = time.perf_counter()
    result = hunt(logs, ruleset, workers=workers)
    return loaded - start, time.perf_counter() - loaded, ruleset, result


def geobuk_matches(result: HuntResult) -> set[Match]:
    return {(f.rule_id, f.source_file, f.record_id or "") for f in result.findings if f.kind == "sigma"}


# ---------------------------------------------------------------- why the two sides differ

def _preds(expr: Expr) -> list[Pred | Keyword]:
    if isinstance(expr, (Pred, Keyword)):
        return [expr]
    if isinstance(expr, (And, Or)):
        return [p for a in expr.args for p in _preds(a)]
    if isinstance(expr, Not):
        return _preds(expr.arg)
    return []


def _event(table: baseline.EventTable, source: str, record: str) -> dict[str, str]:
    cursor = table.conn.execute(f"SELECT * FROM {_baseline().TABLE} WHERE _source = ? AND _record = ?",
                                (source, record))
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return {} if row is None else {n: v for n, v in zip(names, row, strict=True) if v is not None}


def explain(rule_id: str, geobuk_only: set[Match], baseline_only: set[Match], *,
            sql_rule: baseline.SqlRule | None, refused: dict[str, str], failed: dict[str, list[str]],
            rerun: set[Match], compiled: CompiledRule | None, table: baseline.EventTable) -> str:
    """The cause of one rule's differences, found by checking the known ones against rule and event."""
    causes: list[str] = []
    if sql_rule is None:
        reason = refused.get(rule_id, "not converted")
        if "Value-only" in reason:
            return "baseline refuses keyword rules (the SQLite backend has no full-text search); geobuk " \
                   "searches every field of the event"
        return f"baseline could not convert the rule: {reason}"
    if compiled is None:
        return "geobuk did not load the rule (see its rule problems)"
    if rule_id in failed:
        missing = sorted(set(_baseline().missing_columns(failed[rule_id])))
        recovered = geobuk_only & rerun
        if missing:
            causes.append(
                f"SQLite rejects the whole query ('no such column: {', '.join(missing)}': no event has that "
                f"field) and the rule matches nothing, where Sigma reads a test on an absent field as false "
                f"and the rule still matches through its other conditions; with the column added as NULL "
                f"the baseline finds {len(recovered)} of the {len(geobuk_only)} geobuk-only events")
        else:
            causes.append(f"baseline query fails: {failed[rule_id][0]}")
        geobuk_only = geobuk_only - rerun
    if not geobuk_only and not baseline_only:
        return "; ".join(causes)
    events = [_event(table, s, r) for _, s, r in sorted(geobuk_only | baseline_only)]
    preds = [p for d in compiled.detections for p in _preds(d.expr)]
    columns = table.columns
    # Field names the rule spells differently from the events: with spaces (Defender's "Threat Name").
    for field in sorted({p.field for p in preds if isinstance(p, Pred)}):
        if field.lower() in columns:
            continue
        spelled = [n for e in events for n in e if field_key(n) == field_key(field) and n != field]
        if spelled:
            causes.append(f"the rule's field {field} is '{spelled[0]}' in the events: geobuk matches field "
                          f"names ignoring case and spaces, SQLite needs the exact name")
    ops = {p.op for p in preds}
    if ops & {"lt", "lte", "gt", "gte"}:
        causes.append("numeric comparison: on TEXT columns SQLite compares the number as text "
                      "('10' < '9'), geobuk as numbers")
    if "cidr" in ops:
        causes.append("CIDR: the SQLite backend expands it to LIKE prefixes, geobuk tests the address")
    for field in sorted({p.field for p in preds if isinstance(p, Pred) and p.op == "null"}):
        key = field_key(field)
        empty = sum(1 for e in events if any(field_key(n) == key and v == "" for n, v in e.items()))
        causes.append(f"'{field}: null': {empty} of these events have {field} present but empty; geobuk "
                      f"reads an empty value as null, SQLite's IS NULL only a missing one")
    if has_keywords_any(compiled):
        causes.append("keywords: geobuk searches every field")
    non_ascii = [p for p in preds if isinstance(p.value, str) and not p.value.isascii()]
    if non_ascii:
        causes.append(f"non-ASCII value ({non_ascii[0].value!r}): SQLite's NOCASE and LIKE fold ASCII "
                      f"letters only, geobuk folds all")
    regexes = [p for p in preds if p.op == "regex"]
    if regexes:
        causes.append("regular expression: geobuk runs it with RE2 (Arrow), the baseline with Python's re")
    cased = [p for p in preds if isinstance(p, Pred) and p.op == "eq" and not p.cased]
    if cased and baseline_only and not geobuk_only:
        causes.append("equality: compare the values' case folding (SQLite NOCASE is ASCII-only)")
    if not causes or (len(causes) == 1 and rule_id in failed):
        causes.append("not explained automatically")
    return "; ".join(causes)


def has_keywords_any(rule: CompiledRule) -> bool:
    return any(has_keywords(d.expr) for d in rule.detections)


def compare(ours: set[Match], theirs: set[Match], base: baseline.BaselineResult, ruleset: RuleSet,
            rerun: set[Match], show_events: int) -> None:
    both = ours & theirs
    line("matches geobuk (rule, file, record)", len(ours))
    line("matches baseline (rule, file, record)", len(theirs))
    line("matches both", len(both))
    line("matches only geobuk", len(ours - theirs))
    line("matches only baseline", len(theirs - ours))
    line("rules hit geobuk", len({m[0] for m in ours}))
    line("rules hit baseline", len({m[0] for m in theirs}))
    line("events matched geobuk", len({m[1:] for m in ours}))
    line("events matched baseline", len({m[1:] for m in theirs}))
    by_rule: dict[str, tuple[set[Match], set[Match]]] = defaultdict(lambda: (set(), set()))
    for m in ours - theirs:
        by_rule[m[0]][0].add(m)
    for m in theirs - ours:
        by_rule[m[0]][1].add(m)
    line("rules with differences", len(by_rule))
    sql_rules = {r.id: r for r in base.conversion.rules}
    refused = {rule: reason for _, rule, reason in base.conversion.refused}
    compiled = {r.id: r for r in ruleset.rules}
    for rule_id in sorted(by_rule, key=lambda r: (-len(by_rule[r][0]) - len(by_rule[r][1]), r)):
        mine, other = by_rule[rule_id]
        rule = compiled.get(rule_id)
        title = rule.title if rule else sql_rules[rule_id].title if rule_id in sql_rules else "?"
        where = Path(rule.source).name if rule else ""
        why = explain(rule_id, mine, other, sql_rule=sql_rules.get(rule_id), refused=refused,
                      failed=base.run.failed, rerun=rerun, compiled=rule, table=base.table)
        line(f"diff {rule_id} ({title}; {where})",
             f"only geobuk {len(mine)}, only baseline {len(other)}; {why}")
        for side, matches in (("only geobuk", mine), ("only baseline", other)):
            for _, source, record in sorted(matches)[:show_events]:
                line(f"  {side}", f"{Path(source).name} record {record}")


# ---------------------------------------------------------------- floor

def parse_floor(folders: Sequence[Path], threads: int = 0) -> tuple[float, int]:
    """Parse every EVTX record to a Python dict, nothing else: one process; ``threads`` is the evtx
    library's own thread count (0: its default, one per core)."""
    start = time.perf_counter()
    records = 0
    loads = orjson.loads
    for folder in folders:
        for path in sorted(folder.rglob("*.evtx")):
            try:
                parser = PyEvtxParser(str(path), number_of_threads=threads)
                for record in parser.records_json():
                    loads(record["data"])
                    records += 1
            except (OSError, RuntimeError):
                continue
    return time.perf_counter() - start, records


def by_copy(result: HuntResult, roots: Sequence[Path]) -> list[set[Match]]:
    """The findings of a run over several copies, one set per copy, with file names made relative."""
    out: list[set[Match]] = [set() for _ in roots]
    prefixes = [str(root) for root in roots]
    for f in result.findings:
        if f.kind != "sigma":
            continue
        for i, prefix in enumerate(prefixes):
            if f.source_file.startswith(prefix + os.sep):
                out[i].add((f.rule_id, f.source_file[len(prefix):], f.record_id or ""))
                break
    return out


def copies_of(folder: Path, copies: int, tmp: Path) -> list[Path]:
    out = []
    for i in range(copies):
        link = tmp / f"copy{i:02d}"
        link.symlink_to(folder, target_is_directory=True)
        out.append(link)
    return out


# ---------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description="geobuk hunt vs Sigma->SQLite (Zircolite approach)")
    ap.add_argument("--rules", type=Path, action="append",
                    help="rule file or folder (repeatable; default: all Windows SigmaHQ rules)")
    ap.add_argument("--logs", type=Path, default=SAMPLES, help="log folder (default: the EVTX samples)")
    ap.add_argument("--copies", type=int, default=20, help="copies of the logs for the floor (0: skip)")
    ap.add_argument("--skip-baseline", action="store_true", help="skip the SQLite baseline")
    ap.add_argument("--repeat", type=int, default=3, help="timed geobuk runs (the median counts)")
    ap.add_argument("--workers", type=int, default=None, help="geobuk reader processes (default: its own)")
    ap.add_argument("--show-events", type=int, default=2, help="differing events listed per rule")
    args = ap.parse_args()

    files = rule_files(args.rules) if args.rules else workload_rules()
    logs = [args.logs]
    line("rule files", len(files))
    line("logs", args.logs)
    with tempfile.TemporaryDirectory(prefix="geobuk-bench-") as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "rule-cache"
        # warm-up: fills the rule cache (and the OS file cache) before anything is timed
        load_s, hunt_s, ruleset, result = geobuk_run(files, logs, cache, args.workers)
        line("geobuk cold (compile rules + hunt)", seconds(load_s + hunt_s))
        line("geobuk rules loaded", len(ruleset.rules))
        line("geobuk rules not loaded", len(ruleset.problems))
        for problem in ruleset.problems:
            line("  geobuk rule not loaded", f"{Path(problem.source).name}: {problem.reason}")
        line("events", result.events)
        line("geobuk reading problems", len(result.problems))

        base = None
        if not args.skip_baseline:
            base = _baseline().run(files, logs, workers=args.workers)
            c, t, q = base.conversion, base.table, base.run
            line("baseline rules converted", len(c.rules))
            line("baseline rules refused", len(c.refused))
            for reason, count in Counter(r[2].split(":")[0] if "Value-only" not in r[2] else
                                         "keyword rules (value-only expressions)" for r in c.refused).items():
                line(f"  baseline refused: {reason}", count)
            line("baseline rules failing in SQLite", len(q.failed))
            line("baseline events", t.events)
            line("baseline yaml (CSafeLoader)", seconds(c.seconds_yaml))
            line("baseline yaml as pySigma ships it (SigmaCollection.from_yaml: yaml.safe_load_all)",
                 seconds(c.seconds_yaml_stock))
            line("baseline convert (pySigma + SQL)", seconds(c.seconds_convert))
            line("baseline load (read + insert)", seconds(t.seconds))
            line("baseline queries", seconds(q.seconds))
            line("baseline end to end", seconds(base.seconds))
            line("baseline end to end, rules parsed as pySigma ships it (SigmaCollection.from_yaml)",
                 seconds(base.seconds_stock))

        runs = []
        for _ in range(max(1, args.repeat)):
            load_s, hunt_s, ruleset, result = geobuk_run(files, logs, cache, args.workers)
            runs.append((load_s + hunt_s, load_s, hunt_s))
            line("geobuk warm run (load cached rules + hunt)",
                 f"{seconds(load_s + hunt_s)} ({seconds(load_s)} + {seconds(hunt_s)})")
        total, load_s, hunt_s = median_run(runs)
        line("geobuk warm end to end (median)", seconds(total))
        line("geobuk rules from cache", ruleset.cached_files)
        if base is not None:
            line("ratio baseline / geobuk warm (goal >= 20x)", f"{base.seconds / total:.1f}x")
            line("ratio baseline with pySigma's own YAML parse / geobuk warm",
                 f"{base.seconds_stock / total:.1f}x")
            line("ratio baseline queries only / geobuk hunt only", f"{base.run.seconds / hunt_s:.1f}x")
            rerun = _baseline().rerun_with_columns(base.table, base.conversion.rules, base.run.failed)
            compare(geobuk_matches(result), base.run.matches, base, ruleset, rerun, args.show_events)
            base.table.conn.close()

        if args.copies > 0:
            folders = copies_of(args.logs, args.copies, tmp)
            # Both sides run --repeat times, alternating, and the medians count: on this machine one
            # run can be 20% off.
            floors, floors1, bigs = [], [], []
            for _ in range(max(1, args.repeat)):
                floor_s, records = parse_floor(folders)
                floors.append(floor_s)
                floors1.append(parse_floor(folders, threads=1)[0])
                fresh_workers()
                load_s, hunt_s, _, big = geobuk_run(files, folders, cache, args.workers)
                bigs.append((load_s + hunt_s, load_s, hunt_s))
                line(f"run: floor {seconds(floor_s)}, one-thread floor {seconds(floors1[-1])}, geobuk "
                     f"{seconds(load_s + hunt_s)} ({seconds(load_s)} + {seconds(hunt_s)})", "")
            floor_s, floor1_s = median(floors), median(floors1)
            line(f"floor: parse only, {args.copies} copies (evtx + orjson, one process, evtx threads: "
                 "default; median)", seconds(floor_s))
            line(f"floor: parse only, {args.copies} copies (evtx + orjson, one process, one thread; median)",
                 seconds(floor1_s))
            line("floor records", records)
            total_s, load_s, hunt_s = median_run(bigs)
            line(f"geobuk warm end to end, {args.copies} copies (median)", f"{seconds(total_s)} "
                 f"({seconds(load_s)} + {seconds(hunt_s)})")
            line(f"geobuk events, {args.copies} copies", big.events)
            line(f"geobuk findings, {args.copies} copies", len(big.findings))
            # every copy is the same data, so each must give exactly the findings of the 1x run
            (single,) = by_copy(result, [args.logs])
            differing = [(i, copy) for i, copy in enumerate(by_copy(big, folders)) if copy != single]
            line(f"copies whose findings differ from the 1x run (must be 0 of {args.copies})", len(differing))
            for i, copy in differing[: args.show_events]:
                for kind, diff in (("missing", single - copy), ("extra", copy - single)):
                    for rule_id, name, record in sorted(diff)[: args.show_events]:
                        line(f"  copy {i:02d} {kind}",
                             f"rule {rule_id}, {name.lstrip(os.sep)} record {record}")
            line("ratio geobuk / parse floor, medians (goal <= 3x)", f"{total_s / floor_s:.2f}x")
            line("ratio geobuk / parse floor, each run", " ".join(
                f"{run[0] / floor:.2f}x" for run, floor in zip(bigs, floors, strict=True)))
            line("ratio geobuk / one-thread parse floor, medians", f"{total_s / floor1_s:.2f}x")
            line("geobuk events/s, 20x workload" if args.copies == 20 else "geobuk events/s",
                 f"{big.events / total_s:,.0f}")
            breakdown(folders, ruleset)


def fresh_workers() -> None:
    """Stop the forkserver the reading workers are forked from, so that the next hunt starts it
    again, as every ``geobuk hunt`` command does (it lives as long as the process that started it)."""
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    stop = getattr(server, "_stop", None)
    if stop is not None:
        stop()


def median(values: Sequence[float]) -> float:
    return sorted(values)[len(values) // 2]


def median_run(runs: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    """The (total, load, hunt) run whose total is the median."""
    return sorted(runs)[len(runs) // 2]


def breakdown(folders: Sequence[Path], ruleset: RuleSet) -> None:
    """Where a hunt of the copies spends its CPU: reading them (in this process) and matching the
    tables a hunt would match; and how long after the start the first batch comes (read by this
    process while the workers start)."""
    start = time.process_time()
    tables = [b.table for b in iter_batches(folders, workers=0, batch_size=READ_BATCH)]
    line("breakdown: reading the copies in one process (CPU)", seconds(time.process_time() - start))
    hunter = Hunter(ruleset)
    gathered: list = []
    start = time.process_time()
    for i, table in enumerate(tables):
        gathered.append(table)
        if sum(t.num_rows for t in gathered) >= MATCH_BATCH or i == len(tables) - 1:
            hunter.batch(pa.concat_tables(gathered, promote_options="default"))
            gathered = []
    line("breakdown: matching the tables a hunt matches (CPU)", seconds(time.process_time() - start))
    wall = time.perf_counter()
    batches = iter_batches(folders)
    next(batches)
    line("breakdown: first batch after (wall; this process reads it while the workers start)",
         seconds(time.perf_counter() - wall))
    batches.close()


if __name__ == "__main__":
    main()
