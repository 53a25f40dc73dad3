"""Thresholds and weights of a vet run: defaults that follow the advisories, all overridable.

A config file (YAML or JSON) holds any of ``VetConfig``'s fields; ``weights`` overrides the
catalogue's weight of single flags. Unknown keys are an error: a typo must not silently leave a
default in place.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, fields
from pathlib import Path

from geobuk.errors import InputError
from geobuk.vet.catalogue import FLAGS
from geobuk.vet.settings_file import read_settings

#: Hosting and VPN providers' networks (ASN -> name). Consumer VPNs, including Astrill, exit from
#: rented servers; a sign-in from a hosting network is not from someone's home or office.
DEFAULT_VPN_ASNS: dict[int, str] = {
    9009: "M247",
    14061: "DigitalOcean",
    16276: "OVH",
    24940: "Hetzner",
    20473: "Vultr (Choopa)",
    60068: "Datacamp (CDN77)",
    212238: "Datacamp",
    62240: "Clouvider",
    63949: "Akamai Linode",
    51167: "Contabo",
    136787: "TEFINCOM (NordVPN)",
    209854: "Surfshark",
}


@dataclass
class VetConfig:
    """Every number a vet run uses. Scores are 0-100; times in hours."""

    threshold: int = 40  # a person scoring this or more is reported as flagged
    cluster_threshold: int = 50  # the same for a cluster
    weights: dict[str, int] = field(default_factory=dict)
    home_country: str | None = None  # ISO code; default: the commonest country of the people file
    # linking
    max_group: int = 20  # a value shared by more people is not an identifier (e.g. "N/A")
    max_ip_group: int = 10  # an IP shared by more accounts is an office or carrier NAT
    max_device_group: int = 5
    ignore_ips: list[str] = field(default_factory=list)  # office / corporate VPN egress (IPs or CIDRs)
    photo_max_distance: int = 4  # Hamming distance of 64-bit perceptual hashes
    resume_min_similarity: float = 0.7  # estimated Jaccard similarity of word 3-grams
    # sign-ins
    business_start: int = 8
    business_end: int = 19
    min_signins: int = 15
    kst_min_share: float = 0.6
    claimed_max_share: float = 0.35
    multi_country_hours: float = 24.0
    multi_country_min: int = 3
    travel_max_kmh: float = 900.0
    travel_min_km: float = 500.0
    long_session_hours: float = 24.0
    bulk_repo_min: int = 20
    bulk_repo_hours: float = 24.0
    risky_countries: list[str] = field(default_factory=lambda: ["CN", "RU", "KP"])
    vpn_asns: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_VPN_ASNS))
    # devices
    remote_access_allowed_departments: list[str] = field(
        default_factory=lambda: ["it", "it support", "helpdesk", "help desk", "service desk", "it operations"]
    )
    remote_access_allowed_people: list[str] = field(default_factory=list)

    def weight(self, code: str) -> int:
        return int(self.weights.get(code, FLAGS[code].weight))

    def ignored_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(v, strict=False) for v in self.ignore_ips]


def load_config(path: Path | None) -> VetConfig:
    """The config in ``path`` over the defaults; ``InputError`` naming the bad key or value."""
    if path is None:
        return VetConfig()
    data = read_settings(path, "config", "settings")
    known = {f.name: f for f in fields(VetConfig)}
    config = VetConfig()
    for key, value in data.items():
        if key not in known:
            raise InputError(path, f"unknown setting {key!r} (known: {', '.join(known)})")
        default = getattr(config, key)
        try:
            setattr(config, key, _coerce(key, value, default))
        except (TypeError, ValueError) as exc:
            raise InputError(path, f"setting {key!r}: {exc}") from None
    for code in config.weights:
        if code not in FLAGS:
            raise InputError(path, f"weights: unknown flag {code!r}")
    try:
        config.ignored_networks()
    except ValueError as exc:
        raise InputError(path, f"ignore_ips: {exc}") from None
    return config


def _coerce(key: str, value: object, default: object) -> object:
    if key == "weights" or key == "vpn_asns":
        if not isinstance(value, dict):
            raise TypeError("expected a mapping")
        if key == "vpn_asns":
            return {int(k): str(v) for k, v in value.items()}
        return {str(k): int(v) for k, v in value.items()}
    if isinstance(default, list):
        if not isinstance(value, list):
            raise TypeError("expected a list")
        return [str(v) for v in value]
    if key == "home_country":
        return None if value is None else str(value).upper()
    if isinstance(default, bool) or value is None:
        raise TypeError(f"expected a number, got {value!r}")
    return type(default)(value)
