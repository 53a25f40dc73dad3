"""Trace speed: 10 million stored transfers, 100 seed addresses followed 5 hops with each taint model.

What is timed is what ``geobuk trace follow`` does with a store: build the index from the stored
transfers (``TransferGraph.from_source``: DuckDB hashes the addresses while it scans, numpy sorts),
then follow the 100 seeds together (one trace) with poison, haircut and FIFO; the FIFO/haircut
positions are computed inside the follows, for the nodes they reach. "Whole trace" = index + the
three follows. The seeds are also followed one by one (reported apart).

Setup, not timed as part of the trace: a child process generates the transfers
(``trace.generate.background``: heavy-tailed activity over N/5 wallets, one year) and stores them in
a fresh store file with ``storage.insert_transfers``, as ``geobuk trace load`` does (rows kept in
generation order, i.e. time order). Its time and peak memory are printed separately. Peak memory
of the trace is the maximum resident set size of the process that builds the index and follows
(DuckDB's buffers included), read before the comparison. Wall and CPU time are both printed: the
machine's two cores are often shared, and CPU time is the work the trace itself needs.

Baseline: the same three models written the obvious way with networkx (a MultiDiGraph, a Python loop
per node and per transfer), run on a sample (the first ``--sample`` stored transfers, the same number
of seeds), next to geobuk on the same sample: the ratio is measured there, and the tainted totals
must agree.

Run: .venv/bin/python bench/bench_trace.py [--transfers 10000000] [--sample 200000] [--store PATH]
(networkx is a bench-only dependency: pip install 'networkx>=3.2'). ``--store PATH`` keeps the store
there and reuses it when it already holds that many transfers (a store of another size is rebuilt
only if it holds nothing but this bench's transfers; otherwise the bench stops and leaves it alone).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import networkx as nx
import numpy as np
import pyarrow as pa

from geobuk.intel.store import Store, to_arrow
from geobuk.trace import storage
from geobuk.trace.generate import background
from geobuk.trace.graph import TransferGraph
from geobuk.trace.taint import MODELS, follow


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def cpu_timed(fn):
    """(wall seconds, CPU seconds of this process, all threads, result): CPU shows the work when
    other jobs share the two cores and stretch the wall time."""
    cpu = time.process_time()
    wall, out = timed(fn)
    return wall, time.process_time() - cpu, out


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


# ---------------------------------------------------------------- setup: generate and store (child)
def load_store(path: Path, n: int) -> None:
    """Generate ``n`` transfers and store them as ``trace load`` does (runs in a child process)."""
    t_gen, table = timed(lambda: background(n))
    table = pa.table(
        {
            "chain": table["chain"],
            "tx_hash": table["tx_hash"],
            "time": table["time"],
            "block": pa.nulls(n, pa.int64()),
            "from_address": table["from_address"],
            "to_address": table["to_address"],
            "asset": table["asset"],
            "amount": table["amount"],
            "seq": pa.repeat(pa.scalar(0, pa.int32()), n),
            "source": pa.repeat("bench", n).cast(pa.string()),
        }
    )
    with Store(path) as store:

        def insert() -> int:
            with store.transaction():
                return storage.insert_transfers(store, table)

        t_load, stored = timed(insert)
    print(f"generate: {n:,} transfers in {t_gen:.1f} s")
    print(f"store: {stored:,} transfers in {t_load:.1f} s (storage.insert_transfers, as trace load)")


def only_bench_data(store: Store) -> bool:
    """Whether the store holds nothing but transfers this bench stored (``source = 'bench'``)."""
    tables = store.con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' AND table_name <> 'meta'"
    ).fetchall()
    for (table,) in tables:
        where = " WHERE source IS DISTINCT FROM 'bench'" if table == "trace_transfers" else ""
        if store.con.execute(f'SELECT count(*) FROM "{table}"{where}').fetchall()[0][0]:
            return False
    return True


def ensure_store(path: Path, n: int) -> None:
    """Reuse ``path`` if it holds ``n`` transfers; rebuild it only if it holds nothing but bench data."""
    if path.exists():
        with Store(path, read_only=True) as store:
            count = storage.transfer_count(store)
            if count == n:
                print(f"store: reusing {path} ({n:,} transfers)")
                return
            ours = only_bench_data(store)
        if not ours:
            sys.exit(f"{path} holds {count:,} transfers, not {n:,}, and not only bench data: delete it first")
        path.unlink()
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
    command = [sys.executable, __file__, "--load-only", "--transfers", str(n), "--store", str(path)]
    subprocess.run(command, check=True)
    print(f"setup process peak memory: {peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB")


# ---------------------------------------------------------------- networkx reference implementation
def nx_graph(table) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for src, dst, amount, t in zip(
        table.column("from_address").to_pylist(),
        table.column("to_address").to_pylist(),
        table.column("amount").to_pylist(),
        table.column("time").cast("int64").to_pylist(),
        strict=True,
    ):
        g.add_edge(src, dst, amount=amount, time=t)
    return g


def _pool(g: nx.MultiDiGraph, node: str):
    """Events of a node in time order (inflows first at equal times), with FIFO positions and opening."""
    events = [(d["time"], 0, d["amount"], (u, v, k)) for u, v, k, d in g.in_edges(node, keys=True, data=True)]
    events += [
        (d["time"], 1, d["amount"], (u, v, k)) for u, v, k, d in g.out_edges(node, keys=True, data=True)
    ]
    events.sort(key=lambda e: (e[0], e[1]))
    balance, low = 0.0, 0.0
    for _, kind, amount, _ in events:
        balance += amount if kind == 0 else -amount
        low = min(low, balance)
    return events, -low


def nx_follow(g: nx.MultiDiGraph, seeds: list[str], hops: int, model: str) -> float:
    """Forward trace, same semantics as geobuk.trace.taint; returns the total tainted amount moved."""
    total = 0.0
    arrivals = []  # (edge key, taint)
    for s in seeds:
        for u, v, k, d in g.out_edges(s, keys=True, data=True):
            arrivals.append(((u, v, k), d["amount"]))
    seedset, tainted_since, pools = set(seeds), {}, {}
    for hop in range(1, hops + 1):
        total += sum(t for _, t in arrivals)
        if hop == hops:
            break
        by_node = defaultdict(list)
        for key, taint in arrivals:
            if key[1] not in seedset:
                by_node[key[1]].append((key, taint))
        nxt = []
        for node, items in by_node.items():
            if model == "poison":
                first = min(g.edges[key]["time"] for key, _ in items)
                old = tainted_since.get(node, float("inf"))
                if first < old:
                    tainted_since[node] = first
                    for u, v, k, d in g.out_edges(node, keys=True, data=True):
                        if first <= d["time"] < old:
                            nxt.append(((u, v, k), d["amount"]))
                continue
            if node not in pools:
                pools[node] = _pool(g, node)
            events, opening = pools[node]
            taint_of = dict(items)
            if model == "haircut":
                received, tainted = opening, 0.0
                for _, kind, amount, key in events:
                    if kind == 0:
                        received += amount
                        tainted += taint_of.get(key, 0.0)
                    elif tainted > 0:
                        nxt.append((key, amount * tainted / received))
            else:  # fifo: walk the inflow lots against the outflows
                lots = [[opening, 0.0]] if opening > 0 else []
                for _, kind, amount, key in events:
                    if kind == 0:
                        lots.append([amount, taint_of.get(key, 0.0) / amount if amount else 0.0])
                        continue
                    need, carried = amount, 0.0
                    while need > 1e-12 and lots:
                        take = min(need, lots[0][0])
                        carried += take * lots[0][1]
                        lots[0][0] -= take
                        need -= take
                        if lots[0][0] <= 1e-12:
                            lots.pop(0)
                    if carried > 0:
                        nxt.append((key, carried))
        arrivals = [(k, t) for k, t in nxt if t > g.edges[k]["amount"] * 1e-12]
    return total


def early_seeds(graph: TransferGraph, count: int, rng: np.random.Generator) -> np.ndarray:
    """Seeds among the senders of the earliest transfers: their value has a year of transfers ahead."""
    early = np.unique(graph.src[np.argsort(graph.time)[: count * 50]])
    return rng.choice(early, size=min(count, len(early)), replace=False)


def run_trace(store: Store, args: argparse.Namespace, rng: np.random.Generator) -> None:
    print(f"before the trace: {load()}")
    t_build, cpu_build, graph = cpu_timed(lambda: TransferGraph.from_source(storage.transfer_source(store)))
    print(
        f"index: {graph.n_edges:,} transfers, {graph.n_nodes:,} nodes in {t_build:.2f} s "
        f"(CPU {cpu_build:.2f} s)"
    )
    seeds = early_seeds(graph, args.seeds, rng)
    total_batch = total_each = cpu_batch = 0.0
    for model in MODELS:
        t, cpu, trace = cpu_timed(lambda: follow(graph, seeds, hops=args.hops, model=model))  # noqa: B023
        cpu_batch += cpu
        t_each, traces = timed(
            lambda: [
                follow(graph, seeds[i : i + 1], hops=args.hops, model=model)  # noqa: B023
                for i in range(len(seeds))
            ]
        )
        total_batch += t
        total_each += t_each
        reached = sum(len(x.edges) for x in traces)
        print(
            f"follow {model}: {args.seeds} seeds x {args.hops} hops together {t:.2f} s "
            f"({len(trace.edges):,} tainted transfers, {float(trace.edge_flow.sum()):,.2f} tainted); "
            f"one by one {t_each:.2f} s ({reached:,})"
        )
    print(f"follow, all three models: together {total_batch:.2f} s, one by one {total_each:.2f} s")
    print(
        f"whole trace (index + three follows together): {t_build + total_batch:.2f} s "
        f"(CPU {cpu_build + cpu_batch:.2f} s); {load()}"
    )
    print(f"trace process peak memory: {peak_mb():,.0f} MB")


def run_sample(store: Store, args: argparse.Namespace, rng: np.random.Generator) -> None:
    sample = to_arrow(
        store.con.sql(
            "SELECT chain, tx_hash, time, from_address, to_address, asset, amount FROM trace_transfers "
            f"WHERE rowid < {int(args.sample)} ORDER BY rowid"
        )
    )
    small = TransferGraph.build(sample)
    sample_seeds = early_seeds(small, args.seeds, rng)
    small.prefetch_nodes(sample_seeds)
    names = [small.node_label(int(n))[0] for n in sample_seeds]
    t_nxb, g = timed(lambda: nx_graph(sample))
    print(f"sample: {sample.num_rows:,} transfers; networkx graph built in {t_nxb:.1f} s")
    for model in MODELS:
        t_nx, nx_total = timed(lambda: nx_follow(g, names, args.hops, model))  # noqa: B023
        t_gb, tr = timed(lambda: follow(small, sample_seeds, hops=args.hops, model=model))  # noqa: B023
        print(
            f"sample {model}: networkx {t_nx:.3f} s, geobuk {t_gb:.3f} s: {t_nx / max(t_gb, 1e-9):.0f}x; "
            f"tainted total {nx_total:,.2f} vs {float(tr.edge_flow.sum()):,.2f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transfers", type=int, default=10_000_000)
    ap.add_argument("--sample", type=int, default=200_000)
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--hops", type=int, default=5)
    ap.add_argument("--store", type=Path, help="store file to create (or reuse); default: a temp dir")
    ap.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.load_only:
        load_store(args.store, args.transfers)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.store or Path(tmp) / "bench-trace.duckdb"
        ensure_store(path, args.transfers)
        rng = np.random.default_rng(11)
        with Store(path, read_only=True) as store:
            run_trace(store, args, rng)
            run_sample(store, args, rng)


if __name__ == "__main__":
    main()
