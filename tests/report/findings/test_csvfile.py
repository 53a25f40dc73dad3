"""CSV: flat columns, proper quoting, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import json

import pytest

from geobuk.report.findings.csvfile import COLUMNS, CsvOutput, guard
from report.samples import EXCEL_ATTACK, KOREAN_HOST, POWERSHELL, SCRIPT, Result, make


def rows(result, **options) -> list[dict[str, str]]:
    stream = io.StringIO(newline="")
    CsvOutput(**options).write(result, stream, context={})
    stream.seek(0)
    reader = csv.DictReader(stream)
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


@pytest.mark.parametrize("cell", [EXCEL_ATTACK, "+1+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_are_made_text(cell):
    assert guard(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "rundll32 a.dll", "a=b", "'already", " =1", "2024-05-01"])
def test_other_cells_are_left_alone(cell):
    assert guard(cell) == cell


def test_one_row_per_finding_with_flat_columns(result):
    out = rows(result)
    assert [r["rule_id"] for r in out] == [f.rule_id for f in result.findings]
    first, indicator, correlation = out[0], out[3], out[4]
    assert first["tags"] == "attack.execution attack.t1218.011 attack.g0032"
    assert first["actor"] == "Lazarus Group" and first["level"] == "critical" and first["kind"] == "sigma"
    assert first["indicator_type"] == "" and first["related"] == ""
    assert (indicator["indicator_type"], indicator["indicator_value"]) == ("domain", f"{SCRIPT}.example")
    assert indicator["host"] == KOREAN_HOST
    assert correlation["actor"] == "" and correlation["host"] == ""
    assert json.loads(correlation["related"]) == result.findings[4].related


def test_the_event_is_compact_json_that_round_trips(result):
    for row, finding in zip(rows(result), result.findings, strict=True):
        assert json.loads(row["event"]) == finding.event
        assert row["event"] == json.dumps(finding.event, sort_keys=True, separators=(",", ":"),
                                          ensure_ascii=False)


def test_hostile_cells_are_guarded_and_kept_recoverable(result):
    out = rows(result)
    ps = out[5]
    assert ps["rule_title"] == "'" + POWERSHELL
    assert ps["host"] == "'@WS-03"
    # A formula inside the event JSON is not at a cell start: the cell starts with "{".
    assert json.loads(out[0]["event"])["CommandLine"] == EXCEL_ATTACK
    title = make(rule_title=EXCEL_ATTACK, host="=HYPERLINK(\"http://x\")")
    row = rows(Result([title]))[0]
    assert row["rule_title"] == "'" + EXCEL_ATTACK
    assert row["host"].startswith("'=")
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in out for cell in r.values())


def test_quotes_commas_and_newlines_survive():
    value = 'cmd /c "echo a,b"\r\nnext line'
    finding = make(rule_title='He said "hi", then left', event={"CommandLine": value})
    row = rows(Result([finding]))[0]
    assert row["rule_title"] == 'He said "hi", then left'
    assert json.loads(row["event"]) == {"CommandLine": value}


def test_excel_byte_order_mark_is_opt_in(result):
    plain, excel = io.StringIO(), io.StringIO()
    CsvOutput().write(result, plain, context={})
    CsvOutput(excel_bom=True).write(result, excel, context={})
    assert plain.getvalue().startswith("rule_id,")
    assert excel.getvalue() == "\ufeff" + plain.getvalue()


def test_header_only_without_findings():
    assert rows(Result([])) == []
