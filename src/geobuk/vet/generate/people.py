"""A fictional company's HR records, with DPRK operator personas and honest look-alikes planted.

Operators follow the published tradecraft (see docs/vet.md): rings of 2-5 personas run by one team,
whose laptops go to one laptop farm, who reuse a photo, a resume template, a mailbox or an e-mail
word, VoIP numbers, one payment account or a crypto wallet, schools abroad, and who avoid the camera.
Each trait is drawn with a probability, so personas differ and some are hard to catch, as in life.
Honest staff carry realistic noise (a degree abroad, a Google Voice number, a laptop sent to a
relative), and four look-alikes must stay unflagged: a couple sharing a home, a traveller, a
night-shift worker and an IT admin who uses TeamViewer.

Every value is drawn from one ``random.Random(seed)``: the same seed gives the same company.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import base58

from geobuk.vet.generate import pools

COMPANY_DOMAIN = "northwind.example"
AUSTIN = next(c for c in pools.CITIES if c[0] == "Austin")


@dataclass
class Profile:
    """How one person behaves, for the sign-in and device generators."""

    index: int
    kind: str  # honest, operator, couple, traveller, night_shift, admin
    zone: str
    city: tuple
    home_ip: str
    isp: tuple
    office: bool = False
    ring: int | None = None
    farm: int | None = None
    traits: set[str] = field(default_factory=set)
    photo_base: int | None = None  # who the photo is a variant of (rings reuse one photo)


@dataclass
class Truth:
    operators: list[str] = field(default_factory=list)
    rings: list[list[str]] = field(default_factory=list)
    lookalikes: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"operators": self.operators, "rings": self.rings, "lookalikes": self.lookalikes}


@dataclass
class Company:
    people: list[dict]
    profiles: list[Profile]
    truth: Truth
    farms: list[dict]


class _Unique:
    """Draws values until one is unused: two honest people never share a mailbox by accident."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, value: str, vary) -> str:
        while value in self.used:
            value = vary(value)
        self.used.add(value)
        return value


def _ip(rng: random.Random, first: int) -> str:
    return f"{first}.{rng.randrange(1, 255)}.{rng.randrange(0, 256)}.{rng.randrange(1, 255)}"


