"""Shared exact keys found one kind at a time agree with a plain group-by, and come out in order."""

from __future__ import annotations

import random

import pyarrow as pa

from geobuk.vet.config import VetConfig
from geobuk.vet.keys import key_parts, key_table, shared_keys
from geobuk.vet.linking import exact_groups


def _reference(rows: list[dict]) -> list[tuple]:
    """GROUP BY key over non-null keys: (key, min display, distinct people, distinct strong, any
    shipping) for keys on two or more rows and of two or more people, in key order."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        if row["key"] is not None:
            groups.setdefault(row["key"], []).append(row)
    out = []
    for key in sorted(groups):
        members = groups[key]
        people = sorted({r["person"] for r in members})
        if len(members) > 1 and len(people) > 1:
            displays = [r["display"] for r in members if r["display"] is not None]
            out.append(
                (
                    key,
                    min(displays) if displays else None,
                    people,
                    len({r["strong"] for r in members if r["strong"] is not None}),
                    any(r["shipping"] for r in members),
                )
            )
    return out


def test_shared_keys_equal_a_plain_group_by():
    rng = random.Random(8)
    rows = [
        {
            "key": rng.choice([None, *(f"k{n}" for n in range(60))]),
            "display": rng.choice([None, "B", "a", "Ä", "b"]),
            "person": rng.randrange(150),
            "strong": rng.choice([None, "s1", "s2"]),
            "shipping": rng.random() < 0.1,
        }
        for _ in range(400)
    ]
    rows.append({"key": "same-person", "display": "x", "person": 3, "strong": None, "shipping": False})
    rows.append({"key": "same-person", "display": "y", "person": 3, "strong": None, "shipping": False})
    table = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [("key", pa.string()), ("display", pa.string()), ("person", pa.int64()), ("strong", pa.string()),
             ("shipping", pa.bool_())]
        ),
    )
    found = [tuple(shared) for shared in shared_keys(table)]
    assert found == _reference(rows)
    assert all(key != "same-person" for key, *_ in found)  # two rows, one person: no link
    assert shared_keys(table.slice(0, 0)) == [] and shared_keys(table.slice(0, 1)) == []


def test_groups_in_kind_then_key_order_with_caps_and_weak_keys(data_for, person):
    rows = [
        person("E1", email="zedka1234@x.example", phone="+1 212 555 0100", payment_account="US111"),
        person("E2", email="zedka1234@y.example", phone="+1 212 555 0100", payment_account="US111"),
        person("E3", email="ann.lee@gmail.com", payment_account="US000"),
        person("E4", email="annlee@gmail.com", payment_account="US000"),
        person("E5", payment_account="US000"),
    ]
    data = data_for(rows, config=VetConfig(max_group=2))
    groups, ignored = exact_groups(data)
    assert [(g.kind, g.value, g.members) for g in groups] == [
        ("email_alias", "annlee@gmail.com", [2, 3]),
        ("email_pattern", "zedka", [0, 1]),
        ("payment", "US111", [0, 1]),
        ("phone", "+1 212 555 0100", [0, 1]),
    ]
    assert ignored == {"payment": 1}  # US000: three people over a cap of two
    # key_table holds the same keys, all kinds in one table, for inspection and the benchmark.
    table = key_table(data)
    kinds = [kind for kind, _ in key_parts(data)]
    assert table.num_rows == sum(part.num_rows for _, part in key_parts(data))
    assert set(table.column("kind").to_pylist()) == set(kinds)
