"""Screening: labels with provenance, invalid addresses reported, exposure through unlabelled wallets."""

from __future__ import annotations

from geobuk.intel.importing import ensure_builtin_pack
from geobuk.trace.builtin import compile_objects, ensure_builtin_addresses
from geobuk.trace.follow import Context
from geobuk.trace.labels import load_labels
from geobuk.trace.screen import screen

RONIN = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
BINANCE = "0x28c6c06298d514db089934071355e5743bf21d60"
W1, W2, USER = "0x" + "1" * 40, "0x" + "2" * 40, "0x" + "3" * 40


def _store(store, table):
    ensure_builtin_pack(store)
    assert ensure_builtin_addresses(store) == []
    assert ensure_builtin_addresses(store) == []  # loaded once per version
    labels = load_labels(store)
    return Context.build(
        table([(RONIN.lower(), W1, 10, 0), (W1, W2, 10, 1), (W2, BINANCE, 10, 2), (BINANCE, USER, 1, 3)]),
        labels,
        {},
    )


def test_builtin_set_compiles_with_sources_and_actors() -> None:
    objects, warnings = compile_objects(lambda name: "intrusion-set--00000000-0000-4000-8000-000000000000")
    assert not warnings
    indicators = [o for o in objects if o["type"] == "indicator"]
    assert all(
        o["external_references"][0]["url"].startswith("https://")
        for o in objects
        if o["type"] != "relationship"
    )
    assert any(o["x_geobuk_observable"]["value"] == RONIN.lower() for o in indicators)
    assert sum(o["type"] == "relationship" for o in objects) == sum(
        "theft" in o["labels"] for o in indicators
    )


def test_direct_hit_with_actor_and_sources(store, table) -> None:
    ctx = _store(store, table)
    (row,) = screen(store, [RONIN], ctx=ctx)
    assert row.valid and row.hops == 0 and "theft" in row.labels
    assert row.actor["name"] == "Lazarus Group"
    assert any("fbi.gov" in s.get("url", "") for s in row.sources)


def test_invalid_is_reported_not_matched(store, table) -> None:
    ctx = _store(store, table)
    (row,) = screen(store, [RONIN[:-1] + "7"], ctx=ctx)
    assert not row.valid and "EIP-55" in row.reason and row.hops is None and row.labels == []


def test_exposure_in_hops_stops_at_services(store, table) -> None:
    ctx = _store(store, table)
    w2, binance, user = screen(store, [W2, BINANCE, USER], ctx=ctx)
    assert (w2.hops, w2.via, w2.actor["name"]) == (2, RONIN.lower(), "Lazarus Group")
    assert binance.labels == ["exchange"] and binance.hops == 3
    assert user.hops is None  # an exchange customer is not exposed through the exchange
