"""Known indicators matched against events: one join per batch, not a loop per event.

From each batch the fields that can carry an indicator are turned into (kind, value, row) candidates
with Arrow compute (hashes split out of Sysmon's ``Hashes``, hosts out of URLs, file names out of
paths, every parent of a domain), normalised the way the intel store normalises indicator values,
and joined with the store's indicator table. CIDR indicators are tested per distinct IP.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Event fields (casefolded) that hold one kind of observable, as seen in Sysmon, Security, Zeek,
#: proxy and cloud sign-in logs.
HASH_FIELDS = ("md5", "sha1", "sha256", "sha512", "hash", "filehash", "file_hash", "hash.md5",
               "hash.sha1", "hash.sha256", "process.hash.sha256", "file.hash.sha256")
IP_FIELDS = ("destinationip", "sourceip", "ipaddress", "clientip", "client_ip", "src_ip", "dst_ip",
             "id.orig_h", "id.resp_h", "ipaddr", "source.ip", "destination.ip", "remoteaddress",
             "c-ip", "s-ip", "callerip", "ip", "queryresults")
DOMAIN_FIELDS = ("queryname", "destinationhostname", "query", "host", "hostname", "server_name",
                 "dns.question.name", "url.domain", "destination.domain", "cs-host", "sni", "domain")
URL_FIELDS = ("url", "uri", "requesturl", "cs-uri", "url.original", "request_url")
PATH_FIELDS = ("image", "targetfilename", "parentimage", "imageloaded", "newprocessname",
               "originalfilename", "filename", "file.name", "process.executable")
ADDRESS_FIELDS = ("wallet", "address", "crypto_address", "to_address", "from_address")

_HASH_KIND_BY_LENGTH = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
_CANDIDATE_SCHEMA = pa.schema([("kind", pa.string()), ("value", pa.string()), ("row", pa.int64())])


@dataclass
class IndicatorIndex:
    """The store's indicators, ready to join: exact values, and CIDR networks apart."""

    exact: pa.Table            # kind, value, indicator_id, name
    networks: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str, str, str, str]]

    @classmethod
    def from_table(cls, table: pa.Table) -> IndicatorIndex:
        table = table.cast(pa.schema([(n, pa.string()) for n in ("kind", "value", "indicator_id", "name")]))
        is_cidr = pc.is_in(table.column("kind"), pa.array(["ipv4-cidr", "ipv6-cidr"]))
        networks = [(ipaddress.ip_network(r["value"], strict=False), r["kind"], r["value"],
                     r["indicator_id"], r["name"]) for r in table.filter(is_cidr).to_pylist()]
        exact = table.filter(pc.invert(is_cidr))
        # Hash kinds are matched by length alone: one candidate kind "hash" per hex digest.
        exact = exact.set_column(0, "kind", pc.if_else(
            pc.is_in(exact.column("kind"), pa.array(list(_HASH_KIND_BY_LENGTH.values()))),
            pa.scalar("hash"), exact.column("kind")))
        return cls(exact=exact, networks=networks)

    def __len__(self) -> int:
        return self.exact.num_rows + len(self.networks)


def _column(table: pa.Table, names: dict[str, str], wanted: tuple[str, ...]) -> list[pa.ChunkedArray]:
    return [table.column(names[w]) for w in wanted if w in names]


