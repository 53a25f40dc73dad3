"""The baseline for ``bench_hunt.py``: Sigma rules as SQL over one in-memory SQLite table.

This is the approach Zircolite takes, reimplemented here for the benchmark (none of its code):

1. rules: every Sigma rule is parsed (``yaml.CSafeLoader`` + ``SigmaCollection.from_dicts``, a fast
   path: pySigma's own entry point ``SigmaCollection.from_yaml`` parses with the
   pure-Python ``yaml.safe_load_all``, timed apart by ``stock_yaml_seconds``), put through the
   same pySigma pipelines as geobuk (``sysmon_pipeline() +
   windows_logsource_pipeline()`` for every rule, and ``windows_audit_pipeline() +
   windows_logsource_pipeline()`` a second time for the categories Windows' own auditing records,
   geobuk's ``AUDIT_CATEGORIES``) and converted by ``pysigma-backend-sqlite`` to one
   ``SELECT * FROM logs WHERE ...`` per variant. A rule fails only if every variant fails.
2. events: read with geobuk's own sources stage (``iter_batches``), so both sides see the very same
   flat events and field names, and inserted into one table ``logs`` whose columns are all
   ``TEXT COLLATE NOCASE`` (as Zircolite builds it: ``=`` ignores ASCII case; ``LIKE`` does anyway),
   with ``row_id`` as the primary key and an index on ``EventID``.
3. queries: each query is run once; ``REGEXP`` is a Python function (``re.search``). A query that
   SQLite rejects matches nothing, as in Zircolite, where a rule on a field no event carries fails
   with "no such column". ``QueryRun.failed`` keeps the reason; ``rerun_with_columns`` runs those
   queries again with the missing columns added as NULL, to tell that cause apart.

Matches are ``(rule id, source, record)`` triples, the same key geobuk's findings give.
Run alone: ``.venv/bin/python bench/baseline_sqlite.py RULES... --logs FOLDER``.
"""

from __future__ import annotations

import argparse
import copy
import re
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import yaml
from sigma.backends.sqlite import sqliteBackend
from sigma.collection import SigmaCollection
from sigma.pipelines.sysmon import sysmon_pipeline
from sigma.pipelines.windows import windows_audit_pipeline, windows_logsource_pipeline
from sigma.rule import SigmaRule

from geobuk.detect.sigma.pipelines import AUDIT_CATEGORIES
from geobuk.sources import iter_batches

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TABLE = "logs"
SOURCE, RECORD = "_source", "_record"
_NO_COLUMN = re.compile(r"no such column: (.+)$")

Match = tuple[str, str, str]  # (rule id, source, record)


@dataclass
class SqlRule:
    id: str
    title: str
    source: str
    queries: tuple[str, ...]


@dataclass
class Conversion:
    rules: list[SqlRule] = field(default_factory=list)
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (file, rule, reason)
    seconds_yaml: float = 0.0
    seconds_convert: float = 0.0
    seconds_yaml_stock: float = 0.0  # the same files parsed as SigmaCollection.from_yaml parses them

    @property
    def seconds(self) -> float:
        return self.seconds_yaml + self.seconds_convert


@dataclass
class EventTable:
    conn: sqlite3.Connection
    events: int
    columns: dict[str, str]  # lower-cased name -> name as created
    seconds: float


@dataclass
class QueryRun:
    matches: set[Match] = field(default_factory=set)
    failed: dict[str, list[str]] = field(default_factory=dict)  # rule id -> reasons (one per query)
    seconds: float = 0.0


@dataclass
class BaselineResult:
    conversion: Conversion
    table: EventTable
    run: QueryRun

    @property
    def seconds(self) -> float:
        return self.conversion.seconds + self.table.seconds + self.run.seconds

    @property
    def seconds_stock(self) -> float:
        """End to end with the rules parsed as pySigma ships it (``SigmaCollection.from_yaml``): the
        same conversion, load and queries, with the YAML parse of pySigma's own entry point."""
        return self.seconds - self.conversion.seconds_yaml + self.conversion.seconds_yaml_stock


