"""The same compiled rules give the same matches as SQL (DuckDB) as with geobuk's engine: the compiled
form is engine-neutral, so a Spark SQL run over Parquet can reproduce a hunt's findings."""

from __future__ import annotations

import base64

import duckdb
import pyarrow as pa
import pytest

from detect_helpers import SYSMON, compile_yaml, process, rule, table_of
from geobuk.detect.engine import Batch, match_rules
from geobuk.detect.plan import Plan
from geobuk.detect.render_sql import SqlRenderer

EVENTS = [
    process(r"C:\Windows\System32\cmd.exe", "cmd /c whoami /all", User="CORP\\admin",
            ParentImage=r"C:\x\a.exe"),
    process(r"C:\Users\bob\AppData\Local\Temp\MAUI.EXE", "maui.exe -t 50 -x -p C:\\data", Size="900"),
    process(r"c:\tools\plink.exe", "plink -R 8080:127.0.0.1:3389 user@192.0.2.4", User=""),
    process(r"C:\x\a.exe", "powershell -enc " + base64.b64encode(
        "iex(new-object net.webclient)".encode("utf-16-le")).decode(),
            ParentImage=r"C:\X\A.EXE", Size="12"),
    {"Channel": SYSMON, "EventID": "3", "Image": r"C:\x\anydesk.exe", "DestinationIp": "10.2.3.4"},
    {"Channel": "Security", "EventID": "4688", "NewProcessName": r"C:\Windows\System32\cmd.exe",
     "CommandLine": "net user x /add"},
    process(r"C:\odd\it's.exe", "quote ' and back\\slash and mimikatz"),
]

DETECTIONS = [
    "sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel",
    "sel:\n        CommandLine|contains|all: ['-t', '-x']\n    condition: sel",
    "sel:\n        CommandLine|startswith: 'PLINK'\n        CommandLine|contains: ' -R '\n    condition: sel",
    "sel:\n        CommandLine: 'net*/add'\n    condition: sel",
    "sel:\n        CommandLine|re|i: 'PLINK.*-r \\d+'\n    condition: sel",
    "sel:\n        User|exists: true\n    condition: sel",
    "sel:\n        User: null\n    condition: sel",
    "sel:\n        Image|fieldref: ParentImage\n    condition: sel",
    "sel:\n        Size|gt: 100\n    condition: sel",
    "sel:\n        CommandLine|windash|contains: ' -t '\n    condition: sel",
    "sel:\n        CommandLine|wide|base64offset|contains: 'new-object'\n    condition: sel",
    "sel:\n        Image|endswith: '.exe'\n    filter:\n        User: 'CORP\\admin'\n"
    "    condition: sel and not filter",
    "sel:\n        Image|contains: \"it's\"\n    condition: sel",
    "keywords:\n        - 'mimikatz'\n        - 'back\\slash'\n    condition: keywords",
    "sel:\n        Image|cased|contains: 'MAUI'\n    condition: sel",
]


@pytest.mark.parametrize("detection", DETECTIONS)
def test_sql_and_engine_agree(detection):
    ruleset = compile_yaml(rule("    " + detection))
    assert not ruleset.problems, ruleset.problems
    table = table_of(EVENTS)
    engine = match_rules(Batch(table, Plan(ruleset.rules)), ruleset.rules)
    engine_rows = sorted(int(r) for rows in engine.values() for r in rows)

    renderer = SqlRenderer(table.column_names)
    where = " OR ".join(renderer.detection(d) for d in ruleset.rules[0].detections)
    con = duckdb.connect()
    con.register("events", table.append_column("_row", pa.array(range(table.num_rows))))
    sql_rows = sorted(r[0] for r in con.execute(f"SELECT _row FROM events WHERE {where}").fetchall())
    assert sql_rows == engine_rows
    assert engine_rows, "each case is chosen to match something"
