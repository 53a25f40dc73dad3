"""Identity links: who shares a phone, mailbox, address, payment account, device, IP, photo or resume.

Never all pairs. Exact identifiers are grouped by key in DuckDB (one ``GROUP BY`` over a long table
of (kind, key, person)); photos are paired by multi-index hashing of their perceptual hashes
(``hamming``) and resumes by MinHash LSH (``resumes``). A key shared by more people than a cap is a
placeholder or shared infrastructure (``N/A``, an office's NAT), not an identifier: it links nobody
and is reported. Linked people form clusters by union-find (``unionfind``).

A weak key is dropped when all its people also share the stronger one (the same mailbox spelled the
same way is one ``email`` link, not also an ``email_alias`` and an ``email_pattern`` link).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.vet import hamming, normalize, resumes
from geobuk.vet.data import VetData
from geobuk.vet.infrastructure import infrastructure_ips
from geobuk.vet.photos import hashes_for
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


def _part(
    kind: str,
    keys: pa.Array,
    display: pa.Array,
    person: pa.Array,
    strong: pa.Array | None = None,
    shipping: pa.Array | None = None,
) -> pa.Table:
    n = len(keys)
    return pa.table(
        {
            "kind": pa.array([kind] * n, pa.string()),
            "key": keys.cast(pa.string()),
            "display": display.cast(pa.string()),
            "person": person.cast(pa.int64()),
            "strong": strong.cast(pa.string()) if strong is not None else pa.nulls(n, pa.string()),
            "shipping": shipping if shipping is not None else pa.array(np.zeros(n, bool)),
        }
    )


def key_table(data: VetData) -> pa.Table:
    """(kind, key, display, person, strong, shipping) for every exact identifier of every person."""
    people = data.people
    n = people.num_rows
    person = pa.array(np.arange(n, dtype=np.int64))
    parts = []
    email = people.column("email").combine_chunks()
    exact = normalize.email_key(email)
    alias = normalize.email_alias_key(email)
    parts.append(_part("email", exact, email, person))
    parts.append(_part("email_alias", alias, alias, person, strong=exact))
    pattern = normalize.email_pattern_key(email)
    parts.append(_part("email_pattern", pattern, pattern, person, strong=alias))
    phones, rows = normalize.split_list(people.column("phone"))
    countries = pc.take(pc.utf8_upper(people.column("country")).combine_chunks(), rows)
    countries = pc.if_else(pc.equal(countries, ""), pa.scalar(data.home_country), countries)
    parts.append(_part("phone", normalize.phone_key(phones, countries), phones, rows))
    home = normalize.address_key(people.column("home_address"))
    ship = normalize.address_key(people.column("shipping_address"))
    ship_only = pc.fill_null(pc.and_(pc.is_valid(ship), pc.not_equal(ship, pc.fill_null(home, ""))), False)
    parts.append(_part("address", home, people.column("home_address").combine_chunks(), person))
    parts.append(
        _part(
            "address",
            pc.if_else(ship_only, ship, pa.scalar(None, pa.string())),
            people.column("shipping_address").combine_chunks(),
            person,
            shipping=ship_only,
        )
    )
    payment = people.column("payment_account").combine_chunks()
    parts.append(_part("payment", normalize.payment_key(payment), payment, person))
    for site in ("github", "linkedin"):
        raw = people.column(site).combine_chunks()
        parts.append(_part(site, normalize.profile_key(raw, site), raw, person))
    parts.extend(_activity_keys(data))
    return pa.concat_tables(parts)


def _activity_keys(data: VetData) -> list[pa.Table]:
    """Sign-in IPs (minus ignored networks) and device ids / hostnames, per matched person."""
    parts = []
    signins = data.signins.filter(pc.greater_equal(data.signins.column("person"), 0))
    if signins.num_rows:
        pairs = signins.select(["ip", "person"]).group_by(["ip", "person"]).aggregate([])
        pairs = pairs.filter(pc.not_equal(pairs.column("ip"), ""))
        networks = data.config.ignored_networks()
        infrastructure = infrastructure_ips(data)
        if pairs.num_rows:
            keep = [
                ip not in infrastructure and not _in_networks(ip, networks)
                for ip in pairs.column("ip").to_pylist()
            ]
            pairs = pairs.filter(pa.array(keep, pa.bool_()))
        parts.append(
            _part(
                "ip",
                pairs.column("ip").combine_chunks(),
                pairs.column("ip").combine_chunks(),
                pairs.column("person").combine_chunks(),
            )
        )
        ids = pc.utf8_lower(signins.column("device_id").combine_chunks())
        parts.append(
            _part(
                "device",
                pc.if_else(pc.equal(ids, ""), pa.scalar(None, pa.string()), ids),
                signins.column("device_id").combine_chunks(),
                signins.column("person").combine_chunks(),
            )
        )
    devices = data.devices.filter(pc.greater_equal(data.devices.column("person"), 0))
    if devices.num_rows:
        names = pc.utf8_lower(devices.column("hostname").combine_chunks())
        parts.append(
            _part(
                "device",
                pc.if_else(pc.equal(names, ""), pa.scalar(None, pa.string()), names),
                devices.column("hostname").combine_chunks(),
                devices.column("person").combine_chunks(),
            )
        )
    return parts


def _in_networks(ip: str, networks: list) -> bool:
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address.version == net.version and address in net for net in networks)


def exact_groups(data: VetData, keys: pa.Table) -> tuple[list[Group], dict[str, int]]:
    """Groups of two or more people per (kind, key), within the caps; and how many keys were too common."""
    config = data.config
    con = duckdb.connect()
    try:
        con.execute(f"SET threads TO {os.cpu_count() or 1}")
        con.register("keys", keys)
        # Two passes: a cheap count finds the few repeated keys, the costly aggregates run on those only.
        rows = con.execute("""
            WITH repeated AS (
                SELECT kind, key FROM keys WHERE key IS NOT NULL GROUP BY kind, key HAVING count(*) > 1
            )
            SELECT kind, key, min(display) AS display, list(DISTINCT person ORDER BY person) AS members,
                   count(DISTINCT strong) AS strong_values, bool_or(shipping) AS shipping
            FROM keys SEMI JOIN repeated USING (kind, key)
            GROUP BY kind, key HAVING count(DISTINCT person) > 1
            ORDER BY kind, key
        """).fetchall()
    finally:
        con.close()
    caps = {"ip": config.max_ip_group, "device": config.max_device_group}
    groups: list[Group] = []
    ignored: dict[str, int] = {}
    for kind, _key, display, members, strong_values, shipping in rows:
        if kind in STRONGER and strong_values <= 1:
            continue
        if len(members) > caps.get(kind, config.max_group):
            ignored[kind] = ignored.get(kind, 0) + 1
            continue
        if kind == "address" and shipping:
            kind = "shipping_address"
        groups.append(Group(kind, display, list(members)))
    return groups, ignored


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
    values, present = hashes_for(
        people.column("photo_hash").to_pylist(),
        people.column("photo_path").to_pylist(),
        people.column("_record").to_pylist(),
        people.column("_source").to_pylist(),
    )
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
    groups, ignored = exact_groups(data, key_table(data))
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