class _Maker:
    def __init__(self, n: int, seed: int, photos: str) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.photos = photos
        self.emails = _Unique()
        self.addresses = _Unique()
        self.accounts = _Unique()
        self.handles = _Unique()
        self.phone_offset = self.rng.randrange(8_000_000)

    # ---------------------------------------------------------------- building blocks
    def name(self) -> tuple[str, str]:
        return self.rng.choice(pools.FIRST), self.rng.choice(pools.LAST)

    def address(self, city: tuple) -> str:
        rng = self.rng
        street = f"{rng.randrange(1, 9999)} {rng.choice(pools.STREETS)} {rng.choice(pools.SUFFIXES)}"
        text = f"{street}, {city[0]}, {city[1]} {city[2]}{rng.randrange(10, 99)}"
        return self.addresses.take(
            text, lambda v: f"{v.split(',')[0]} Apt {rng.randrange(1, 400)},{v.split(',', 1)[1]}"
        )

    def phone(self, index: int, city: tuple) -> str:
        subscriber = 2_000_000 + (index * 3_456_789 + self.phone_offset) % 8_000_000
        digits = f"{subscriber:07d}"
        area = pools.AREA_CODES[city[1]]
        style = self.rng.randrange(3)
        if style == 0:
            return f"({area}) {digits[:3]}-{digits[3:]}"
        if style == 1:
            return f"+1 {area} {digits[:3]} {digits[3:]}"
        return f"{area}-{digits[:3]}-{digits[3:]}"

    def email(self, first: str, last: str) -> str:
        rng = self.rng
        local = rng.choice(
            (
                f"{first}.{last}",
                f"{first[0]}{last}",
                f"{first}{last[0]}",
                f"{first}_{last}",
                f"{first}.{last}{rng.randrange(10, 99)}",
                f"{last}.{first}",
            )
        )
        if rng.random() < 0.08:
            local = f"{first}{last}{rng.randrange(1960, 2004)}"
        text = f"{local.lower()}@{rng.choice(pools.MAIL_DOMAINS)}"
        return self.emails.take(text, lambda v: v.replace("@", f"{rng.randrange(10, 99)}@", 1))

    def account(self, index: int) -> str:
        return self.accounts.take(
            f"US{(index * 7_654_321 + 1_000_003) % 10**10:010d}-{self.rng.randrange(100, 999)}",
            lambda v: v + "1",
        )

    def handle(self, first: str, last: str) -> str:
        rng = self.rng
        text = rng.choice((f"{first}{last}", f"{first[0]}{last}", f"{first}-{last}", f"{last}{first[0]}dev"))
        return self.handles.take(text.lower(), lambda v: f"{v}{rng.randrange(1, 999)}")

    def resume(self, title: str, years: int) -> str:
        rng = self.rng
        skills = rng.sample(pools.SKILLS, 6)
        summary = rng.choice(pools.SUMMARIES).format(
            title=title, y=years, s1=skills[0], s2=skills[1], s3=skills[2]
        )
        bullets = [
            f"{rng.choice(pools.VERBS)} {rng.choice(pools.OBJECTS)} in {rng.choice(skills)} "
            + rng.choice(pools.RESULTS).format(
                n=rng.randrange(10, 90),
                k=rng.randrange(2, 40),
                q=rng.choice(("first", "second", "third", "fourth")),
            )
            for _ in range(rng.randrange(4, 8))
        ]
        jobs = rng.sample(pools.EMPLOYERS, 2)
        school = rng.choice(pools.US_SCHOOLS)
        return (
            f"{summary} Experience: {title} at {jobs[0]}. "
            + ". ".join(bullets)
            + f". Previously at {jobs[1]}. Skills: {', '.join(skills)}. Education: B.S. Computer Science, "
            f"{school}."
        )

    def crypto_address(self) -> str:
        """A Tron (USDT) address with a valid Base58Check checksum: 0x41 + 20 random bytes."""
        payload = bytes([0x41]) + bytes(self.rng.randrange(256) for _ in range(20))
        return base58.b58encode_check(payload).decode()

    # ---------------------------------------------------------------- people
    def honest(
        self, index: int, kind: str = "honest", city: tuple | None = None, last: str | None = None
    ) -> tuple[dict, Profile]:
        rng = self.rng
        office = city is None and rng.random() < 0.4  # hybrid staff live near the Austin office
        city = city or (AUSTIN if office else rng.choice(pools.CITIES))
        first, family = self.name()
        family = last or family
        isp = rng.choice(pools.ISPS)
        title = rng.choice(pools.TITLES)
        department = rng.choice(pools.DEPARTMENTS)
        home = self.address(city)
        person = {
            "person_id": f"E{index + 1:07d}",
            "full_name": f"{first} {family}",
            "email": self.email(first, family),
            "work_email": self.emails.take(
                f"{first}.{family}@{COMPANY_DOMAIN}".lower(),
                lambda v: v.replace("@", f"{rng.randrange(2, 99)}@", 1),
            ),
            "phone": self.phone(index, city),
            "phone_type": "mobile",
            "home_address": home,
            "shipping_address": home if rng.random() < 0.7 else "",
            "country": "US",
            "timezone": city[3],
            "photo_path": "",
            "photo_hash": "",
            "resume_text": self.resume(title, rng.randrange(2, 20)),
            "github": f"https://github.com/{self.handle(first, family)}" if rng.random() < 0.7 else "",
            "linkedin": f"https://www.linkedin.com/in/{first.lower()}-{family.lower()}-{index:x}",
            "payment_account": self.account(index),
            "payment_holder": f"{first} {family}",
            "education_country": "US",
            "hire_date": f"20{rng.randrange(15, 25)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "camera_refused": "no",
            "department": department,
            "shift": "day",
        }
        # Honest noise: each is a real flag on a real employee, weak alone.
        if rng.random() < 0.08:
            school, country = rng.choice(pools.ABROAD_SCHOOLS)
            person["education_country"] = country
            person["resume_text"] = person["resume_text"].rsplit("Education:", 1)[0] + f"Education: {school}."
        if rng.random() < 0.03:
            person["phone_type"] = "nonFixedVoip"  # a Google Voice number
        if rng.random() < 0.02:
            person["camera_refused"] = "yes"
        if rng.random() < 0.03:
            person["shipping_address"] = self.address(rng.choice(pools.CITIES))  # a relative's, an office
        profile = Profile(index, kind, city[3], city, _ip(rng, isp[2]), isp, office=office)
        return person, profile

    def operator(self, index: int, ring: int | None, farm: dict, shared: dict) -> tuple[dict, Profile]:
        """One persona; ``shared`` holds what the ring reuses (drawn once per ring)."""
        rng = self.rng
        person, profile = self.honest(index, "operator")
        traits: set[str] = set()
        first, family = person["full_name"].split(" ", 1)

        def chance(p: float, trait: str) -> bool:
            if rng.random() < p:
                traits.add(trait)
                return True
            return False

        if chance(0.85, "farm"):
            person["shipping_address"] = farm["address"]
        if chance(0.6, "voip"):
            person["phone_type"] = "nonFixedVoip"
        if ring is not None and shared.get("phone") and chance(0.35, "shared_phone"):
            person["phone"] = shared["phone"]
        if ring is not None and chance(0.55, "email_word"):
            person["email"] = f"{shared['word']}{rng.randrange(1000, 99999)}@{rng.choice(pools.MAIL_DOMAINS)}"
        elif ring is not None and chance(0.3, "email_alias"):
            box = shared["mailbox"]
            dotted = ".".join(box[i : i + 3] for i in range(0, len(box), 3))
            person["email"] = f"{dotted}+{rng.choice(('jobs', 'work', 'dev', 'hr'))}@gmail.com"
        if ring is not None and chance(0.8, "resume_template"):
            person["resume_text"] = pools.OPERATOR_RESUME.format(
                name=person["full_name"],
                y=rng.randrange(6, 12),
                employer=shared["employers"][0],
                employer2=shared["employers"][1],
                school=shared["school"][0],
                bullets=shared["bullets"],
                skills=shared["skills"],
            )
        if chance(0.6, "education_abroad"):
            school = shared["school"] if ring is not None else rng.choice(pools.ABROAD_SCHOOLS)
            person["education_country"] = school[1]
        if chance(0.6, "camera"):
            person["camera_refused"] = "yes"
        if ring is not None and chance(0.45, "shared_payment"):
            person["payment_account"] = shared["account"]
            person["payment_holder"] = shared["holder"]
        elif chance(0.3, "crypto"):
            person["payment_account"] = shared["wallet"] if ring is not None else self.crypto_address()
            person["payment_holder"] = ""
        elif chance(0.25, "third_party"):
            person["payment_holder"] = farm["host"]
        if ring is not None and chance(0.2, "shared_github"):
            person["github"] = f"https://github.com/{shared['github']}"
        else:
            person["github"] = f"https://github.com/{first.lower()}{family.lower()}dev{rng.randrange(10, 99)}"
        person["department"] = "Engineering"
        person["hire_date"] = f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        if ring is not None and chance(0.7, "shared_photo"):
            profile.photo_base = shared["photo_owner"] if shared["photo_owner"] is not None else index
            shared["photo_owner"] = profile.photo_base
        for trait, p in (
            ("kst", 0.8),
            ("vpn", 0.6),
            ("slip", 0.3),
            ("long_session", 0.45),
            ("bulk_copy", 0.3),
            ("remote_tool", 0.6),
            ("ip_kvm", 0.35),
            ("shared_device", 0.25 if ring is not None else 0),
        ):
            chance(p, trait)
        profile.kind, profile.ring, profile.farm, profile.traits = "operator", ring, farm["id"], traits
        profile.office = False
        return person, profile

    def ring_shared(self, ring: int) -> dict:
        rng = self.rng
        word = rng.choice(
            (
                "devstar",
                "codemaster",
                "skyline",
                "goldenfox",
                "bluewhale",
                "silverhawk",
                "techwizard",
                "dreamcoder",
                "luckydragon",
                "nightowl",
            )
        ) + rng.choice(("", "x", "pro"))
        skills = rng.sample(pools.SKILLS, 8)
        phone = (
            f"+1 {rng.choice(('628', '341', '659'))} {rng.randrange(200, 999)} {rng.randrange(1000, 9999)}"
        )
        return {
            "word": word,
            "mailbox": f"{word}{rng.randrange(100, 999)}",
            "phone": phone,
            "account": f"US{rng.randrange(10**9, 10**10)}-{rng.randrange(100, 999)}",
            "holder": f"{rng.choice(pools.FIRST)} {rng.choice(pools.LAST)}",
            "wallet": self.crypto_address(),
            "school": rng.choice(pools.ABROAD_SCHOOLS),
            "employers": rng.sample(pools.EMPLOYERS, 2),
            "skills": ", ".join(skills),
            "bullets": ". ".join(
                b.format(
                    s1=rng.choice(skills),
                    s2=rng.choice(skills),
                    n=rng.randrange(15, 70),
                    k=rng.randrange(2, 9),
                )
                for b in rng.sample(pools.BULLETS, 6)
            ),
            "github": f"{word}-dev{ring}",
            "photo_owner": None,
        }


