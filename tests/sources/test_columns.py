"""Field names that differ only in case or spaces become one column."""

from __future__ import annotations

import pyarrow as pa

from geobuk.sources.columns import ColumnNames


def table(**columns: list) -> pa.Table:
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})


def test_spellings_within_a_batch_are_merged_first_spelling_first():
    names = ColumnNames()
    merged = names.apply(table(ProcessId=["1", None, "3"], Image=["a", "b", "c"], ProcessID=["9", "2", None]))
    assert merged.column_names == ["ProcessId", "Image"]
    assert merged.column("ProcessId").to_pylist() == ["1", "2", "3"]  # the kept spelling's value wins


def test_the_first_spelling_holds_for_later_batches():
    names = ColumnNames()
    names.apply(table(LogonId=["0x1"]))
    later = names.apply(table(LOGONID=["0x2"], Other=["x"]))
    assert later.column_names == ["LogonId", "Other"]
    assert later.column("LogonId").to_pylist() == ["0x2"]


def test_a_table_without_collisions_is_returned_as_is():
    names = ColumnNames()
    original = table(A=["1"], B=["2"])
    assert names.apply(original) is original


def test_spellings_differing_in_spaces_are_merged_and_the_first_met_is_kept():
    names = ColumnNames()
    first = names.apply(table(ThreatName=["a", None], **{"Threat Name": ["b", "c"]}))
    assert first.column_names == ["ThreatName"]
    assert first.column("ThreatName").to_pylist() == ["a", "c"]
    later = names.apply(table(**{"threat name": ["d"], "Process Id": ["1"]}))
    assert later.column_names == ["ThreatName", "Process Id"]
    assert names.spelling("PROCESSID") == "Process Id"  # spaces kept when that spelling came first
