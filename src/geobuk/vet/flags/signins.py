"""Red flags in sign-in logs: when, from where and through what people connect.

Sign-ins are sorted by person and time once; each check then walks one person's sign-ins. Sign-ins
from ``VetConfig.ignore_ips`` (the office, the corporate VPN) are left out of the geography checks,
since their location is the company's, not the person's.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.vet.countries import CENTRES, distance_km
from geobuk.vet.data import VetData
from geobuk.vet.infrastructure import in_networks, intel_hits
from geobuk.vet.model import Flag

HOUR_US = 3_600_000_000
KST_OFFSET_MINUTES = 9 * 60
_COPY_ACTIONS = re.compile(r"clone|download|archive|export|mirror|bundle|fork", re.IGNORECASE)


class Events:
    """One person's sign-ins as parallel lists, oldest first."""

    def __init__(self, table: pa.Table) -> None:
        self.time = np.asarray(table.column("time").cast(pa.int64()).fill_null(0))
        self.ip = table.column("ip").to_pylist()
        self.country = table.column("country").to_pylist()
        self.asn = table.column("asn").to_pylist()
        self.proxy = table.column("is_proxy").to_pylist()
        self.session = table.column("session_id").to_pylist()
        self.action = table.column("action").to_pylist()
        self.target = table.column("target").to_pylist()
        self.lat = table.column("lat").to_pylist()
        self.lon = table.column("lon").to_pylist()

    def __len__(self) -> int:
        return len(self.time)


def when(microseconds: int) -> str:
    return datetime.fromtimestamp(microseconds / 1e6, UTC).strftime("%Y-%m-%d %H:%M UTC")


def by_person(data: VetData) -> Iterator[tuple[int, Events]]:
    table = data.signins.filter(pc.greater_equal(data.signins.column("person"), 0))
    if not table.num_rows:
        return
    table = table.sort_by([("person", "ascending"), ("time", "ascending")])
    persons = np.asarray(table.column("person"))
    starts = np.flatnonzero(np.concatenate(([True], persons[1:] != persons[:-1])))
    ends = np.append(starts[1:], len(persons))
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        yield int(persons[start]), Events(table.slice(start, end - start))


def flags(data: VetData) -> Iterator[tuple[int, Flag]]:
    config = data.config
    networks = config.ignored_networks()
    intel = intel_hits(data)
    timezones = data.column("timezone")
    shifts = data.column("shift")
    for person, events in by_person(data):
        local = [not in_networks(ip, networks) for ip in events.ip]
        if "night" not in (shifts[person] or "").casefold():
            yield from ((person, f) for f in kst_hours(events, timezones[person], config))
        yield from ((person, f) for f in multi_country(events, local, config))
        yield from ((person, f) for f in impossible_travel(events, local, config))
        yield from ((person, f) for f in infrastructure(events, intel, config))
        yield from ((person, f) for f in risky_country(events, local, config))
        yield from ((person, f) for f in long_session(events, config))
        yield from ((person, f) for f in bulk_repo_copy(events, config))


def utc_offset_minutes(zone: str, at_us: int) -> int | None:
    """The offset of an IANA zone (``America/New_York``) or ``UTC+5:30`` at a time; None if unknown."""
    zone = (zone or "").strip()
    match = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", zone, re.IGNORECASE)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        return sign * (int(match.group(2)) * 60 + int(match.group(3) or 0))
    if zone.upper() in ("UTC", "GMT", "Z"):
        return 0
    try:
        info = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    offset = datetime.fromtimestamp(at_us / 1e6, UTC).astimezone(info).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else None


