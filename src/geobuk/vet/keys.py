"""Exact identifiers as keys, and the keys two or more people share, one kind at a time.

Every person gives a key of each kind (an e-mail, its mailbox, its word, each phone, addresses, a
payment account, profiles, sign-in IPs and devices), normalised over whole Arrow columns
(``normalize``). A kind's keys are dictionary-encoded (Arrow's hash table, whose codes follow first
appearance); a ``bincount`` of the codes finds the few keys seen more than once, and only their rows
are gathered into groups. One kind at a time keeps memory at one kind's keys, not a table of every
key of every person (ten million rows at a million people), and no database is needed for what is
one hash pass per kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.vet import normalize
from geobuk.vet.data import VetData
from geobuk.vet.infrastructure import in_networks, infrastructure_ips


class SharedKey(NamedTuple):
    """A key of one kind held by several people (positions in the people table), as grouping found it."""

    key: str
    display: str | None  # the smallest of the values as written, for showing
    members: list[int]  # distinct, ascending
    strong_values: int  # distinct keys of the stronger kind among its rows (nulls not counted)
    shipping: bool  # one of its addresses is a laptop-shipping address


def _part(
    keys: pa.Array,
    display: pa.Array,
    person: pa.Array | np.ndarray,
    strong: pa.Array | None = None,
    shipping: pa.Array | None = None,
) -> pa.Table:
    """(key, display, person, strong, shipping) for one source of keys of a kind."""
    n = len(keys)
    return pa.table(
        {
            "key": keys.cast(pa.string()),
            "display": display.cast(pa.string()),
            "person": pa.array(person).cast(pa.int64()),
            "strong": strong.cast(pa.string()) if strong is not None else pa.nulls(n, pa.string()),
            "shipping": shipping if shipping is not None else pa.array(np.zeros(n, bool)),
        }
    )


def _column(data: VetData, name: str) -> pa.Array:
    return data.people.column(name).combine_chunks()


def key_parts(data: VetData) -> Iterator[tuple[str, pa.Table]]:
    """(kind, its keys) for every kind of exact identifier, one kind at a time."""
    n = data.people.num_rows
    person = np.arange(n, dtype=np.int64)
    email = _column(data, "email")
    exact, alias, pattern = normalize.email_keys(email)
    yield "email", _part(exact, email, person)
    yield "email_alias", _part(alias, alias, person, strong=exact)
    yield "email_pattern", _part(pattern, pattern, person, strong=alias)
    del exact, alias, pattern, email
    phones, rows = normalize.split_list(data.people.column("phone"))
    countries = pc.take(pc.utf8_upper(data.people.column("country")).combine_chunks(), rows)
    countries = pc.if_else(pc.equal(countries, ""), pa.scalar(data.home_country), countries)
    yield "phone", _part(normalize.phone_key(phones, countries), phones, rows)
    del phones, rows, countries
    home_raw, ship_raw = _column(data, "home_address"), _column(data, "shipping_address")
    home, ship = normalize.home_and_shipping_keys(home_raw, ship_raw)
    ship_only = pc.is_valid(ship)
    yield "address", pa.concat_tables(
        [_part(home, home_raw, person), _part(ship, ship_raw, person, shipping=ship_only)]
    )
    del home_raw, ship_raw, home, ship, ship_only
    payment = _column(data, "payment_account")
    yield "payment", _part(normalize.payment_key(payment), payment, person)
    for site in ("github", "linkedin"):
        raw = _column(data, site)
        yield site, _part(normalize.profile_key(raw, site), raw, person)
    yield from _activity_keys(data)


def _activity_keys(data: VetData) -> Iterator[tuple[str, pa.Table]]:
    """Sign-in IPs (minus ignored networks and infrastructure) and device ids / hostnames, per person."""
    devices = []
    signins = data.signins.filter(pc.greater_equal(data.signins.column("person"), 0))
    if signins.num_rows:
        pairs = signins.select(["ip", "person"]).group_by(["ip", "person"]).aggregate([])
        pairs = pairs.filter(pc.not_equal(pairs.column("ip"), ""))
        networks = data.config.ignored_networks()
        infrastructure = infrastructure_ips(data)
        if pairs.num_rows:
            keep = [
                ip not in infrastructure and not in_networks(ip, networks)
                for ip in pairs.column("ip").to_pylist()
            ]
            pairs = pairs.filter(pa.array(keep, pa.bool_()))
        ips = pairs.column("ip").combine_chunks()
        yield "ip", _part(ips, ips, pairs.column("person").combine_chunks())
        devices.append(_device_part(signins, "device_id"))
    inventory = data.devices.filter(pc.greater_equal(data.devices.column("person"), 0))
    if inventory.num_rows:
        devices.append(_device_part(inventory, "hostname"))
    if devices:
        yield "device", pa.concat_tables(devices)


def _device_part(table: pa.Table, column: str) -> pa.Table:
    """Device keys from one column (a sign-in's device id, an inventory's host name): lower-cased,
    an empty name being no device."""
    raw = table.column(column).combine_chunks()
    names = pc.utf8_lower(raw)
    keys = pc.if_else(pc.equal(names, ""), pa.scalar(None, pa.string()), names)
    return _part(keys, raw, table.column("person").combine_chunks())


def shared_keys(table: pa.Table) -> list[SharedKey]:
    """Keys of one kind's table held by two or more distinct people, in key order.

    A key on one row only is skipped by a ``bincount`` of its dictionary code; the rows of repeated
    keys (a few percent) are gathered and grouped in Python.
    """
    if not table.num_rows:
        return []
    encoded = pc.dictionary_encode(table.column("key").combine_chunks())
    codes = pc.fill_null(encoded.indices, -1).to_numpy()
    counts = np.bincount(codes[codes >= 0], minlength=len(encoded.dictionary) + 1)  # +1: never empty
    rows = np.flatnonzero((codes >= 0) & (counts[np.maximum(codes, 0)] > 1))
    if not len(rows):
        return []
    picked = table.take(pa.array(rows))
    found: dict[int, tuple[set[int], set[str], list[str], list[bool]]] = {}
    for code, person, display, strong, shipping in zip(
        codes[rows].tolist(),
        picked.column("person").to_pylist(),
        picked.column("display").to_pylist(),
        picked.column("strong").to_pylist(),
        picked.column("shipping").to_pylist(),
        strict=True,
    ):
        people, strongs, displays, ships = found.setdefault(code, (set(), set(), [], []))
        people.add(person)
        if strong is not None:
            strongs.add(strong)
        if display is not None:
            displays.append(display)
        ships.append(bool(shipping))
    shared = [code for code, (people, *_) in found.items() if len(people) > 1]
    keys = encoded.dictionary.take(pa.array(shared, pa.int64())).to_pylist()
    out = []
    for key, code in zip(keys, shared, strict=True):
        people, strongs, displays, ships = found[code]
        display = min(displays) if displays else None
        out.append(SharedKey(key, display, sorted(people), len(strongs), any(ships)))
    out.sort(key=lambda shared: shared.key)
    return out


def key_table(data: VetData) -> pa.Table:
    """Every exact key of every person as one table (kind, key, display, person, strong, shipping):
    for inspection and for the benchmark's pairwise baseline, not used by linking."""
    tables = []
    for kind, part in key_parts(data):
        tables.append(part.add_column(0, "kind", pa.repeat(kind, part.num_rows)))
    return pa.concat_tables(tables)
