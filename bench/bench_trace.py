"""Trace speed: 10 million transfers, 100 seed addresses followed 5 hops with each taint model.

geobuk side: ``trace.generate.background`` makes N honest transfers (heavy-tailed activity over N/5
wallets, one year); the graph is indexed once (``TransferGraph.build`` + the FIFO/haircut positions),
then the 100 seeds are followed together (one trace) and one by one, with poison, haircut and FIFO.
Baseline: the same three models written the obvious way with networkx (a MultiDiGraph, a Python loop
per node and per transfer), run on a sample (the first ``--sample`` transfers, the same number of
seeds), next to geobuk on the same sample: the ratio is measured there, and the tainted totals must agree.
Peak memory is the process's maximum resident set size.

Run: .venv/bin/python bench/bench_trace.py [--transfers 10000000] [--sample 200000]
(networkx is a bench-only dependency: pip install 'networkx>=3.2').
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import defaultdict

import networkx as nx
import numpy as np

from geobuk.trace.generate import background
from geobuk.trace.graph import TransferGraph
from geobuk.trace.taint import MODELS, follow


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transfers", type=int, default=10_000_000)
    ap.add_argument("--sample", type=int, default=200_000)
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--hops", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(11)

    t_gen, table = timed(lambda: background(args.transfers))
    print(f"generated {table.num_rows:,} transfers in {t_gen:.1f} s")
    t_build, graph = timed(lambda: TransferGraph.build(table))
    t_pos, _ = timed(lambda: (graph.fifo_positions(), graph.pool_scale(), graph.time_range()))
    print(f"index: {graph.n_nodes:,} nodes; graph {t_build:.1f} s, FIFO/haircut positions {t_pos:.1f} s")
    # Seeds among the senders of the earliest transfers: their value has a year of transfers ahead of it.
    early = np.unique(graph.src[np.argsort(graph.time)[: args.seeds * 50]])
    seeds = rng.choice(early, size=args.seeds, replace=False)
    total_batch = total_each = 0.0
    for model in MODELS:
        t, trace = timed(lambda: follow(graph, seeds, hops=args.hops, model=model))  # noqa: B023
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
            f"{model:8s} {args.seeds} seeds x {args.hops} hops: together {t:.2f} s "
            f"({len(trace.edges):,} tainted "
            f"transfers), one by one {t_each:.2f} s ({reached:,})"
        )
    print(
        f"all three models: together {total_batch:.2f} s, one by one {total_each:.2f} s; "
        f"peak memory {peak_mb():,.0f} MB"
    )

    sample = table.slice(0, args.sample)
    small = TransferGraph.build(sample)
    small.fifo_positions(), small.pool_scale(), small.time_range()  # indexed before timing, as above
    early = np.unique(small.src[np.argsort(small.time)[: args.seeds * 50]])
    sample_seeds = rng.choice(early, size=min(args.seeds, len(early)), replace=False)
    names = [small.node_label(int(n))[0] for n in sample_seeds]
    t_nxb, g = timed(lambda: nx_graph(sample))
    print(f"sample: {sample.num_rows:,} transfers; networkx graph built in {t_nxb:.1f} s")
    for model in MODELS:
        t_nx, nx_total = timed(lambda: nx_follow(g, names, args.hops, model))  # noqa: B023
        t_gb, tr = timed(lambda: follow(small, sample_seeds, hops=args.hops, model=model))  # noqa: B023
        print(
            f"{model:8s} networkx {t_nx:.3f} s, geobuk {t_gb:.3f} s: {t_nx / max(t_gb, 1e-9):.0f}x; "
            f"tainted total {nx_total:,.2f} vs {float(tr.edge_flow.sum()):,.2f}"
        )


if __name__ == "__main__":
    main()
