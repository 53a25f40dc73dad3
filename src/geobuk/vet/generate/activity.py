"""Sign-ins (Entra, Okta, a generic CSV of source-code events) and device inventories for a company.

Honest staff sign in during their own office hours from home or the office, now and then from a
phone; operators sign in from their laptop farm during Pyongyang office hours, through VPN exits
(addresses in documentation ranges, listed as demo indicators), occasionally straight from China or
Russia, keep sessions open for days and sometimes clone every repository in an afternoon.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from geobuk.vet.generate import pools
from geobuk.vet.generate.people import Company, Profile

START = datetime(2025, 3, 3, tzinfo=UTC)  # a Monday
DAYS = 14
OFFICE_IP = "64.62.180.20"  # the HQ's NAT: shared by everyone in the office
OFFICE = ("Austin", "TX", "787", "America/Chicago", 30.3, -97.7)
#: Demo VPN exits, in TEST-NET-2 / TEST-NET-3 so that no real network is named as VPN infrastructure.
VPN_RANGES = ("198.51.100.0/24", "203.0.113.0/24")
VPN_EXITS = (
    ("198.51.100", "US", 37.8, -122.4),
    ("198.51.100", "SG", 1.35, 103.8),
    ("203.0.113", "JP", 35.7, 139.7),
)
ABROAD = {
    "CN": ("Shenyang", 41.8, 123.4, 4837, "CHINA UNICOM China169 Backbone", 175),
    "RU": ("Vladivostok", 43.1, 131.9, 12389, "Rostelecom", 95),
}
TRIP = {
    3: ("DE", "Berlin", 52.5, 13.4, 3320, "Deutsche Telekom AG", "Europe/Berlin", 87),
    4: ("DE", "Berlin", 52.5, 13.4, 3320, "Deutsche Telekom AG", "Europe/Berlin", 87),
    8: ("JP", "Tokyo", 35.7, 139.7, 17676, "SoftBank Corp.", "Asia/Tokyo", 126),
    9: ("JP", "Tokyo", 35.7, 139.7, 17676, "SoftBank Corp.", "Asia/Tokyo", 126),
}
TRAVEL_DAYS = {2, 7, 10}


@dataclass
class Event:
    time: datetime
    user: str
    ip: str
    country: str
    city: str
    lat: float
    lon: float
    asn: int
    asorg: str
    agent: str
    device: str
    source: str  # entra, okta, git
    session: str = ""
    proxy: bool = False
    action: str = ""
    target: str = ""
    failed: bool = False


def device_id(person_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"laptop.{person_id}.northwind.example"))


class _Activity:
    def __init__(self, company: Company, seed: int) -> None:
        self.company = company
        self.rng = random.Random(seed * 7919 + 17)
        self.ring_leader: dict[int, int] = {}
        for p in company.profiles:
            if p.ring is not None:
                self.ring_leader.setdefault(p.ring, p.index)

    def at(self, day: int, hour: float, zone: str) -> datetime:
        local = datetime(2025, 3, 3, tzinfo=ZoneInfo(zone)) + timedelta(days=day, hours=hour)
        return local.astimezone(UTC)

    def base(
        self,
        profile: Profile,
        when: datetime,
        *,
        ip: str,
        country: str,
        city: str,
        lat: float,
        lon: float,
        asn: int,
        asorg: str,
        source: str,
    ) -> Event:
        person = self.company.people[profile.index]
        agent = pools.USER_AGENTS[profile.index % 3]
        return Event(
            when,
            person["work_email"],
            ip,
            country,
            city,
            lat,
            lon,
            asn,
            asorg,
            agent,
            device_id(person["person_id"]) if source == "entra" else "",
            source,
        )

    def home(self, profile: Profile, when: datetime, source: str) -> Event:
        city = profile.city
        return self.base(
            profile,
            when,
            ip=profile.home_ip,
            country="US",
            city=city[0],
            lat=city[4],
            lon=city[5],
            asn=profile.isp[0],
            asorg=profile.isp[1],
            source=source,
        )

    def office(self, profile: Profile, when: datetime, source: str) -> Event:
        return self.base(
            profile,
            when,
            ip=OFFICE_IP,
            country="US",
            city=OFFICE[0],
            lat=OFFICE[4],
            lon=OFFICE[5],
            asn=6939,
            asorg="Hurricane Electric",
            source=source,
        )

    def day_events(self, profile: Profile, day: int, start: float, length: float, place) -> list[Event]:
        rng = self.rng
        out = []
        for k in range(rng.randrange(2, 4)):
            hour = start + length * (k + rng.random()) / 3
            when = self.at(day, hour, profile.zone)
            source = "entra" if rng.random() < 0.7 else "okta"
            event = place(profile, when, source)
            if rng.random() < 0.05:  # a phone on the carrier network: a fresh address each time
                event.ip = f"172.{rng.randrange(32, 63)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                event.asn, event.asorg, event.agent, event.device = (
                    21928,
                    "T-Mobile USA",
                    pools.USER_AGENTS[3],
                    "",
                )
                event.source = "okta"
            event.failed = rng.random() < 0.02
            out.append(event)
        return out

    def honest(self, profile: Profile) -> list[Event]:
        rng = self.rng
        events = []
        for day in range(DAYS):
            if day % 7 >= 5:
                continue
            if profile.kind == "traveller" and day in TRAVEL_DAYS:
                continue
            if profile.kind == "traveller" and day in TRIP:
                country, city, lat, lon, asn, asorg, zone, first = TRIP[day]
                ip = f"{first}.{rng.randrange(1, 255)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                for k in range(3):
                    when = datetime(2025, 3, 3, tzinfo=ZoneInfo(zone)) + timedelta(days=day, hours=9 + 3 * k)
                    events.append(
                        self.base(
                            profile,
                            when.astimezone(UTC),
                            ip=ip,
                            country=country,
                            city=city,
                            lat=lat,
                            lon=lon,
                            asn=asn,
                            asorg=asorg,
                            source="entra",
                        )
                    )
                continue
            start = rng.uniform(21.5, 23) if profile.kind == "night_shift" else rng.uniform(7.8, 9.8)
            place = self.office if profile.office and rng.random() < 0.5 else self.home
            events += self.day_events(profile, day, start, 8.5, place)
        events += self.commits(profile, 2)
        return events

    def commits(self, profile: Profile, count: int) -> list[Event]:
        rng = self.rng
        out = []
        for _ in range(rng.randrange(0, count + 1)):
            day = rng.randrange(DAYS)
            event = self.home(profile, self.at(day, rng.uniform(10, 16), profile.zone), "git")
            event.action, event.target = (
                rng.choice(("git.clone", "git.push", "git.push")),
                rng.choice(pools.REPOS),
            )
            out.append(event)
        return out

    def farm(self, profile: Profile, when: datetime) -> Event:
        farm = self.company.farms[profile.farm]
        city = farm["city"]
        event = self.base(
            profile,
            when,
            ip=farm["ip"],
            country="US",
            city=city[0],
            lat=city[4],
            lon=city[5],
            asn=7922,
            asorg="Comcast",
            source="entra",
        )
        if "shared_device" in profile.traits and self.rng.random() < 0.4:
            leader = self.company.people[self.ring_leader[profile.ring]]["person_id"]
            event.device = device_id(leader)
        return event

    def vpn(self, profile: Profile, when: datetime) -> Event:
        prefix, country, lat, lon = self.rng.choice(VPN_EXITS)
        event = self.base(
            profile,
            when,
            ip=f"{prefix}.{self.rng.randrange(2, 250)}",
            country=country,
            city="",
            lat=lat,
            lon=lon,
            asn=9009,
            asorg="M247 Europe SRL",
            source="okta",
        )
        event.proxy = True
        return event

    def operator(self, profile: Profile) -> list[Event]:
        rng = self.rng
        traits = profile.traits
        events: list[Event] = []
        zone = "Asia/Pyongyang" if "kst" in traits else profile.zone
        for day in range(DAYS):
            if day % 7 >= 5:
                continue
            for k in range(rng.randrange(2, 4)):
                when = self.at(day, rng.uniform(8.8, 9.6) + 8.5 * (k + rng.random()) / 3, zone)
                if "vpn" in traits and rng.random() < 0.3:
                    events.append(self.vpn(profile, when))
                elif "farm" in traits:
                    events.append(self.farm(profile, when))
                else:
                    events.append(self.home(profile, when, "entra"))
        if "slip" in traits:
            for _ in range(rng.randrange(2, 4)):
                anchor = rng.choice([e for e in events if e.country == "US"] or events)
                country = rng.choice(tuple(ABROAD))
                city, lat, lon, asn, asorg, first = ABROAD[country]
                when = anchor.time + timedelta(minutes=rng.randrange(20, 90))
                events.append(
                    self.base(
                        profile,
                        when,
                        ip=f"{first}.{rng.randrange(1, 255)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                        country=country,
                        city=city,
                        lat=lat,
                        lon=lon,
                        asn=asn,
                        asorg=asorg,
                        source="okta",
                    )
                )
                vpn_when = when + timedelta(minutes=rng.randrange(10, 60))
                events.append(self.vpn(profile, vpn_when))
        if "long_session" in traits:
            session = f"102{rng.getrandbits(64):016x}"
            start = rng.randrange(0, DAYS - 4)
            for hour in range(0, 72, 3):
                event = (
                    self.farm(profile, START + timedelta(days=start, hours=hour, minutes=rng.randrange(60)))
                    if "farm" in traits
                    else self.vpn(profile, START + timedelta(days=start, hours=hour))
                )
                event.source, event.session, event.action = "okta", session, "user.authentication.sso"
                events.append(event)
        events += self.commits(profile, 2)
        if "bulk_copy" in traits:
            start = self.at(rng.randrange(DAYS), rng.uniform(10, 14), zone)
            for k, repo in enumerate(rng.sample(pools.REPOS, rng.randrange(25, len(pools.REPOS)))):
                event = (
                    self.farm(profile, start + timedelta(minutes=3 * k))
                    if "farm" in traits
                    else self.vpn(profile, start + timedelta(minutes=3 * k))
                )
                event.source, event.action, event.target = (
                    "git",
                    rng.choice(("git.clone", "repo.download_zip")),
                    repo,
                )
                events.append(event)
        return events

    def all(self) -> list[Event]:
        events = []
        for profile in self.company.profiles:
            events += self.operator(profile) if profile.kind == "operator" else self.honest(profile)
        events.sort(key=lambda e: (e.time, e.user))
        return events


def signins(company: Company, seed: int) -> list[Event]:
    return _Activity(company, seed).all()


def devices(company: Company, seed: int) -> list[dict]:
    """Device inventory rows: a laptop per person (software on its first row), one row per USB device."""
    rng = random.Random(seed * 104729 + 3)
    rows = []
    for profile in company.profiles:
        person = company.people[profile.index]
        host = f"NW-LT-{profile.index + 1:05d}"
        software = rng.sample(pools.SOFTWARE, rng.randrange(5, 10))
        if profile.kind == "admin":
            software.append("TeamViewer 15")
        if profile.kind == "operator" and "remote_tool" in profile.traits:
            software += rng.sample(pools.REMOTE_TOOLS[:3], rng.randrange(1, 3))
        if profile.kind == "honest" and rng.random() < 0.01:
            software.append("AnyDesk")
        usb = rng.sample(pools.USB_DEVICES, rng.randrange(1, 3))
        if profile.kind == "operator" and "ip_kvm" in profile.traits:
            usb.append(
                rng.choice(
                    (
                        ("1d6b", "0104", "PiKVM Composite Device"),
                        ("1d6b", "0104", "TinyPilot"),
                        ("", "", "JetKVM HID"),
                    )
                )
            )
        for k, (vendor, product, name) in enumerate(usb):
            rows.append(
                {
                    "person_id": person["person_id"],
                    "hostname": host,
                    "software": "; ".join(software) if k == 0 else "",
                    "usb_vendor_id": vendor,
                    "usb_product_id": product,
                    "usb_product": name,
                }
            )
    return rows