def make_company(n: int, seed: int = 7, *, photos: str = "files") -> Company:
    """``n`` people (at least 20): honest staff, look-alikes and operator rings. ``photos``: ``files``
    (photos drawn by ``generate.photos``) or ``hashes`` (64-bit perceptual hashes only, for big runs)."""
    if n < 20:
        raise ValueError("a company needs at least 20 people to plant operators and look-alikes")
    maker = _Maker(n, seed, photos)
    rng = maker.rng
    rings = max(1, n // 200)
    lone = max(1, n // 500)
    ring_sizes = [rng.randrange(2, 6) for _ in range(rings)]
    operators = sum(ring_sizes) + lone
    slots = rng.sample(range(6, n), operators)  # positions 0-5 are the look-alikes
    people: list[dict | None] = [None] * n
    profiles: list[Profile | None] = [None] * n
    truth = Truth()
    farms = []
    cursor = 0
    for ring, size in enumerate(ring_sizes + [1] * lone):
        is_ring = ring < rings
        city = rng.choice(pools.CITIES)
        host = f"{rng.choice(pools.FIRST)} {rng.choice(pools.LAST)}"
        farm = {
            "id": len(farms),
            "address": maker.address(city),
            "host": host,
            "city": city,
            "ip": _ip(rng, rng.choice(pools.ISPS)[2]),
        }
        farms.append(farm)
        shared = maker.ring_shared(ring)
        members = []
        for _ in range(size):
            index = slots[cursor]
            cursor += 1
            person, profile = maker.operator(index, ring if is_ring else None, farm, shared)
            people[index], profiles[index] = person, profile
            members.append(person["person_id"])
        truth.operators.extend(members)
        if is_ring:
            truth.rings.append(sorted(members))
    # Look-alikes: 0-1 a couple, 2 a traveller, 3 a night-shift worker, 4 an IT admin, 5 a plain colleague.
    city = rng.choice(pools.CITIES)
    a, pa = maker.honest(0, "couple", city)
    b, pb = maker.honest(1, "couple", city, last=a["full_name"].split(" ", 1)[1])
    b["home_address"] = a["home_address"]
    b["shipping_address"] = a["shipping_address"] = ""
    pb.home_ip, pb.isp = pa.home_ip, pa.isp
    people[0], profiles[0], people[1], profiles[1] = a, pa, b, pb
    for index, kind in ((2, "traveller"), (3, "night_shift"), (4, "admin"), (5, "honest")):
        person, profile = maker.honest(index, kind)
        if kind == "night_shift":
            person["shift"], person["department"] = "night", "Security"
        if kind == "admin":
            person["department"] = "IT Support"
        people[index], profiles[index] = person, profile
    for person in people[:6]:  # look-alikes carry only their own trait, not the honest noise
        person.update(camera_refused="no", phone_type="mobile", education_country="US", shipping_address="")
    truth.lookalikes = {
        "couple": [a["person_id"], b["person_id"]],
        "traveller": [people[2]["person_id"]],
        "night_shift": [people[3]["person_id"]],
        "admin": [people[4]["person_id"]],
    }
    for index in range(n):
        if people[index] is None:
            people[index], profiles[index] = maker.honest(index)
    return Company(people, profiles, truth, farms)
