"""Events to Arrow: the union of all events' fields, every column a string, each value in its row."""

from __future__ import annotations

import pyarrow as pa
import pytest

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


def expected(events: list[dict], names: list[str], sources: list[str]) -> pa.Table:
    """The table built the slow, obvious way: one Python list per column."""
    columns = {"_source": sources} | {name: [event.get(name) for event in events] for name in names}
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})


def field_names(events: list[dict]) -> list[str]:
    return ["_record", "_timestamp", "_host", *dict.fromkeys(k for e in events for k in e if k != "_record")]


def sparse_events(count: int) -> list[dict]:
    """Events of 40 kinds, each with a few of 80 fields (some empty), all with EventID and _record."""
    events = []
    for i in range(count):
        kind = i % 40
        event = {"EventID": str(kind), f"F{kind}": f"v{i}", f"F{(kind * 7) % 80}": "" if i % 3 else f"w{i}"}
        if i % 5 == 0:
            event["Rare"] = "r" * (i % 4)
        event["_record"] = str(i + 1)
        events.append(event)
    return events


def test_sparse_events_from_several_sources_give_every_value_in_its_row():
    events = sparse_events(1000)  # ~4 of 80+ fields per event: the sparse path
    names = field_names(events)
    runs = [("a.evtx", 300), ("b.evtx", 1), ("c.evtx", 699)]
    table = events_table(events, runs)
    table.validate(full=True)
    sources = ["a.evtx"] * 300 + ["b.evtx"] + ["c.evtx"] * 699
    assert table.equals(expected(events, names, sources))
    assert table.column("_timestamp").null_count == 1000  # a metadata field no event has: all null
    assert all(table.column(name).num_chunks == 1 for name in table.column_names)


def test_dense_and_few_events_give_every_value_in_its_row():
    dense = [{"EventID": str(i), "Image": f"p{i}.exe", "_record": str(i)} | ({"Extra": "x"} if i % 2 else {})
             for i in range(500)]
    names = ["_record", "_timestamp", "_host", "EventID", "Image", "Extra"]
    assert events_table(dense, "d.jsonl").equals(expected(dense, names, ["d.jsonl"] * 500))
    few = sparse_events(30)
    assert events_table(few, [("f", 30)]).equals(expected(few, field_names(few), ["f"] * 30))


def test_a_null_value_in_sparse_events_stays_null():
    events = sparse_events(400)
    events[7]["F7"] = None
    table = events_table(events, "n.json")
    assert table.column("F7").to_pylist()[7] is None
    assert table.column("F7").to_pylist()[47] == "v47"


def test_runs_must_cover_the_events():
    with pytest.raises(ValueError, match="the runs cover 2 events, not 3"):
        events_table([{"a": "1"}] * 3, [("x", 1), ("y", 1)])
