"""Which sign-in IPs are infrastructure rather than a place: VPN and proxy exits, hosting networks,
and addresses the intel store holds as indicators.

Used twice: such sign-ins raise flags (``flags.signins``), and they never link people (``linking``):
a commercial VPN exit is shared by thousands of strangers, so two accounts behind one prove nothing.
"""

from __future__ import annotations

import ipaddress
import re

import pyarrow as pa
import pyarrow.compute as pc

from geobuk.detect.indicators import match_indicators
from geobuk.vet.data import VetData

_VPN_WORDS = re.compile(r"vpn|proxy|astrill|\btor\b|anonymi[sz]", re.IGNORECASE)


def intel_hits(data: VetData) -> dict[str, tuple[str, bool]]:
    """IP -> (indicator name, whether it names VPN/proxy infrastructure) for sign-in IPs in the store."""
    index = data.indicators
    if index is None or not len(index) or not data.signins.num_rows:
        return {}
    ips = [ip for ip in pc.unique(data.signins.column("ip")).to_pylist() if ip]
    probe = pa.table({"ip": pa.array(ips, pa.string())})
    hits: dict[str, tuple[str, bool]] = {}
    for row, _kind, value, _oid, name in match_indicators(probe, index):
        label = name or value
        hits.setdefault(ips[row], (label, bool(_VPN_WORDS.search(label))))
    return hits


def infrastructure_ips(data: VetData, hits: dict[str, tuple[str, bool]] | None = None) -> set[str]:
    """Sign-in IPs that are VPN/proxy exits (identity provider's flag), hosting ASNs or indicators."""
    signins = data.signins
    if not signins.num_rows:
        return set()
    asns = pa.array([str(a) for a in data.config.vpn_asns], pa.string())
    mask = pc.or_(pc.fill_null(signins.column("is_proxy"), False), pc.is_in(signins.column("asn"), asns))
    found = set(pc.unique(pc.filter(signins.column("ip"), mask)).to_pylist())
    found.update(hits if hits is not None else intel_hits(data))
    found.discard("")
    return found


def in_networks(ip: str, networks: list) -> bool:
    """Whether ``ip`` is inside one of ``networks`` (the ignored ranges of the configuration); a
    value that is no address is not."""
    if not networks or not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address.version == net.version and address in net for net in networks)
