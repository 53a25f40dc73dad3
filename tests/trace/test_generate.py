"""The generated data set end to end: planted laundering found, honest traffic not flagged."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from geobuk.intel.importers import tagpack  # noqa: F401 - registers the importer
from geobuk.intel.importing import ensure_builtin_pack, import_files
from geobuk.trace import generate as gen
from geobuk.trace import storage
from geobuk.trace.builtin import ensure_builtin_addresses
from geobuk.trace.follow import Context, run_follow
from geobuk.trace.generate import background, generate
from geobuk.trace.load import load_files
from geobuk.trace.screen import screen


@pytest.fixture
def loaded(tmp_path: Path, store):
    scenario = generate(3, tmp_path / "data")
    ensure_builtin_pack(store)
    ensure_builtin_addresses(store)
    import_files(store, [tmp_path / "data" / "labels.yaml"])
    load_files(store, [tmp_path / "data" / "eth_transfers.csv", tmp_path / "data" / "btc_transactions.jsonl"])
    return store, scenario, Context.from_store(store)


def test_same_seed_same_files(tmp_path: Path) -> None:
    generate(5, tmp_path / "a")
    generate(5, tmp_path / "b")
    for name in ("eth_transfers.csv", "btc_transactions.jsonl", "scenario.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert json.loads((tmp_path / "a" / "scenario.json").read_text())["fan_out_wallets"]


@pytest.mark.parametrize("model", ["poison", "haircut", "fifo"])
def test_planted_laundering_is_found(loaded, model: str) -> None:
    store, scenario, ctx = loaded
    eth = run_follow(ctx, [scenario.eth_seed], hops=5, model=model)
    names = {p["pattern"] for p in eth.patterns}
    assert {"fan-out", "freezable-swap", "bridge-hop", "mixer-deposit", "exchange-cash-out"} <= names
    endpoints = {e.name for e in eth.endpoints}
    assert {"Tornado Cash", "THORChain", "Avalanche Bridge", "Binance"} <= endpoints
    assert eth.actor and eth.actor["name"] == "TraderTraitor"
    btc = run_follow(ctx, [scenario.btc_seed], hops=10, model=model)
    assert {"peel-chain", "mixer-deposit", "exchange-cash-out"} <= {p["pattern"] for p in btc.patterns}
    assert "Sinbad" in {e.name for e in btc.endpoints}


def test_honest_traffic_is_not_flagged(loaded) -> None:
    store, scenario, ctx = loaded
    traced = set()
    for seed, hops in ((scenario.eth_seed, 6), (scenario.btc_seed, 10)):
        result = run_follow(ctx, [seed], hops=hops, model="poison")
        traced |= {s.from_address for s in result.timeline} | {s.to_address for s in result.timeline}
    honest = set(scenario.honest_eth) | set(scenario.honest_btc) | {scenario.payroll}
    assert not traced & honest
    rows = screen(store, sorted(honest), ctx=ctx)
    assert all(r.valid and r.hops is None and not r.labels for r in rows)
    payroll = run_follow(ctx, [scenario.payroll], hops=3, model="poison")
    assert not [p for p in payroll.patterns if p["pattern"] in ("fan-out", "peel-chain")]


def test_clusters_follow_the_entity_and_spare_coinjoins(loaded) -> None:
    store, scenario, ctx = loaded
    assert ctx.clusters[scenario.btc_seed] == ctx.clusters["15FcqYRbwh2JsRUyBjvZ4jJ2XAD3pycGch"]
    assert not set(scenario.coinjoin_inputs) & set(ctx.clusters)
    deposit = scenario.exchange_deposits[-1]
    assert ctx.clusters[deposit] == ctx.clusters[scenario.exchange_hot_wallet]
    (row,) = screen(store, [deposit], ctx=ctx)
    assert "exchange" in row.labels  # the deposit address inherits its cluster's label


def test_background_has_the_requested_size() -> None:
    table = background(1000, addresses=50)
    assert table.num_rows == 1000
    assert len(set(table.column("from_address").to_pylist())) <= 50


def test_background_past_32_bit_offsets_is_chunked(monkeypatch, store) -> None:
    plain = background(50, addresses=10)
    monkeypatch.setattr(gen, "_OFFSET_LIMIT", 42 * 20)  # pretend 20 addresses fill the 32-bit offsets
    table = background(50, addresses=10)
    column = table.column("from_address")
    assert column.type == pa.string() and [len(c) for c in column.chunks] == [19, 19, 12]
    assert column.to_pylist() == plain.column("from_address").to_pylist()
    extra = {"block": pa.nulls(50, pa.int64()), "seq": pa.array([0] * 50, pa.int32()), "source": ["t"] * 50}
    full = pa.table(
        {
            f.name: table[f.name] if f.name in table.column_names else extra[f.name]
            for f in storage.TRANSFER_SCHEMA
        }
    )
    with store.transaction():
        assert storage.insert_transfers(store, full) == 50
