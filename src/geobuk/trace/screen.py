"""``geobuk trace screen``: each address with what is known of it, and how close it is to risk.

Direct hits come from the labels (``labels``). Exposure, once transfers are loaded, is the number of
transfers (either direction) between the address and the nearest risky address (attributed, sanctioned,
mixer), walking through unlabelled wallets only: the search does not pass through exchanges or bridges,
where everyone's funds pool, or every exchange user would be one hop from Lazarus.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from geobuk.intel.store import Store
from geobuk.trace.addresses import canonical
from geobuk.trace.follow import Context
from geobuk.trace.graph import gather

DEFAULT_MAX_HOPS = 4


@dataclass
class ScreenRow:
    address: str
    chain: str | None
    valid: bool
    reason: str = ""
    labels: list[str] = field(default_factory=list)
    actor: dict | None = None
    sources: list[dict] = field(default_factory=list)
    hops: int | None = None
    via: str | None = None
    cluster: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def hit(self) -> bool:
        return self.hops is not None


def _exposure(ctx: Context, start: int, max_hops: int) -> tuple[int, int] | None:
    """(hops, entity code) of the nearest risky entity from entity ``start``, through non-stop entities
    only."""
    g = ctx.graph
    risky = np.zeros(len(g.entities), bool)
    for ent, label in ctx.entity_label.items():
        risky[ent] = label.risky
    seen = np.zeros(len(g.entities), bool)
    seen[start] = True
    frontier = np.array([start])
    for hop in range(1, max_hops + 1):
        nodes = np.flatnonzero(np.isin(g.node_entity, frontier))
        out, _ = gather(g.out_start, nodes)
        pos, _ = gather(g.in_start, nodes)
        neighbours = np.unique(
            np.concatenate([g.node_entity[g.dst[out]], g.node_entity[g.src[g.in_perm[pos]]]])
        )
        neighbours = neighbours[~seen[neighbours]]
        if not len(neighbours):
            return None
        seen[neighbours] = True
        hits = neighbours[risky[neighbours]]
        if len(hits):
            return hop, int(hits.min())
        stop_entities = {int(g.node_entity[n]) for n in np.flatnonzero(ctx.stops)}
        frontier = np.array([n for n in neighbours.tolist() if n not in stop_entities])
        if not len(frontier):
            return None
    return None


def screen(
    store: Store, values: list[str], *, max_hops: int = DEFAULT_MAX_HOPS, ctx: Context | None = None
) -> list[ScreenRow]:
    """One row per input value, in input order; invalid addresses are reported, never matched."""
    ctx = ctx or Context.from_store(store)
    infos = [canonical(raw) for raw in values]
    entities = [ctx.entity_name(info.address) for info in infos if info.valid]
    codes = dict(zip(entities, ctx.graph.entity_of.lookup(entities), strict=True))  # one query for all
    rows = []
    for raw, info in zip(values, infos, strict=True):
        if not info.valid:
            rows.append(ScreenRow(raw.strip(), info.chain, False, info.reason))
            continue
        row = ScreenRow(info.address, info.chain, True)
        entity = ctx.entity_name(info.address)
        if entity != info.address:
            row.cluster = entity
        code = codes[entity]
        label = ctx.labels.get(info.address)
        if label is None and code is not None:
            label = ctx.entity_label.get(code)
        if label is not None:
            row.labels = list(label.labels)
            row.sources = list(label.sources)
            if label.actors:
                actor_id, name = next(iter(label.actors.items()))
                row.actor = {"id": actor_id, "name": name}
            if label.risky:
                row.hops = 0
        if row.hops is None and code is not None:
            found = _exposure(ctx, code, max_hops)
            if found:
                row.hops, via = found
                row.via = ctx.graph.entities[via]
                via_label = ctx.entity_label.get(via)
                if via_label and via_label.actors and row.actor is None:
                    actor_id, name = next(iter(via_label.actors.items()))
                    row.actor = {"id": actor_id, "name": name}
        rows.append(row)
    return rows
