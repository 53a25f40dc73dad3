"""Hunt findings kept in the store, with the hunt's parameters, for reports and sharing later."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import orjson
import pyarrow as pa

from geobuk.detect.findings import Finding
from geobuk.intel.store import Store


def save_run(store: Store, findings: list[Finding], *, parameters: dict, summary: dict,
             seconds: float, stage: str = "hunt") -> str:
    """Store one run and its findings in one transaction; return the run id."""
    run_id = f"{stage}--{uuid.uuid4()}"
    rows = {k: [] for k in ("run_id", "kind", "rule_id", "rule_title", "level", "actor", "source_file",
                            "record_id", "timestamp", "host", "doc")}
    for f in findings:
        for key, value in (("run_id", run_id), ("kind", f.kind), ("rule_id", f.rule_id),
                           ("rule_title", f.rule_title), ("level", f.level), ("actor", f.actor),
                           ("source_file", f.source_file), ("record_id", f.record_id),
                           ("timestamp", f.timestamp), ("host", f.host),
                           ("doc", orjson.dumps(f.to_dict()).decode())):
            rows[key].append(value)
    with store.transaction():
        store.con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?)", [
            run_id, stage, datetime.now(UTC).replace(tzinfo=None), seconds,
            json.dumps(parameters, default=str), json.dumps(summary, default=str)])
        if findings:
            store.con.register("_findings", pa.table(rows, schema=pa.schema(
                [(k, pa.string()) for k in rows])))
            try:
                store.con.execute("INSERT INTO findings SELECT * FROM _findings")
            finally:
                store.con.unregister("_findings")
    return run_id


def load_findings(store: Store, run_id: str) -> list[dict]:
    rows = store.con.execute("SELECT doc FROM findings WHERE run_id = ? ORDER BY rowid", [run_id]).fetchall()
    return [orjson.loads(r[0]) for r in rows]
