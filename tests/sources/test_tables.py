"""Events to Arrow: the union of all events' fields, every column a string."""

from __future__ import annotations

import pyarrow as pa

from geobuk.sources.tables import empty_table, events_table


def test_schema_is_the_union_of_heterogeneous_events_in_first_seen_order():
    events = [
        {"EventID": "1", "Image": "a.exe", "_record": "1"},
        {"EventID": "3", "DestinationIp": "10.0.0.1", "_record": "2", "_host": "WS01"},
        {"EventID": "11", "TargetFilename": "x.dll", "Image": "b.exe", "_record": "3"},
    ]
    table = events_table(events, "sysmon.evtx")
    assert table.column_names == ["_source", "_record", "_timestamp", "_host",
                                  "EventID", "Image", "DestinationIp", "TargetFilename"]
    assert all(field.type == pa.string() for field in table.schema)
    assert table.column("DestinationIp").to_pylist() == [None, "10.0.0.1", None]
    assert table.column("TargetFilename").to_pylist() == [None, None, "x.dll"]  # a field only the last has
    assert table.column("_source").to_pylist() == ["sysmon.evtx"] * 3
    assert table.column("_host").to_pylist() == [None, "WS01", None]
    assert all(table.column(name).num_chunks == 1 for name in table.column_names)


def test_empty_table_has_the_metadata_columns():
    table = empty_table("x.json")
    assert table.num_rows == 0
    assert table.column_names == ["_source", "_record", "_timestamp", "_host"]
