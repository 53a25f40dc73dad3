"""Identity links: who shares a phone, mailbox, address, payment account, device, IP, photo or resume.

Never all pairs. Exact identifiers are grouped by key, one kind at a time (``keys``: a hash pass
over each kind's normalised keys); photos are paired by multi-index hashing of their perceptual hashes
(``hamming``) and resumes by MinHash LSH (``resumes``). A key shared by more people than a cap is a
placeholder or shared infrastructure (``N/A``, an office's NAT), not an identifier: it links nobody
and is reported. Linked people form clusters by union-find (``unionfind``).

A weak key is dropped when all its people also share the stronger one (the same mailbox spelled the
same way is one ``email`` link, not also an ``email_alias`` and an ``email_pattern`` link).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from geobuk.vet import hamming, resumes
from geobuk.vet.data import VetData
from geobuk.vet.keys import key_parts, shared_keys
from geobuk.vet.photos import table_hashes
from geobuk.vet.unionfind import components

#: The weaker key of a family -> the stronger one that makes it redundant.
STRONGER = {"email_alias": "email", "email_pattern": "email_alias"}


@dataclass
class Group:
    """People (positions in the people table) sharing one value of one kind."""

    kind: str
    value: str
    members: list[int]
    measure: float | None = None


@dataclass
class Linkage:
    groups: list[Group]
    labels: np.ndarray  # cluster label of each person (its smallest member's position)
    ignored: dict[str, int] = field(default_factory=dict)  # kind -> values left out as too common


def exact_groups(data: VetData) -> tuple[list[Group], dict[str, int]]:
    """Groups of two or more people per (kind, key), within the caps, in (kind, key) order; and how
    many keys of each kind were too common to link."""
    config = data.config
    caps = {"ip": config.max_ip_group, "device": config.max_device_group}
    found: list[tuple[str, str, Group]] = []
    ignored: dict[str, int] = {}
    for kind, table in key_parts(data):
        for shared in shared_keys(table):
            if kind in STRONGER and shared.strong_values <= 1:
                continue
            if len(shared.members) > caps.get(kind, config.max_group):
                ignored[kind] = ignored.get(kind, 0) + 1
                continue
            name = "shipping_address" if kind == "address" and shared.shipping else kind
            found.append((kind, shared.key, Group(name, shared.display, shared.members)))
    found.sort(key=lambda item: (item[0], item[1]))
    _release_arrow_memory()
    return [group for _, _, group in found], ignored


def _release_arrow_memory() -> None:
    """Hand the memory Arrow freed back to the system before the next phase.

    Arrow's allocator keeps freed pages for reuse; after the keys of nine kinds for a million people
    that is ~250 MB the numpy phases that follow (photo bands, resume signatures) cannot use.
    """
    pa.default_memory_pool().release_unused()


def _pair_groups(
    kind: str, n: int, i: np.ndarray, j: np.ndarray, measure: np.ndarray, worst: str
) -> list[Group]:
    """Near pairs of one kind merged into groups (one per connected set), each with its worst measure."""
    if not len(i):
        return []
    labels = components(n, i, j)
    by_label: dict[int, tuple[set[int], list[float]]] = {}
    for a, b, m in zip(i.tolist(), j.tolist(), measure.tolist(), strict=True):
        members, values = by_label.setdefault(int(labels[a]), (set(), []))
        members.update((a, b))
        values.append(m)
    pick = max if worst == "max" else min
    return [Group(kind, "", sorted(members), float(pick(values))) for members, values in by_label.values()]


def photo_groups(data: VetData) -> tuple[list[Group], int]:
    people = data.people
    values, present = table_hashes(people)
    idx = np.flatnonzero(present)
    i, j, dist, skipped = hamming.near_pairs(
        values[idx], data.config.photo_max_distance, max_bucket=data.config.max_group
    )
    return _pair_groups("photo", people.num_rows, idx[i], idx[j], dist.astype(float), "max"), len(skipped)


def resume_groups(data: VetData) -> list[Group]:
    sigs, present = resumes.signatures(data.people.column("resume_text"))
    i, j, sim = resumes.near_pairs(
        sigs, present, data.config.resume_min_similarity, max_bucket=data.config.max_group
    )
    return _pair_groups("resume", data.people.num_rows, i, j, sim, "min")


def link(data: VetData) -> Linkage:
    """Every link between people, and the clusters they form."""
    groups, ignored = exact_groups(data)
    photos, skipped = photo_groups(data)
    if skipped:
        ignored["photo"] = skipped
    groups += photos + resume_groups(data)
    a = [np.full(len(g.members) - 1, g.members[0], dtype=np.int64) for g in groups]
    b = [np.asarray(g.members[1:], dtype=np.int64) for g in groups]
    labels = components(
        data.people.num_rows,
        np.concatenate(a) if a else np.empty(0, np.int64),
        np.concatenate(b) if b else np.empty(0, np.int64),
    )
    return Linkage(groups, labels, ignored)
