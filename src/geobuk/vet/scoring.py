"""Scores from flags, by documented weights: no model, every point traceable.

A person's score is the sum of the weights of their distinct flags (a flag raised twice, e.g. a
phone shared with two different people, counts once), capped at 100. A cluster's score is the same
sum over the distinct flags of all its members: a ring whose members each show a little of the
tradecraft scores as the whole it is. ``VetConfig.threshold`` and ``cluster_threshold`` decide who
is reported as flagged. docs/vet.md justifies the weights.
"""

from __future__ import annotations

from collections import defaultdict

from geobuk.vet.config import VetConfig
from geobuk.vet.data import VetData
from geobuk.vet.linking import Linkage
from geobuk.vet.model import ClusterResult, Flag, Link, PersonResult, VetResult


def score(flags: list[Flag]) -> int:
    best: dict[str, int] = {}
    for flag in flags:
        best[flag.code] = max(best.get(flag.code, 0), flag.weight)
    return min(100, sum(best.values()))


def level(value: int, config: VetConfig) -> str:
    """A score as a hunt-style level, for stored findings and reports."""
    if value >= 80:
        return "critical"
    if value >= 60:
        return "high"
    if value >= config.threshold:
        return "medium"
    return "low" if value > 0 else "informational"


def build(data: VetData, linkage: Linkage, flags: dict[int, list[Flag]]) -> VetResult:
    """People and clusters, each scored and ranked (highest score first, then by id)."""
    config = data.config
    ids = data.ids
    names = data.column("full_name")
    members: dict[int, list[int]] = defaultdict(list)
    for person, label in enumerate(linkage.labels.tolist()):
        members[label].append(person)
    links: dict[int, list[Link]] = defaultdict(list)
    for group in linkage.groups:
        links[int(linkage.labels[group.members[0]])].append(
            Link(group.kind, group.value, [ids[m] for m in group.members], group.measure)
        )
    clusters: list[tuple[int, list[int]]] = [
        (label, people) for label, people in members.items() if len(people) > 1
    ]
    cluster_rows = []
    for label, people in clusters:
        combined = [f for p in people for f in flags.get(p, [])]
        value = score(combined)
        cluster_rows.append((value, label, people, sorted({f.code for f in combined})))
    cluster_rows.sort(key=lambda r: (-r[0], -len(r[2]), min(ids[p] for p in r[2])))
    width = max(3, len(str(len(cluster_rows))))
    cluster_of: dict[int, str] = {}
    cluster_results = []
    for rank, (value, label, people, codes) in enumerate(cluster_rows, start=1):
        cid = f"C{rank:0{width}d}"
        for p in people:
            cluster_of[p] = cid
        ordered = sorted(people, key=lambda p: (-score(flags.get(p, [])), ids[p]))
        cluster_results.append(
            ClusterResult(
                cid,
                [ids[p] for p in ordered],
                value,
                sorted(links[label], key=lambda x: (x.kind, x.people)),
                codes,
                value >= config.cluster_threshold,
            )
        )
    people_results = []
    for person in range(data.people.num_rows):
        own = sorted(flags.get(person, []), key=lambda f: (-f.weight, f.code))
        value = score(own)
        people_results.append(
            PersonResult(
                ids[person], names[person], value, own, cluster_of.get(person), value >= config.threshold
            )
        )
    people_results.sort(key=lambda p: (-p.score, p.person_id))
    return VetResult(people_results, cluster_results)
