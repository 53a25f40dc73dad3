"""The store's tables, and the migrations that bring an older store file up to date on open.

``object_versions`` keeps every version ever imported (with its JSON); ``objects`` points at the
current one of each id (``current_objects`` joins the two); the
other tables are indexes derived from current objects (rebuilt per changed id) so that the later
stages look things up by value with a join instead of scanning JSON.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

SCHEMA_VERSION = 2

_V1 = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE object_versions (
    id VARCHAR NOT NULL,
    modified TIMESTAMP NOT NULL,
    type VARCHAR NOT NULL,
    doc VARCHAR NOT NULL,
    source VARCHAR,
    imported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (id, modified)
);
CREATE TABLE objects (
    id VARCHAR PRIMARY KEY,
    modified TIMESTAMP NOT NULL,
    type VARCHAR NOT NULL,
    name VARCHAR,
    revoked BOOLEAN NOT NULL
);
CREATE VIEW current_objects AS
    SELECT o.id, o.modified, o.type, o.name, o.revoked, v.doc
    FROM objects o JOIN object_versions v ON v.id = o.id AND v.modified = o.modified;
CREATE INDEX objects_type ON objects (type);
CREATE TABLE names (
    object_id VARCHAR NOT NULL,
    object_type VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    norm VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    claimed BOOLEAN NOT NULL
);
CREATE INDEX names_norm ON names (norm);
CREATE INDEX names_object ON names (object_id);
CREATE TABLE indicator_values (
    indicator_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    value VARCHAR NOT NULL
);
CREATE INDEX indicator_values_value ON indicator_values (value);
CREATE INDEX indicator_values_id ON indicator_values (indicator_id);
CREATE TABLE relationships (
    id VARCHAR PRIMARY KEY,
    relationship_type VARCHAR NOT NULL,
    source_ref VARCHAR NOT NULL,
    target_ref VARCHAR NOT NULL
);
CREATE INDEX relationships_source ON relationships (source_ref);
CREATE INDEX relationships_target ON relationships (target_ref);
"""

# Version 2: results of the later stages (hunt findings today), kept with the parameters of the run
# that produced them so reports and sharing can use them later.
_V2 = """
CREATE TABLE runs (
    id VARCHAR PRIMARY KEY,
    stage VARCHAR NOT NULL,
    started TIMESTAMP NOT NULL,
    seconds DOUBLE,
    parameters VARCHAR NOT NULL,
    summary VARCHAR NOT NULL
);
CREATE TABLE findings (
    run_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    rule_id VARCHAR NOT NULL,
    rule_title VARCHAR,
    level VARCHAR,
    actor VARCHAR,
    source_file VARCHAR,
    record_id VARCHAR,
    timestamp VARCHAR,
    host VARCHAR,
    doc VARCHAR NOT NULL
);
CREATE INDEX findings_run ON findings (run_id);
"""

#: MIGRATIONS[n] takes a store at version n to n + 1.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    0: lambda con: con.execute(_V1),
    1: lambda con: con.execute(_V2),
}


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchall()[0][0]
    if not has_meta:
        return 0
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema to ``SCHEMA_VERSION``, each step in its own transaction; return the old one."""
    start = version = current_version(con)
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"store schema {version} is newer than this geobuk ({SCHEMA_VERSION})")
    while version < SCHEMA_VERSION:
        con.execute("BEGIN")
        MIGRATIONS[version](con)
        version += 1
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
        con.execute("COMMIT")
    return start
