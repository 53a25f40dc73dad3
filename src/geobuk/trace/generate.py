"""``geobuk trace generate``: a realistic set of transfers with planted laundering, for tests and the demo.

Around real labelled addresses (an FBI-listed Bybit address and Harmony bitcoin address as seeds; Tornado
Cash, THORChain, the Avalanche bridge, Uniswap, Binance 14 and Sinbad as services) it plants what
Lazarus does: freezable USDT swapped first, a fan-out into 40 equal wallets of ~10,000 ETH, mixer
deposits, bridge hops, cash-out through exchange deposit addresses, and on Bitcoin a consolidation
(common-input clustering), a peel chain and a Sinbad deposit. Around it, honest traffic that must not be
flagged: exchange deposits and withdrawals, payments, DEX swaps, a payroll paying equal salaries, and a
CoinJoin (whose participants must not be clustered together).

Files written: ``eth_transfers.csv`` (generic CSV), ``btc_transactions.jsonl`` (bitcoin-etl),
``labels.yaml`` (a TagPack labelling the synthetic exchange's Bitcoin hot wallet) and ``scenario.json``
(what was planted, for tests). ``background`` makes millions of honest transfers for the benchmark.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import base58
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

BYBIT_SEED = "0x51e9d833ecae4e8d9d8be17300aee6d3398c135d"
HARMONY_SEED = "1BK769SseNefb6fe9QuFEi8W4KGbtP8gi3"
HARMONY_SECOND = "15FcqYRbwh2JsRUyBjvZ4jJ2XAD3pycGch"
TORNADO_100 = "0xa160cdab225685da1d56aa342ad8841c3b53f291"
THORCHAIN = "0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146"
AVALANCHE = "0x8eb8a3b98659cce290402893d0123abb75e3ab28"
UNISWAP = "0x7a250d5630b4cf539739df2c5dacb4c659f2488d"
BINANCE_14 = "0x28c6c06298d514db089934071355e5743bf21d60"
SINBAD = "1JHdQHkBZiim1cb4hyUh2PbzEbbg6z2TrF"
START = datetime(2025, 2, 21, 14, 13, 35, tzinfo=UTC)


@dataclass
class Scenario:
    """What was planted, for tests and the demo to check against."""

    eth_seed: str = BYBIT_SEED
    btc_seed: str = HARMONY_SEED
    fan_out_wallets: list[str] = field(default_factory=list)
    peel_chain: list[str] = field(default_factory=list)
    exchange_hot_wallet: str = ""
    exchange_deposits: list[str] = field(default_factory=list)
    coinjoin_inputs: list[str] = field(default_factory=list)
    honest_eth: list[str] = field(default_factory=list)
    honest_btc: list[str] = field(default_factory=list)
    payroll: str = ""
    expected_patterns: list[str] = field(default_factory=list)


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.eth_rows: list[list] = []
        self.btc_txs: list[dict] = []
        self.n = 0

    def eth(self) -> str:
        return "0x" + self.rng.bytes(20).hex()

    def btc(self) -> str:
        return base58.b58encode_check(b"\x00" + self.rng.bytes(20)).decode()

    def tx(self) -> str:
        self.n += 1
        return "0x" + self.rng.bytes(32).hex()

    def send(
        self,
        when: datetime,
        src: str,
        dst: str,
        amount: float,
        asset: str = "ETH",
        tx_hash: str | None = None,
    ) -> str:
        tx_hash = tx_hash or self.tx()
        self.eth_rows.append(
            [tx_hash, when.strftime("%Y-%m-%dT%H:%M:%SZ"), src, dst, asset, f"{amount:.8f}", "ethereum"]
        )
        return tx_hash

    def btc_tx(
        self, when: datetime, inputs: list[tuple[str, float]], outputs: list[tuple[str, float]]
    ) -> None:
        self.btc_txs.append(
            {
                "hash": self.rng.bytes(32).hex(),
                "block_number": 880000 + len(self.btc_txs),
                "block_timestamp": int(when.timestamp()),
                "is_coinbase": False,
                "inputs": [
                    {"index": i, "addresses": [a], "value": round(v * 1e8)} for i, (a, v) in enumerate(inputs)
                ],
                "outputs": [
                    {"index": i, "addresses": [a], "value": round(v * 1e8)}
                    for i, (a, v) in enumerate(outputs)
                ],
            }
        )


def _laundering_eth(g: _Gen, s: Scenario) -> None:
    t = START
    victim = g.eth()
    g.send(t, victim, BYBIT_SEED, 401_000.0)
    g.send(t + timedelta(minutes=2), victim, BYBIT_SEED, 1_000_000.0, "USDT")
    swap = g.tx()  # freezable tokens first: USDT to the DEX, ether back in the same transaction
    g.send(t + timedelta(minutes=40), BYBIT_SEED, UNISWAP, 1_000_000.0, "USDT", swap)
    g.send(t + timedelta(minutes=40), UNISWAP, BYBIT_SEED, 370.0, "ETH", swap)
    wallets = [g.eth() for _ in range(40)]
    s.fan_out_wallets = wallets
    for i, w in enumerate(wallets):
        g.send(
            t + timedelta(hours=1, minutes=5 * i),
            BYBIT_SEED,
            w,
            10_000.0 * (1 + g.rng.uniform(-0.003, 0.003)),
        )
    for i, w in enumerate(wallets):
        when = t + timedelta(hours=6, minutes=7 * i)
        if i < 10:  # bridge hops
            g.send(when, w, THORCHAIN, 6_000.0)
            g.send(when + timedelta(hours=1), w, AVALANCHE, 3_900.0)
        elif i < 20:  # mixer deposits in the 100 ETH pool, the rest bridged
            for k in range(10):
                g.send(when + timedelta(minutes=k), w, TORNADO_100, 100.0)
            g.send(when + timedelta(hours=2), w, THORCHAIN, 8_900.0)
        elif i < 30:  # exchange cash-out through a deposit address swept to the hot wallet
            hop, deposit = g.eth(), g.eth()
            s.exchange_deposits.append(deposit)
            g.send(when, w, hop, 9_950.0)
            g.send(when + timedelta(hours=3), hop, deposit, 9_940.0)
            g.send(when + timedelta(hours=4), deposit, BINANCE_14, 9_939.0)
        else:  # still held, one step away
            g.send(when, w, g.eth(), 9_990.0)
    s.expected_patterns += ["freezable-swap", "fan-out", "bridge-hop", "mixer-deposit", "exchange-cash-out"]


def _honest_eth(g: _Gen, s: Scenario) -> None:
    users = [g.eth() for _ in range(60)]
    s.honest_eth = users
    t = START - timedelta(days=30)
    for i, u in enumerate(users):  # withdrawals from the exchange, then payments and deposits
        g.send(t + timedelta(hours=i), BINANCE_14, u, float(g.rng.uniform(0.5, 40)))
    for k in range(300):
        a, b = g.rng.choice(len(users), 2, replace=False)
        g.send(t + timedelta(days=1, minutes=37 * k), users[a], users[b], float(g.rng.uniform(0.01, 0.4)))
    for k in range(30):
        u = users[k]
        swap = g.tx()
        when = t + timedelta(days=3, hours=k)
        g.send(when, u, UNISWAP, 500.0, "USDT", swap)
        g.send(when, UNISWAP, u, 0.18, "ETH", swap)
    company = g.eth()
    s.payroll = company
    g.send(t, BINANCE_14, company, 500.0)
    employees = users[:15]
    for month in range(3):  # equal salaries, but employees keep them: not a laundering fan-out
        for k, e in enumerate(employees):
            g.send(t + timedelta(days=30 * month + 2, minutes=k), company, e, 5.0)
    for k, u in enumerate(users[20:40]):
        g.send(t + timedelta(days=5, hours=k), u, BINANCE_14, 0.2)


def _bitcoin(g: _Gen, s: Scenario) -> None:
    t = START + timedelta(days=2)
    exchange_hot = g.btc()
    s.exchange_hot_wallet = exchange_hot
    funding = g.btc()
    g.btc_tx(t - timedelta(days=1), [(funding, 130.0)], [(HARMONY_SEED, 80.0), (HARMONY_SECOND, 49.9)])
    g.btc_tx(t - timedelta(days=10), [(g.btc(), 10.0)], [(exchange_hot, 9.99)])
    peel = [g.btc() for _ in range(7)]
    s.peel_chain = peel
    # consolidation: both FBI-listed addresses spend together (one wallet), into the chain's start
    g.btc_tx(t, [(HARMONY_SEED, 80.0), (HARMONY_SECOND, 49.9)], [(peel[0], 129.89)])
    deposits = [g.btc() for _ in range(3)]
    amount = 129.89
    for k in range(len(peel) - 1):
        chip = 1.5 + k * 0.25
        target = SINBAD if k % 2 == 0 else deposits[(k // 2) % 3]
        g.btc_tx(
            t + timedelta(hours=2 * (k + 1)),
            [(peel[k], amount)],
            [(target, chip), (peel[k + 1], amount - chip - 0.0001)],
        )
        amount = amount - chip - 0.0001
    g.btc_tx(t + timedelta(hours=20), [(peel[-1], amount)], [(SINBAD, amount - 0.0002)])
    # the exchange sweeps its deposit addresses together with its hot wallet: one cluster
    g.btc_tx(
        t + timedelta(days=1), [(d, 1.0) for d in deposits] + [(exchange_hot, 9.99)], [(exchange_hot, 12.98)]
    )
    s.exchange_deposits += deposits
    # honest users: payments with change, and a CoinJoin that must not merge its participants
    users = [g.btc() for _ in range(12)]
    s.honest_btc = users
    for k in range(6):
        g.btc_tx(t - timedelta(days=5, hours=k), [(g.btc(), 1.0)], [(users[k], 0.99)])
        g.btc_tx(t - timedelta(days=4, hours=k), [(users[k], 0.99)], [(users[k + 6], 0.3), (g.btc(), 0.689)])
    joiners = users[6:11]
    s.coinjoin_inputs = joiners
    g.btc_tx(
        t - timedelta(days=3),
        [(u, 0.3) for u in joiners],
        [(g.btc(), 0.1) for _ in range(5)] + [(g.btc(), 0.199) for _ in range(5)],
    )
    s.expected_patterns += ["peel-chain", "mixer-deposit"]


def generate(seed: int, out: Path) -> Scenario:
    """Write the demo data set into ``out`` and return what was planted."""
    g = _Gen(seed)
    scenario = Scenario()
    _laundering_eth(g, scenario)
    _honest_eth(g, scenario)
    _bitcoin(g, scenario)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "eth_transfers.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["tx_hash", "time", "from", "to", "asset", "amount", "chain"])
        writer.writerows(sorted(g.eth_rows, key=lambda r: r[1]))
    with (out / "btc_transactions.jsonl").open("w", encoding="utf-8") as fh:
        for tx in sorted(g.btc_txs, key=lambda x: x["block_timestamp"]):
            fh.write(json.dumps(tx) + "\n")
    (out / "labels.yaml").write_text(
        "title: geobuk demo exchange\ncreator: geobuk trace generate\ncategory: exchange\ncurrency: BTC\n"
        "label: Demo Exchange\nsource: https://github.com/geobuk/geobuk\nlastmod: 2025-02-01\n"
        f"tags:\n- address: {scenario.exchange_hot_wallet}\n",
        encoding="utf-8",
    )
    (out / "scenario.json").write_text(json.dumps(scenario.__dict__, indent=2), encoding="utf-8")
    return scenario


def _hex_names(ids: np.ndarray) -> np.ndarray:
    """``0x`` + 40 hex digits of each id, as an (n, 42) byte matrix (no Python string per address)."""
    digits = np.frombuffer(b"0123456789abcdef", np.uint8)
    nibbles = (ids.astype(np.uint64)[:, None] >> np.arange(60, -4, -4, dtype=np.uint64)) & np.uint64(15)
    out = np.full((len(ids), 42), ord("0"), np.uint8)
    out[:, 1] = ord("x")
    out[:, 26:] = digits[nibbles]
    return out


#: Byte size at which a string column no longer fits Arrow's 32-bit offsets (a module constant so tests
#: can lower it).
_OFFSET_LIMIT = 2**31


def _fixed_width_strings(rows: np.ndarray) -> pa.Array | pa.ChunkedArray:
    """An (n, w) byte matrix as an Arrow string column over the same bytes (zero-copy).

    Up to 2 GiB it is one plain string array, as the store returns; beyond that a chunked array of
    plain string arrays (a large_string array cannot be cast down once its data passes 2 GiB).
    """
    n, width = rows.shape
    data = np.ascontiguousarray(rows)
    if n * width < _OFFSET_LIMIT:  # fits 32-bit offsets: a plain string column, as the store returns
        offsets = np.arange(n + 1, dtype=np.int32) * width
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    step = max((_OFFSET_LIMIT - 1) // width, 1)
    chunks = []
    for start in range(0, n, step):
        part = data[start : start + step]
        offsets = np.arange(len(part) + 1, dtype=np.int32) * width
        chunks.append(pa.StringArray.from_buffers(len(part), pa.py_buffer(offsets), pa.py_buffer(part)))
    return pa.chunked_array(chunks, pa.string())


def background(n: int, *, addresses: int | None = None, seed: int = 7, days: int = 365) -> pa.Table:
    """``n`` honest Ethereum transfers among ``addresses`` wallets (heavy-tailed activity), for benchmarks.

    Strings are built as byte matrices and handed to Arrow without a Python object per transfer, so
    ten million transfers take 1.4 GB of Arrow buffers (a 2 GB peak while they are made).
    """
    rng = np.random.default_rng(seed)
    m = addresses or max(n // 5, 10)
    ids = rng.integers(0, 2**63, size=m, dtype=np.int64)
    names = _hex_names(ids)
    weights = 1.0 / np.arange(1, m + 1) ** 0.8
    weights /= weights.sum()
    src = rng.choice(m, size=n, p=weights)
    dst = rng.integers(0, m, size=n)
    dst = np.where(dst == src, (dst + 1) % m, dst)
    start = int(START.timestamp() * 1e6) - days * 86_400_000_000
    times = np.sort(rng.integers(start, start + days * 86_400_000_000, size=n))
    amounts = np.round(rng.lognormal(0.0, 1.5, size=n), 6)
    tx = pc.binary_join_element_wise("0x", pc.cast(pa.array(np.arange(n)), pa.string()), "")
    return pa.table(
        {
            "chain": pa.repeat("ethereum", n).cast(pa.string()),
            "tx_hash": tx,
            "time": pa.array(times.astype("datetime64[us]")),
            "from_address": _fixed_width_strings(names[src]),
            "to_address": _fixed_width_strings(names[dst]),
            "asset": pa.repeat("ETH", n).cast(pa.string()),
            "amount": pa.array(amounts),
        }
    )