# ---------------------------------------------------------------- rules

def _audited(rule: SigmaRule) -> bool:
    return rule.logsource.product == "windows" and rule.logsource.category in AUDIT_CATEGORIES


def _backends() -> list[tuple[object, sqliteBackend]]:
    return [(lambda rule: True, sqliteBackend(sysmon_pipeline() + windows_logsource_pipeline())),
            (_audited, sqliteBackend(windows_audit_pipeline() + windows_logsource_pipeline()))]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def convert_rules(files: Sequence[Path]) -> Conversion:
    """Every Sigma rule in ``files`` as SQL queries (one per pipeline variant that can express it)."""
    out = Conversion()
    start = time.perf_counter()
    documents: list[tuple[Path, list[dict]]] = []
    for path in files:
        try:
            docs = [d for d in yaml.load_all(path.read_bytes(), Loader=_Loader) if isinstance(d, dict)]
        except yaml.YAMLError as exc:
            out.refused.append((str(path), "file", _first_line(exc)))
            continue
        documents.append((path, docs))
    out.seconds_yaml = time.perf_counter() - start

    start = time.perf_counter()
    backends = _backends()
    for path, docs in documents:
        try:
            collection = SigmaCollection.from_dicts(docs, collect_errors=True, resolve_references=False)
        except Exception as exc:  # noqa: BLE001 - pySigma raises many types on odd files
            out.refused.append((str(path), "file", _first_line(exc)))
            continue
        for rule in collection.rules:
            name = str(getattr(rule, "id", None) or getattr(rule, "title", "rule"))
            if not isinstance(rule, SigmaRule):
                out.refused.append((str(path), name, f"{type(rule).__name__} not run by the baseline"))
                continue
            if rule.errors:
                out.refused.append((str(path), name, _first_line(rule.errors[0])))
                continue
            queries: list[str] = []
            reasons: list[str] = []
            for accepts, backend in backends:
                if not accepts(rule):
                    continue
                try:
                    queries += backend.convert_rule(copy.deepcopy(rule))
                except Exception as exc:  # noqa: BLE001 - any failure only loses this variant
                    reasons.append(_first_line(exc))
            if queries:
                rule_id = str(rule.id) if rule.id else rule.title
                out.rules.append(SqlRule(rule_id, rule.title, str(path), tuple(dict.fromkeys(queries))))
            else:
                out.refused.append((str(path), name, reasons[0] if reasons else "no query"))
    out.seconds_convert = time.perf_counter() - start
    out.seconds_yaml_stock = stock_yaml_seconds(files)
    return out


def stock_yaml_seconds(files: Sequence[Path]) -> float:
    """Time to parse ``files`` the way ``SigmaCollection.from_yaml`` does (``yaml.safe_load_all``, the
    pure-Python loader): the parse every pySigma user pays unless they bring their own loader."""
    start = time.perf_counter()
    for path in files:
        try:
            list(yaml.safe_load_all(path.read_bytes()))
        except yaml.YAMLError:
            continue
    return time.perf_counter() - start


# ---------------------------------------------------------------- events

def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _regexp(pattern: str | None, value: str | None) -> int:
    if pattern is None or value is None:
        return 0
    try:
        return 1 if _compiled(pattern).search(value) else 0
    except re.error:
        return 0


def connect() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.create_function("regexp", 2, _regexp, deterministic=True)
    return conn