def candidates(table: pa.Table) -> pa.Table:
    """(kind, normalised value, row) for every observable in the batch's indicator-bearing fields."""
    names = {n.casefold(): n for n in table.column_names}
    rows = pa.array(np.arange(table.num_rows, dtype=np.int64))
    parts: list[pa.Table] = []

    def add(kind: str, values: pa.Array | pa.ChunkedArray, row_ids: pa.Array = rows) -> None:
        values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        mask = pc.and_(pc.is_valid(values), pc.not_equal(values, ""))
        count = pc.sum(mask).as_py() or 0
        if count:
            parts.append(pa.table({"kind": pa.array([kind] * count, pa.string()),
                                   "value": pc.filter(values, mask), "row": pc.filter(row_ids, mask)},
                                  schema=_CANDIDATE_SCHEMA))

    for col in _column(table, names, HASH_FIELDS):
        add("hash", pc.utf8_lower(pc.utf8_trim_whitespace(col)))
    if "hashes" in names:  # Sysmon: "SHA1=..,MD5=..,SHA256=..,IMPHASH=.."
        lists = pc.split_pattern(table.column(names["hashes"]).combine_chunks(), ",")
        flat = pc.list_flatten(lists)
        parent = pc.list_parent_indices(lists)
        values = pc.utf8_lower(pc.utf8_trim_whitespace(pc.replace_substring_regex(flat, "^[^=]*=", "")))
        is_imphash = pc.starts_with(pc.utf8_upper(flat), "IMPHASH")
        keep = pc.invert(is_imphash)
        add("hash", pc.filter(values, keep), pc.filter(pc.take(rows, parent), keep))
    for col in _column(table, names, IP_FIELDS):
        add("ip", pc.utf8_trim_whitespace(col))
    hosts = [pc.utf8_lower(pc.utf8_trim(col, ". ")) for col in _column(table, names, DOMAIN_FIELDS)]
    for col in _column(table, names, URL_FIELDS):
        add("url", col)
        host = pc.extract_regex(col, r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?(?:[^@/]*@)?(?P<host>[^/:?#\[\]]+)")
        hosts.append(pc.utf8_lower(pc.struct_field(host, [0])))
    for host in hosts:
        add("domain", host)
        labels = pc.split_pattern(host, ".")
        for skip in range(1, 6):  # every parent domain: an indicator "evil.example" matches "a.evil.example"
            parent = pc.list_slice(labels, skip)
            deep_enough = pc.greater_equal(pc.list_value_length(parent), 2)
            add("domain", pc.if_else(deep_enough, pc.binary_join(parent, "."), pa.scalar(None, pa.string())))
    for col in _column(table, names, PATH_FIELDS):
        add("filename", pc.utf8_lower(pc.replace_substring_regex(col, r"^.*[\\/]", "")))
    for col in _column(table, names, ADDRESS_FIELDS):
        add("address", pc.utf8_trim_whitespace(col))
    if not parts:
        return _CANDIDATE_SCHEMA.empty_table()
    return pa.concat_tables(parts).group_by(["kind", "value", "row"]).aggregate([])


_KIND_GROUPS = {"ip": ("ipv4", "ipv6"), "address": ("btc-address", "eth-address", "tron-address")}


def match_indicators(table: pa.Table, index: IndicatorIndex) -> list[tuple[int, str, str, str, str]]:
    """(row, kind, value, indicator id, indicator name) for every indicator seen in the batch."""
    cands = candidates(table)
    if not cands.num_rows or not len(index):
        return []
    exact = index.exact
    # Candidate kinds are coarser than indicator kinds (an "ip" may be ipv4 or ipv6): map indicator
    # kinds onto candidate kinds before joining.
    kind = exact.column("kind")
    for coarse, fine in _KIND_GROUPS.items():
        kind = pc.if_else(pc.is_in(kind, pa.array(list(fine))), pa.scalar(coarse), kind)
    probe = exact.set_column(0, "kind", kind)
    values = cands.column("value")
    # Ethereum addresses are case-insensitive (EIP-55 only checks case): compare lower-cased.
    cands = cands.set_column(1, "value", pc.if_else(pc.equal(cands.column("kind"), "address"),
                                                     pc.utf8_lower(values), values))
    probe = probe.set_column(1, "value", pc.if_else(pc.equal(probe.column("kind"), "address"),
                                                     pc.utf8_lower(probe.column("value")),
                                                     probe.column("value")))
    joined = cands.join(probe, keys=["kind", "value"], join_type="inner")
    out = [(r["row"], r["kind"], r["value"], r["indicator_id"], r["name"]) for r in joined.to_pylist()]
    if index.networks:
        ips = cands.filter(pc.equal(cands.column("kind"), "ip"))
        by_value: dict[str, list[int]] = {}
        for value, row in zip(ips.column("value").to_pylist(), ips.column("row").to_pylist(), strict=True):
            by_value.setdefault(value, []).append(row)
        for value, rows in by_value.items():
            try:
                address = ipaddress.ip_address(value)
            except ValueError:
                continue
            for network, _kind, text, oid, name in index.networks:
                if address.version == network.version and address in network:
                    out.extend((row, "cidr", text, oid, name) for row in rows)
    return sorted(set(out))
