"""The intel store: STIX 2.1 objects with their versions in one embedded DuckDB file.

Importing the same object twice changes nothing; a newer ``modified`` supersedes and the older
version stays queryable. Writes happen in one transaction per import, so a bad file or a killed
process leaves the store exactly as it was (DuckDB never replays an uncommitted transaction).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa

from geobuk.errors import GeobukError
from geobuk.intel import schema
from geobuk.intel.names import ACTOR_TYPES, KIND_RANK, NAMED_TYPES, AliasClaim, names_of, normalize_name
from geobuk.intel.patterns import observables_in_pattern
from geobuk.intel.stix import StixProblem, check, upgrade_to_21


@dataclass
class ImportCounts:
    """What an import did: new objects, new versions of known ones, and objects already there."""

    added: int = 0
    versions: int = 0
    unchanged: int = 0
    aliases: int = 0
    warnings: list[str] = field(default_factory=list)

    def __iadd__(self, other: ImportCounts) -> ImportCounts:
        self.added += other.added
        self.versions += other.versions
        self.unchanged += other.unchanged
        self.aliases += other.aliases
        self.warnings += other.warnings
        return self


@dataclass(frozen=True)
class NameMatch:
    object_id: str
    object_type: str
    name: str
    kind: str
    sources: tuple[str, ...]


#: Up to this many indicator values are kept in memory for point lookups (~100 bytes each).
MAX_CACHED_VALUES = 2_000_000


class BadObject(GeobukError):
    """An object of an import that cannot be stored; ``index`` is its position in the input."""

    def __init__(self, index: int, problem: str) -> None:
        self.index = index
        self.problem = problem
        super().__init__(f"object {index}: {problem}")


_VERSION_SCHEMA = pa.schema([  # the columns of an incoming batch
    ("id", pa.string()), ("modified", pa.timestamp("us")), ("type", pa.string()),
    ("name", pa.string()), ("revoked", pa.bool_()), ("doc", pa.string()),
])


class Store:
    """One open store file. Use as a context manager, or call ``close``."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise GeobukError(f"{self.path}: cannot open the store: {str(exc).splitlines()[0]}") from None
        self.con.execute("SET TimeZone = 'UTC'")
        # STIX JSON is most of the file: zstd makes it 3x smaller than the default and the
        # checkpoint twice as fast (measured on the ATT&CK bundle).
        self.con.execute("SET force_compression = 'zstd'")
        if not read_only:
            schema.migrate(self.con)
        self._names_cache: dict[str, list[NameMatch]] | None = None
        self._values_cache: dict[str, list[tuple[str, str, str]]] | None = None
        self._in_tx = False

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: everything written inside is committed together or not at all."""
        self.con.execute("BEGIN")
        self._in_tx = True
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            self._names_cache = self._values_cache = None
            raise
        finally:
            self._in_tx = False
        if os.environ.get("GEOBUK_FAULT") == "kill-before-commit":  # lets tests kill an import mid-way
            os.kill(os.getpid(), signal.SIGKILL)
        self.con.execute("COMMIT")

    def add_objects(self, objects: Iterable[dict], *, source: str = "") -> ImportCounts:
        """Store STIX objects (2.0 upgraded to 2.1); raise ``BadObject`` for the first bad one.

        Call inside ``transaction()`` so that a bad object leaves no trace.
        """
        ids, mods, kinds, names, revoked, docs = [], [], [], [], [], []
        rels: list[tuple] = []
        seen: set[tuple[str, datetime]] = set()
        for index, raw in enumerate(objects):
            try:
                obj = upgrade_to_21(raw) if isinstance(raw, dict) else raw
                oid, kind, modified = check(obj)
            except StixProblem as exc:
                raise BadObject(index, str(exc)) from None
            if (oid, modified) in seen:
                continue
            seen.add((oid, modified))
            name = obj.get("name")
            ids.append(oid)
            mods.append(modified)
            kinds.append(kind)
            names.append(name if isinstance(name, str) else None)
            revoked.append(bool(obj.get("revoked", False)))
            docs.append(orjson.dumps(obj).decode())
            if kind == "relationship":
                rels.append((oid, modified, obj["relationship_type"], obj["source_ref"], obj["target_ref"]))
        counts = ImportCounts()
        if not seen:
            return counts
        con = self.con
        con.register("incoming", pa.table([ids, mods, kinds, names, revoked, docs], schema=_VERSION_SCHEMA))
        try:
            new_versions = _scalar(con, """
                INSERT INTO object_versions
                SELECT i.id, i.modified, i.type, i.doc, ?, now() FROM incoming i
                ANTI JOIN object_versions v ON v.id = i.id AND v.modified = i.modified
            """, [source])
            counts.unchanged = len(seen) - new_versions
            # The newest incoming version of each id becomes current if it is newer than the current one.
            con.execute("""
                CREATE OR REPLACE TEMP TABLE promoted AS
                SELECT f.id, f.modified, f.type, f.name, f.revoked FROM (
                    SELECT * FROM incoming
                    QUALIFY row_number() OVER (PARTITION BY id ORDER BY modified DESC) = 1
                ) f LEFT JOIN objects o ON o.id = f.id
                WHERE o.id IS NULL OR f.modified > o.modified
            """)
            counts.added = _scalar(con, "SELECT count(*) FROM promoted p ANTI JOIN objects o ON o.id = p.id")
            counts.versions = new_versions - counts.added
            con.execute("DELETE FROM objects WHERE id IN (SELECT id FROM promoted)")
            con.execute("INSERT INTO objects SELECT * FROM promoted")
            self._reindex(rels)
        finally:
            con.unregister("incoming")
        return counts

    def _reindex(self, rels: list[tuple]) -> None:
        """Rebuild the derived indexes for the ids in the temp table ``promoted``."""
        con = self.con
        con.execute("DELETE FROM names WHERE NOT claimed AND object_id IN (SELECT id FROM promoted)")
        con.execute("DELETE FROM indicator_values WHERE indicator_id IN (SELECT id FROM promoted)")
        con.execute("DELETE FROM relationships WHERE id IN (SELECT id FROM promoted)")
        if rels:
            data = pa.table({k: [r[i] for r in rels] for i, k in enumerate(
                ("id", "modified", "relationship_type", "source_ref", "target_ref"))})
            con.register("_rels", data)
            try:
                con.execute("""
                    INSERT INTO relationships
                    SELECT r.id, r.relationship_type, r.source_ref, r.target_ref
                    FROM _rels r JOIN promoted p ON p.id = r.id AND p.modified = r.modified
                    WHERE NOT p.revoked
                """)
            finally:
                con.unregister("_rels")
        rows = con.execute("""
            SELECT v.doc FROM promoted p JOIN object_versions v ON v.id = p.id AND v.modified = p.modified
            WHERE p.type IN (SELECT unnest(?)) OR p.type = 'indicator'
        """, [list(NAMED_TYPES)]).fetchall()
        name_rows: list[tuple] = []
        value_rows: list[tuple] = []
        for (doc,) in rows:
            obj = orjson.loads(doc)
            if obj.get("revoked"):
                continue
            if obj["type"] == "indicator":
                value_rows.extend((obj["id"], k, v) for k, v in indicator_observables(obj))
            else:
                name_rows.extend((r.object_id, r.object_type, r.name, r.norm, r.kind, r.source, False)
                                 for r in names_of(obj))
        if name_rows:
            self._insert("names", name_rows, ["object_id", "object_type", "name", "norm", "kind",
                                              "source", "claimed"])
        if value_rows:
            self._insert("indicator_values", value_rows, ["indicator_id", "kind", "value"])
        self._names_cache = self._values_cache = None

    def _insert(self, table: str, rows: list[tuple], columns: list[str]) -> None:
        data = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})
        self.con.register("_rows", data)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _rows")
        finally:
            self.con.unregister("_rows")

    def add_alias_claims(self, claims: Iterable[AliasClaim]) -> int:
        """Attach names to known objects (e.g. a MISP galaxy's synonyms); return how many are new."""
        rows = []
        seen = set()
        for claim in claims:
            norm = normalize_name(claim.alias)
            if not norm or (claim.actor_id, norm, claim.source) in seen:
                continue
            seen.add((claim.actor_id, norm, claim.source))
            rows.append((claim.actor_id, claim.alias, norm, claim.source))
        if not rows:
            return 0
        data = pa.table({"object_id": [r[0] for r in rows], "name": [r[1] for r in rows],
                         "norm": [r[2] for r in rows], "source": [r[3] for r in rows]})
        self.con.register("_claims", data)
        try:
            before = _scalar(self.con, "SELECT count(*) FROM names WHERE claimed")
            self.con.execute("""
                INSERT INTO names
                SELECT c.object_id, o.type, c.name, c.norm, 'alias', c.source, true
                FROM _claims c JOIN objects o ON o.id = c.object_id
                ANTI JOIN names n ON n.object_id = c.object_id AND n.norm = c.norm AND n.source = c.source
            """)
            after = _scalar(self.con, "SELECT count(*) FROM names WHERE claimed")
        finally:
            self.con.unregister("_claims")
        self._names_cache = None
        return after - before

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    # ------------------------------------------------------------------ reading
    def meta(self, key: str) -> str | None:
        row = _first(self.con, "SELECT value FROM meta WHERE key = ?", [key])
        return row[0] if row else None

    def get(self, object_id: str) -> dict | None:
        row = _first(self.con, "SELECT doc FROM current_objects WHERE id = ?", [object_id])
        return orjson.loads(row[0]) if row else None

    def get_many(self, object_ids: Iterable[str]) -> dict[str, dict]:
        ids = list(dict.fromkeys(object_ids))
        if not ids:
            return {}
        rows = self.con.execute("SELECT id, doc FROM current_objects WHERE id IN (SELECT unnest(?))", [ids])
        return {oid: orjson.loads(doc) for oid, doc in rows.fetchall()}

    def versions(self, object_id: str) -> list[dict]:
        """Every stored version of an object, oldest first."""
        rows = self.con.execute(
            "SELECT doc FROM object_versions WHERE id = ? ORDER BY modified", [object_id]).fetchall()
        return [orjson.loads(r[0]) for r in rows]

    def objects(self, types: Iterable[str] | None = None) -> Iterator[dict]:
        """Current objects, optionally of some types only, in a stable order."""
        types = list(types or [])
        sql = "SELECT doc FROM current_objects"
        params: list = []
        if types:
            sql += " WHERE type IN (SELECT unnest(?))"
            params.append(types)
        cur = self.con.execute(sql + " ORDER BY type, id", params)
        while batch := cur.fetchmany(2048):
            for (doc,) in batch:
                yield orjson.loads(doc)

    def _names(self) -> dict[str, list[NameMatch]]:
        """All names, by normalised key: small enough to keep in memory, and lookups become dict hits."""
        if self._names_cache is None:
            cache: dict[str, dict[tuple[str, str], tuple[str, str, str, set]]] = {}
            rows = self.con.execute(
                "SELECT norm, object_id, object_type, name, kind, source FROM names").fetchall()
            for norm, oid, otype, name, kind, source in rows:
                slot = cache.setdefault(norm, {})
                prev = slot.get((oid, otype))
                if prev is None:
                    slot[(oid, otype)] = (name, kind, otype, {source})
                else:
                    best = prev if KIND_RANK[prev[1]] <= KIND_RANK[kind] else (name, kind, otype, prev[3])
                    best[3].add(source)
                    slot[(oid, otype)] = best
            self._names_cache = {
                norm: sorted(
                    (NameMatch(oid, otype, name, kind, tuple(sorted(srcs)))
                     for (oid, _), (name, kind, otype, srcs) in slot.items()),
                    key=lambda m: (KIND_RANK[m.kind], m.object_id))
                for norm, slot in cache.items()
            }
        return self._names_cache

    def lookup_name(self, name: str, types: Iterable[str] = ACTOR_TYPES) -> list[NameMatch]:
        """Every object of ``types`` known by ``name``, best kind of name first."""
        wanted = set(types)
        return [m for m in self._names().get(normalize_name(name), []) if m.object_type in wanted]

    def lookup_names_of(self, object_id: str) -> list[NameMatch]:
        """Every name one object is known by."""
        return [m for ms in self._names().values() for m in ms if m.object_id == object_id]

    def resolve(self, name: str, types: Iterable[str] = ACTOR_TYPES) -> str | None:
        """The id ``name`` names unambiguously among ``types`` (best-ranked kind wins), else None."""
        matches = self.lookup_name(name, types)
        if not matches:
            return None
        best = KIND_RANK[matches[0].kind]
        top = {m.object_id for m in matches if KIND_RANK[m.kind] == best}
        return top.pop() if len(top) == 1 else None

    def candidates(self, name: str, types: Iterable[str] = ACTOR_TYPES) -> list[str]:
        """Every id ``name`` points to among ``types``, whatever the kind of name."""
        return list(dict.fromkeys(m.object_id for m in self.lookup_name(name, types)))

    def resolve_many(self, names: Iterable[str], types: Iterable[str] = ACTOR_TYPES) -> dict[str, str | None]:
        types = tuple(types)
        return {n: self.resolve(n, types) for n in names}

    def all_names(self, types: Iterable[str] = ACTOR_TYPES) -> list[str]:
        wanted = set(types)
        return sorted({m.name for ms in self._names().values() for m in ms if m.object_type in wanted})

    def indicators_for(self, values: Iterable[str], kind: str | None = None) -> list[tuple[str, str, str]]:
        """(value, kind, indicator id) of every indicator matching one of ``values``: one join."""
        vals = list(dict.fromkeys(values))
        if not vals:
            return []
        where, params = "", []
        if kind:
            where, params = " WHERE iv.kind = ?", [kind]
        if len(vals) <= 16:  # point lookups: answered from memory (see _values)
            cache = self._values()
            if cache is not None:
                return [hit for v in vals for hit in cache.get(v, ()) if kind is None or hit[1] == kind]
        self.con.register("_probe", pa.table({"value": vals}))
        try:
            sql = ("SELECT iv.value, iv.kind, iv.indicator_id FROM _probe p "
                   "JOIN indicator_values iv ON iv.value = p.value" + where)
            return [tuple(r) for r in self.con.execute(sql, params).fetchall()]
        finally:
            self.con.unregister("_probe")

    def _values(self) -> dict[str, list[tuple[str, str, str]]] | None:
        """Indicator values by value, for point lookups; None when the store is too big to hold."""
        if self._values_cache is None:
            if _scalar(self.con, "SELECT count(*) FROM indicator_values") > MAX_CACHED_VALUES:
                return None
            cache: dict[str, list[tuple[str, str, str]]] = {}
            for value, kind, oid in self.con.execute(
                    "SELECT value, kind, indicator_id FROM indicator_values").fetchall():
                cache.setdefault(value, []).append((value, kind, oid))
            self._values_cache = cache
        return self._values_cache

    def indicator_table(self) -> pa.Table:
        """Every current indicator value as an Arrow table (kind, value, indicator_id, name)."""
        return to_arrow(self.con.sql("""
            SELECT iv.kind, iv.value, iv.indicator_id, o.name
            FROM indicator_values iv JOIN objects o ON o.id = iv.indicator_id
        """))

    def relationships(self, *, source: str | None = None, target: str | None = None,
                      rel_type: str | None = None) -> list[tuple[str, str, str, str]]:
        """(id, relationship_type, source_ref, target_ref) of current relationships."""
        clauses, params = [], []
        for col, val in (("source_ref", source), ("target_ref", target), ("relationship_type", rel_type)):
            if val is not None:
                clauses.append(f"{col} = ?")
                params.append(val)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        return [tuple(r) for r in self.con.execute(
            "SELECT id, relationship_type, source_ref, target_ref FROM relationships" + where
            + " ORDER BY id", params).fetchall()]

    def search(self, text: str, limit: int = 50) -> list[tuple[str, str, str]]:
        """(id, type, name) of objects whose name, alias, indicator value or description has ``text``."""
        like = f"%{text}%"
        norm = normalize_name(text)
        rows = self.con.execute("""
            WITH hits AS (
                SELECT object_id AS id, 0 AS rank FROM names WHERE norm = ?
                UNION ALL SELECT object_id, 1 FROM names WHERE name ILIKE ?
                UNION ALL SELECT indicator_id, 1 FROM indicator_values WHERE value ILIKE ?
                UNION ALL SELECT id, 2 FROM current_objects WHERE doc->>'description' ILIKE ?
            )
            SELECT o.id, o.type, coalesce(o.name, o.id), min(h.rank) AS r
            FROM hits h JOIN objects o ON o.id = h.id
            GROUP BY ALL ORDER BY r, o.type, 3 LIMIT ?
        """, [norm, like, like, like, limit]).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def stats(self) -> dict:
        con = self.con
        by_type = dict(con.execute(
            "SELECT type, count(*) FROM objects GROUP BY type ORDER BY 2 DESC").fetchall())
        return {
            "objects": sum(by_type.values()),
            "versions": _scalar(con, "SELECT count(*) FROM object_versions"),
            "by_type": by_type,
            "names": _scalar(con, "SELECT count(DISTINCT norm) FROM names"),
            "indicator_values": dict(con.execute(
                "SELECT kind, count(*) FROM indicator_values GROUP BY kind ORDER BY 2 DESC").fetchall()),
            "schema_version": schema.current_version(con),
        }


def to_arrow(result: duckdb.DuckDBPyRelation) -> pa.Table:
    """A query result as an Arrow table (DuckDB 2 renamed ``fetch_arrow_table`` to ``to_arrow_table``)."""
    fetch = getattr(result, "to_arrow_table", None) or result.fetch_arrow_table
    return fetch()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    """One value, with the result read to its end (DuckDB refuses other work while one is open)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def _first(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def indicator_observables(obj: dict) -> list[tuple[str, str]]:
    """(kind, normalised value) pairs an indicator matches, from geobuk's own hint or its pattern."""
    hint = obj.get("x_geobuk_observable")
    if isinstance(hint, dict) and hint.get("type") and hint.get("value"):
        return [(hint["type"], hint["value"])]
    if obj.get("pattern_type", "stix") != "stix":
        return []
    return observables_in_pattern(obj.get("pattern", ""))