def business_share(times_us: np.ndarray, offset_minutes: int, start: int, end: int) -> float:
    minutes = ((times_us // 60_000_000) + offset_minutes) % 1440
    return float(np.mean((minutes >= start * 60) & (minutes < end * 60)))


def kst_hours(events: Events, zone: str, config) -> Iterator[Flag]:
    """Sign-ins fit office hours in UTC+9 and not in the claimed zone (2022 advisory: workers cannot
    keep business hours; KnowBe4's hire worked nights). People on a declared night shift are exempt."""
    if len(events) < config.min_signins:
        return
    median = int(np.median(events.time))
    offset = utc_offset_minutes(zone, median)
    if offset is None or abs(offset - KST_OFFSET_MINUTES) <= 60:
        return
    kst = business_share(events.time, KST_OFFSET_MINUTES, config.business_start, config.business_end)
    claimed = business_share(events.time, offset, config.business_start, config.business_end)
    if kst >= config.kst_min_share and claimed <= config.claimed_max_share:
        yield Flag(
            "kst_hours",
            {
                "kst_share": round(100 * kst),
                "claimed_share": round(100 * claimed),
                "zone": zone,
                "signins": len(events),
                "hours": f"{config.business_start:02d}-{config.business_end:02d}h",
            },
            "{kst_share}% of {signins} sign-ins fall in {hours} UTC+9, {claimed_share}% in {hours} "
            "of the claimed zone {zone}",
        )


def multi_country(events: Events, local: list[bool], config) -> Iterator[Flag]:
    """Several countries within a few hours (2022 advisory: logins from IPs in different countries
    in a short time; FBI PSA I-012325)."""
    window = int(config.multi_country_hours * HOUR_US)
    recent: deque[tuple[int, str]] = deque()
    counts: Counter[str] = Counter()
    best: tuple[int, list[str], int, int] | None = None
    for t, country, ok in zip(events.time.tolist(), events.country, local, strict=True):
        if not country or not ok:
            continue
        recent.append((t, country))
        counts[country] += 1
        while recent and recent[0][0] < t - window:
            _, old = recent.popleft()
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
        if len(counts) >= config.multi_country_min and (best is None or len(counts) > len(best[1])):
            best = (len(counts), sorted(counts), recent[0][0], t)
    if best:
        yield Flag(
            "multi_country",
            {"countries": best[1], "count": best[0], "start": when(best[2]), "end": when(best[3])},
            "sign-ins from {count} countries ({countries}) between {start} and {end}",
        )


def _place(events: Events, k: int) -> tuple[tuple[float, float], bool] | None:
    """(latitude, longitude) of a sign-in and whether it is the log's own (True) or a country centre."""
    try:
        if events.lat[k] and events.lon[k]:
            return (float(events.lat[k]), float(events.lon[k])), True
    except ValueError:
        pass
    centre = CENTRES.get(events.country[k] or "")
    return (centre, False) if centre else None


def _distance(
    a: tuple[tuple[float, float], bool], b: tuple[tuple[float, float], bool], same_country: bool
) -> float:
    """Distance between two sign-ins; a country centre says nothing about a move within the country."""
    if a[1] and b[1]:
        return distance_km(a[0], b[0])
    return 0.0 if same_country else distance_km(a[0], b[0])


def impossible_travel(events: Events, local: list[bool], config) -> Iterator[Flag]:
    """Consecutive sign-ins farther apart than an airliner could fly in the time between them."""
    last: tuple[int, tuple[tuple[float, float], bool], str] | None = None
    hits = 0
    first: dict | None = None
    for k, t in enumerate(events.time.tolist()):
        if not local[k]:
            continue
        place = _place(events, k)
        if place is None:
            continue
        if last is not None:
            km = _distance(last[1], place, last[2] == events.country[k])
            hours = max((t - last[0]) / HOUR_US, 1 / 60)
            if km >= config.travel_min_km and km / hours > config.travel_max_kmh:
                hits += 1
                if first is None:
                    first = {
                        "from": last[2] or "?",
                        "to": events.country[k] or "?",
                        "km": round(km),
                        "hours": round(hours, 1),
                        "at": when(t),
                    }
        last = (t, place, events.country[k])
    if first:
        first["count"] = hits
        yield Flag(
            "impossible_travel", first, "{from} to {to} ({km} km) in {hours} h at {at}; {count} such jumps"
        )


def infrastructure(events: Events, intel: dict[str, tuple[str, bool]], config) -> Iterator[Flag]:
    """VPN, proxy and hosting exits (Okta ``isProxy``, hosting ASNs, VPN ranges in the intel store,
    e.g. Astrill's, which Mandiant and Microsoft report DPRK IT workers use), and any other IP the
    store holds as an indicator."""
    vpn: Counter[str] = Counter()
    other: Counter[str] = Counter()
    vpn_ips: set[str] = set()
    other_ips: set[str] = set()
    for ip, asn, proxy in zip(events.ip, events.asn, events.proxy, strict=True):
        hit = intel.get(ip)
        if hit and not hit[1]:
            other[hit[0]] += 1
            other_ips.add(ip)
        reason = None
        if hit and hit[1]:
            reason = hit[0]
        elif proxy:
            reason = "flagged as a proxy by the identity provider"
        elif asn and asn.isdigit() and int(asn) in config.vpn_asns:
            reason = f"AS{asn} {config.vpn_asns[int(asn)]}"
        if reason:
            vpn[reason] += 1
            vpn_ips.add(ip)
    if vpn:
        yield Flag(
            "vpn_proxy",
            {"count": sum(vpn.values()), "reasons": sorted(vpn), "ips": sorted(vpn_ips)},
            "{count} sign-ins through VPN/proxy infrastructure ({reasons}) from {ips}",
        )
    if other:
        yield Flag(
            "intel_ip",
            {"count": sum(other.values()), "indicators": sorted(other), "ips": sorted(other_ips)},
            "{count} sign-ins from {ips}, known indicators: {indicators}",
        )


def risky_country(events: Events, local: list[bool], config) -> Iterator[Flag]:
    risky = {c.upper() for c in config.risky_countries}
    seen: Counter[str] = Counter()
    first: int | None = None
    for t, country, ok in zip(events.time.tolist(), events.country, local, strict=True):
        if ok and country in risky:
            seen[country] += 1
            first = t if first is None else first
    if seen:
        yield Flag(
            "risky_country",
            {"countries": sorted(seen), "count": sum(seen.values()), "first": when(first)},
            "{count} sign-ins from {countries}, first at {first}",
        )


def long_session(events: Events, config) -> Iterator[Flag]:
    """One session seen over a day or more (2022 advisory: logged in continuously for days)."""
    spans: dict[str, list[int]] = {}
    for t, session in zip(events.time.tolist(), events.session, strict=True):
        if session:
            span = spans.setdefault(session, [t, t])
            span[1] = t
    longest = max(spans.items(), key=lambda kv: kv[1][1] - kv[1][0], default=None)
    if longest is None:
        return
    hours = (longest[1][1] - longest[1][0]) / HOUR_US
    if hours >= config.long_session_hours:
        yield Flag(
            "long_session",
            {"session": longest[0], "hours": round(hours, 1), "start": when(longest[1][0])},
            "session {session} open for {hours} h from {start}",
        )


def bulk_repo_copy(events: Events, config) -> Iterator[Flag]:
    """Many distinct repositories cloned or downloaded within hours (FBI PSA I-012325: code copied to
    personal accounts and then used for extortion)."""
    window = int(config.bulk_repo_hours * HOUR_US)
    copies = [
        (t, target)
        for t, action, target in zip(events.time.tolist(), events.action, events.target, strict=True)
        if target and action and _COPY_ACTIONS.search(action)
    ]
    best: tuple[int, int, int] | None = None
    recent: deque[tuple[int, str]] = deque()
    counts: Counter[str] = Counter()
    for t, target in copies:
        recent.append((t, target))
        counts[target] += 1
        while recent[0][0] < t - window:
            _, old = recent.popleft()
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
        if len(counts) >= config.bulk_repo_min and (best is None or len(counts) > best[0]):
            best = (len(counts), recent[0][0], t)
    if best:
        yield Flag(
            "bulk_repo_copy",
            {"repositories": best[0], "start": when(best[1]), "end": when(best[2])},
            "{repositories} repositories cloned or downloaded between {start} and {end}",
        )