def load_events(paths: Iterable[Path], *, workers: int | None = None) -> EventTable:
    """Every event under ``paths`` (geobuk's sources stage) in one table ``logs``."""
    start = time.perf_counter()
    conn = connect()
    conn.execute(f"CREATE TABLE {TABLE} (row_id INTEGER PRIMARY KEY)")
    columns: dict[str, str] = {}
    events = 0
    for batch in iter_batches(list(paths), workers=workers):
        table: pa.Table = batch.table
        if not table.num_rows:
            continue
        names = table.column_names
        for name in names:
            if name.lower() not in columns:
                columns[name.lower()] = name
                conn.execute(f"ALTER TABLE {TABLE} ADD COLUMN {quote(name)} TEXT COLLATE NOCASE")
        sql = (f"INSERT INTO {TABLE} ({', '.join(quote(columns[n.lower()]) for n in names)}) "
               f"VALUES ({', '.join('?' * len(names))})")
        conn.executemany(sql, zip(*(table.column(i).to_pylist() for i in range(len(names))), strict=True))
        events += table.num_rows
    if "eventid" in columns:
        conn.execute(f"CREATE INDEX idx_eventid ON {TABLE} ({quote(columns['eventid'])})")
    conn.commit()
    return EventTable(conn, events, columns, time.perf_counter() - start)


# ---------------------------------------------------------------- queries

def _run_one(conn: sqlite3.Connection, rule_id: str, query: str, out: set[Match]) -> None:
    cursor = conn.execute(query)
    names = [d[0].lower() for d in cursor.description]
    src, rec = names.index(SOURCE), names.index(RECORD)
    for row in cursor:
        out.add((rule_id, row[src], row[rec]))


def run_queries(table: EventTable, rules: Sequence[SqlRule]) -> QueryRun:
    """Every query of every rule; a query SQLite rejects matches nothing (its reason is kept)."""
    out = QueryRun()
    start = time.perf_counter()
    for rule in rules:
        for query in rule.queries:
            try:
                _run_one(table.conn, rule.id, query, out.matches)
            except sqlite3.Error as exc:
                out.failed.setdefault(rule.id, []).append(f"{type(exc).__name__}: {exc}")
    out.seconds = time.perf_counter() - start
    return out


def missing_columns(reasons: Iterable[str]) -> list[str]:
    return [m.group(1) for r in reasons if (m := _NO_COLUMN.search(r))]


def rerun_with_columns(table: EventTable, rules: Sequence[SqlRule],
                       failed: dict[str, list[str]]) -> set[Match]:
    """The failed rules' matches once every column they lack exists (all NULL). For diagnosis only:
    the table is changed, so call it after the timed run."""
    matches: set[Match] = set()
    for rule in rules:
        if rule.id not in failed:
            continue
        for query in rule.queries:
            for _ in range(50):  # a query may lack several columns: add them one error at a time
                try:
                    _run_one(table.conn, rule.id, query, matches)
                    break
                except sqlite3.OperationalError as exc:
                    missing = missing_columns([str(exc)])
                    if not missing:
                        break
                    name = missing[0]
                    table.columns[name.lower()] = name
                    table.conn.execute(f"ALTER TABLE {TABLE} ADD COLUMN {quote(name)} TEXT COLLATE NOCASE")
    return matches


def run(files: Sequence[Path], paths: Sequence[Path], *, workers: int | None = None) -> BaselineResult:
    """Convert, load and query: the baseline end to end."""
    conversion = convert_rules(files)
    table = load_events(paths, workers=workers)
    return BaselineResult(conversion, table, run_queries(table, conversion.rules))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rules", nargs="+", type=Path, help="rule files or folders")
    ap.add_argument("--logs", type=Path, action="append", required=True)
    args = ap.parse_args()
    files = [f for p in args.rules for f in (sorted(p.rglob("*.yml")) if p.is_dir() else [p])]
    result = run(files, args.logs)
    c, t, q = result.conversion, result.table, result.run
    print(f"baseline rules converted: {len(c.rules)}")
    print(f"baseline rules refused: {len(c.refused)}")
    print(f"baseline events: {t.events}")
    print(f"baseline rules failed in SQLite: {len(q.failed)}")
    print(f"baseline matches: {len(q.matches)}")
    print(f"baseline rules hit: {len({m[0] for m in q.matches})}")
    print(f"baseline seconds (yaml / convert / load / query): {c.seconds_yaml:.2f} / {c.seconds_convert:.2f}"
          f" / {t.seconds:.2f} / {q.seconds:.2f}")


if __name__ == "__main__":
    main()
