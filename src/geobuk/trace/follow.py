"""``geobuk trace follow``: from addresses to where their value went (or came from), as a report.

Builds the transfer graph of the store (Bitcoin addresses replaced by their clusters), marks the
nodes of labelled services as stops, runs one taint model (``taint``), and turns the result into what
an analyst reads: the endpoints and how much reached each, the heaviest path to each, value still
held in unlabelled wallets, the time line, and the laundering patterns recognised (``patterns``).
"""

from __future__ import annotations

import time as clock
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import numpy as np

from geobuk.errors import GeobukError
from geobuk.intel.store import Store
from geobuk.trace import storage
from geobuk.trace.addresses import canonical
from geobuk.trace.graph import NO_TIME, TransferGraph
from geobuk.trace.labels import AddressLabel, load_labels
from geobuk.trace.patterns import LEVELS, TITLES, Pattern, detect
from geobuk.trace.taint import Trace, follow

MAX_TIMELINE = 200
MAX_HELD = 50


def iso(micros: int) -> str | None:
    if micros == NO_TIME:
        return None
    return datetime.fromtimestamp(micros / 1e6, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Endpoint:
    address: str
    asset: str
    amount: float
    labels: list[str]
    name: str
    hops: int
    path: list[str]
    transfers: int


@dataclass
class Step:
    time: str | None
    tx_hash: str
    from_address: str
    to_address: str
    asset: str
    amount: float
    tainted: float
    hop: int


@dataclass
class FollowResult:
    """What ``follow`` reports; ``to_dict`` is the JSON form."""

    seeds: list[str]
    model: str
    direction: str
    hops: int
    actor: dict | None
    endpoints: list[Endpoint] = field(default_factory=list)
    held: list[dict] = field(default_factory=list)
    timeline: list[Step] = field(default_factory=list)
    patterns: list[dict] = field(default_factory=list)
    flows: list[dict] = field(default_factory=list)  # edges between nodes, for the picture
    totals: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Context:
    """The store's graph and labels, built once and reusable across follows (the bench reuses it)."""

    graph: TransferGraph
    labels: dict[str, AddressLabel]
    entity_label: dict[int, AddressLabel]
    clusters: dict[str, str]
    stops: np.ndarray
    kinds: dict[int, tuple[str, str]]

    @classmethod
    def from_store(cls, store: Store) -> Context:
        """Index the stored transfers where they are (no copy of their strings; see ``index``)."""
        clusters = storage.read_clusters(store)
        graph = TransferGraph.from_source(storage.transfer_source(store, clusters))
        return cls.from_graph(graph, load_labels(store), clusters)

    @classmethod
    def build(cls, transfers, labels: dict[str, AddressLabel], clusters: dict[str, str]) -> Context:  # noqa: ANN001
        return cls.from_graph(TransferGraph.build(transfers, clusters), labels, clusters)

    @classmethod
    def from_graph(
        cls, graph: TransferGraph, labels: dict[str, AddressLabel], clusters: dict[str, str]
    ) -> Context:
        """Labels and stops for a built graph (label addresses looked up in one query)."""
        entity_label: dict[int, AddressLabel] = {}
        codes = graph.entity_of.lookup([clusters.get(a, a) for a in labels])
        for (_address, label), entity in zip(labels.items(), codes, strict=True):
            if entity is None:
                continue
            if entity in entity_label:
                merged = entity_label[entity]
                merged = AddressLabel(
                    merged.address,
                    merged.chain,
                    [*merged.labels],
                    dict(merged.actors),
                    [*merged.sources],
                    [*merged.services],
                )
                for item in label.labels:
                    if item not in merged.labels:
                        merged.labels.append(item)
                merged.actors.update(label.actors)
                merged.services += [s for s in label.services if s not in merged.services]
                entity_label[entity] = merged
            else:
                entity_label[entity] = label
        stop_entities = np.zeros(len(graph.entities), bool)
        for entity, label in entity_label.items():
            stop_entities[entity] = label.stop
        stops = stop_entities[graph.node_entity] if graph.n_nodes else np.zeros(0, bool)
        kinds = {}
        for node in np.flatnonzero(stops).tolist():
            label = entity_label[int(graph.node_entity[node])]
            category = next(
                (x for x in ("mixer", "bridge", "dex", "exchange", "service") if x in label.labels), "service"
            )
            kinds[node] = (category, label.name())
        return cls(graph, labels, entity_label, clusters, stops, kinds)

    def entity_name(self, address: str) -> str:
        return self.clusters.get(address, address)


def _path(graph: TransferGraph, trace: Trace, target: int) -> list[str]:
    """The heaviest chain of tainted transfers from a seed to ``target`` (addresses, seed first)."""
    if not len(trace.edges):
        return []
    forward = trace.direction == "out"
    origin = graph.src[trace.edges] if forward else graph.dst[trace.edges]
    dest = graph.dst[trace.edges] if forward else graph.src[trace.edges]
    seeds = set(trace.seeds.tolist())
    path, node, seen = [target], target, {target}
    while node not in seeds and len(path) <= trace.hops + 1:
        into = np.flatnonzero(dest == node)
        if not len(into):
            break
        best = into[np.argmax(trace.edge_flow[into])]
        node = int(origin[best])
        if node in seen:
            break
        seen.add(node)
        path.append(node)
    names = [graph.node_label(n)[0] for n in reversed(path)]
    return names if forward else list(reversed(names))


def run_follow(
    ctx: Context,
    addresses: list[str],
    *,
    hops: int = 5,
    model: str = "haircut",
    direction: str = "out",
    since: int | None = None,
) -> FollowResult:
    started = clock.perf_counter()
    graph = ctx.graph
    infos = []
    for raw in addresses:
        info = canonical(raw)
        if not info.valid:
            raise GeobukError(f"{raw}: not a valid address ({info.reason})")
        infos.append(info)
    names = [ctx.entity_name(info.address) for info in infos]
    codes = graph.entity_of.lookup(names)  # one query for all (one by one, a miss costs two)
    entities, problems = [], []
    for info, entity, code in zip(infos, names, codes, strict=True):
        if code is None:
            problems.append(f"{info.address}: no transfers loaded for this address")
            continue
        entities.append((entity, code))
    seeds = graph.nodes_of([entity for entity, _ in entities])
    trace = follow(graph, seeds, hops=hops, model=model, direction=direction, stops=ctx.stops, since=since)
    actor = None
    for _, code in entities:
        label = ctx.entity_label.get(code)
        if label and label.actors:
            actor_id, name = next(iter(label.actors.items()))
            actor = {"id": actor_id, "name": name}
            break
    result = FollowResult(
        seeds=[canonical(a).address for a in addresses],
        model=model,
        direction=direction,
        hops=hops,
        actor=actor,
        problems=problems,
    )
    _fill(ctx, trace, result)
    result.seconds = clock.perf_counter() - started
    return result


def _fill(ctx: Context, trace: Trace, result: FollowResult) -> None:
    graph = ctx.graph
    graph.prefetch_nodes(trace.nodes.tolist())  # every name this output shows, in one query
    held = trace.held()
    for i in np.argsort(-trace.node_in).tolist():
        node = int(trace.nodes[i])
        if trace.node_in[i] <= 0:
            continue
        entity, asset = graph.node_label(node)
        label = ctx.entity_label.get(int(graph.node_entity[node]))
        if trace.node_stop[i]:
            into = (graph.dst[trace.edges] if trace.direction == "out" else graph.src[trace.edges]) == node
            result.endpoints.append(
                Endpoint(
                    entity,
                    asset,
                    float(trace.node_in[i]),
                    label.labels if label else [],
                    label.name() if label else "",
                    int(trace.node_hop[i]),
                    _path(graph, trace, node),
                    int(into.sum()),
                )
            )
        elif held[i] > 0 and len(result.held) < MAX_HELD:
            result.held.append(
                {
                    "address": entity,
                    "asset": asset,
                    "amount": float(held[i]),
                    "hops": int(trace.node_hop[i]),
                    "labels": label.labels if label else [],
                    "actor": next(iter(label.actors.values()), None) if label else None,
                }
            )
    order = np.lexsort((trace.edge_hop, graph.time[trace.edges]))
    tx_hashes = graph.tx_hashes(trace.edges[order[:MAX_TIMELINE]].tolist())
    for k in order[:MAX_TIMELINE].tolist():
        e = int(trace.edges[k])
        result.timeline.append(
            Step(
                iso(int(graph.time[e])),
                tx_hashes[e],
                graph.node_label(int(graph.src[e]))[0],
                graph.node_label(int(graph.dst[e]))[0],
                graph.node_label(int(graph.src[e]))[1],
                float(graph.amount[e]),
                float(trace.edge_flow[k]),
                int(trace.edge_hop[k]),
            )
        )
    for pattern in detect(graph, trace, ctx.kinds):
        result.patterns.append(_pattern_dict(pattern))
    flows: dict[tuple[str, str, str], list] = {}
    for k in range(len(trace.edges)):
        e = int(trace.edges[k])
        src_name, asset = graph.node_label(int(graph.src[e]))
        key = (src_name, graph.node_label(int(graph.dst[e]))[0], asset)
        slot = flows.setdefault(key, [0.0, int(trace.edge_hop[k])])
        slot[0] += float(trace.edge_flow[k])
        slot[1] = min(slot[1], int(trace.edge_hop[k]))
    result.flows = [
        {"from": a, "to": b, "asset": s, "amount": v[0], "hop": v[1]}
        for (a, b, s), v in sorted(flows.items(), key=lambda kv: -kv[1][0])
    ]
    by_asset: dict[str, dict] = {}
    for endpoint in result.endpoints:
        slot = by_asset.setdefault(endpoint.asset, {"endpoints": 0.0, "held": 0.0})
        slot["endpoints"] += endpoint.amount
    for i in np.flatnonzero((held > 0) & ~trace.node_stop).tolist():
        slot = by_asset.setdefault(graph.node_label(int(trace.nodes[i]))[1], {"endpoints": 0.0, "held": 0.0})
        slot["held"] += float(held[i])
    result.totals = {
        "transfers": int(len(trace.edges)),
        "addresses": int(len(trace.nodes)),
        "by_asset": by_asset,
    }


def _pattern_dict(p: Pattern) -> dict:
    return {
        "pattern": p.name,
        "title": TITLES[p.name],
        "level": LEVELS[p.name],
        "address": p.addresses[0] if p.addresses else "",
        "asset": p.asset,
        "amount": p.amount,
        "count": p.count,
        "first_time": iso(p.first_time),
        "last_time": iso(p.last_time),
        "detail": p.detail,
        "addresses": p.addresses,
    }
