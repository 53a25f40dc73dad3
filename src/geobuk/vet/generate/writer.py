"""Writing a generated company to disk in the formats the readers take, with the truth beside it.

Files: ``people.csv`` (+ ``photos/``), ``signins-entra.json`` (Graph signIn objects as the Entra
portal downloads them), ``signins-okta.json`` (Okta System Log events), ``activity.csv`` (the
generic sign-in CSV, here source-code events), ``devices.csv``, ``vpn-indicators.txt`` (the demo VPN
ranges as an IOC list for ``geobuk intel import``) and ``truth.json`` (who is an operator, which
rings, which look-alikes: for tests and ``eval/vet_eval.py``, never read by vet itself).
"""

from __future__ import annotations

import csv
import json
import random
import uuid
from pathlib import Path

from geobuk.vet.countries import country_name
from geobuk.vet.generate import activity, photos
from geobuk.vet.generate.activity import Event
from geobuk.vet.generate.people import Company, make_company

PEOPLE_COLUMNS = (
    "person_id",
    "full_name",
    "email",
    "phone",
    "home_address",
    "shipping_address",
    "country",
    "timezone",
    "photo_path",
    "resume_text",
    "github",
    "payment_account",
    "hire_date",
    "camera_refused",
    "photo_hash",
    "linkedin",
    "education_country",
    "work_email",
    "phone_type",
    "payment_holder",
    "department",
    "shift",
)


def _iso(event: Event) -> str:
    return event.time.strftime("%Y-%m-%dT%H:%M:%S") + f".{event.time.microsecond // 1000:03d}Z"


def entra_record(event: Event, name: str) -> dict:
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{event.user}{event.time.isoformat()}{event.ip}")),
        "createdDateTime": event.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "userDisplayName": name,
        "userPrincipalName": event.user,
        "userId": str(uuid.uuid5(uuid.NAMESPACE_DNS, event.user)),
        "appId": "00000002-0000-0ff1-ce00-000000000000",
        "appDisplayName": "Office 365 Exchange Online",
        "ipAddress": event.ip,
        "clientAppUsed": "Browser" if not event.device else "Mobile Apps and Desktop clients",
        "userAgent": event.agent,
        "autonomousSystemNumber": event.asn,
        "correlationId": str(uuid.uuid5(uuid.NAMESPACE_OID, f"{event.user}{event.time.isoformat()}")),
        "conditionalAccessStatus": "success",
        "isInteractive": True,
        "status": {"errorCode": 50126, "failureReason": "Invalid username or password."}
        if event.failed
        else {"errorCode": 0, "failureReason": "Other.", "additionalDetails": None},
        "deviceDetail": {
            "deviceId": event.device,
            "displayName": "",
            "operatingSystem": "Windows10",
            "browser": "Chrome 124.0.0",
            "isCompliant": bool(event.device),
            "isManaged": bool(event.device),
            "trustType": "Azure AD joined" if event.device else "",
        },
        "location": {
            "city": event.city,
            "state": "",
            "countryOrRegion": event.country,
            "geoCoordinates": {"altitude": None, "latitude": event.lat, "longitude": event.lon},
        },
    }


def okta_record(event: Event, name: str) -> dict:
    sso = event.action or "user.authentication.sso"
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"okta{event.user}{event.time.isoformat()}{event.ip}")),
        "published": _iso(event),
        "eventType": sso,
        "version": "0",
        "severity": "INFO",
        "displayMessage": "User single sign on to app",
        "actor": {
            "id": "00u" + uuid.uuid5(uuid.NAMESPACE_DNS, event.user).hex[:17],
            "type": "User",
            "alternateId": event.user,
            "displayName": name,
            "detailEntry": None,
        },
        "client": {
            "userAgent": {"rawUserAgent": event.agent, "os": "Windows 10", "browser": "CHROME"},
            "zone": "null",
            "device": "Computer",
            "id": None,
            "ipAddress": event.ip,
            "geographicalContext": {
                "city": event.city,
                "state": "",
                "country": country_name(event.country),
                "postalCode": None,
                "geolocation": {"lat": event.lat, "lon": event.lon},
            },
        },
        "authenticationContext": {
            "authenticationProvider": None,
            "credentialProvider": None,
            "credentialType": None,
            "issuer": None,
            "interface": None,
            "authenticationStep": 0,
            "externalSessionId": event.session
            or "102" + uuid.uuid5(uuid.NAMESPACE_URL, f"{event.user}{event.time.date()}").hex[:20],
        },
        "outcome": {"result": "FAILURE" if event.failed else "SUCCESS", "reason": None},
        "securityContext": {
            "asNumber": event.asn,
            "asOrg": event.asorg.lower(),
            "isp": event.asorg.lower(),
            "domain": None,
            "isProxy": event.proxy,
        },
        "target": [
            {
                "id": "0oa1",
                "type": "AppInstance",
                "alternateId": "GitHub Enterprise",
                "displayName": "GitHub Enterprise",
            }
        ],
        "transaction": {"type": "WEB", "id": uuid.uuid5(uuid.NAMESPACE_OID, event.time.isoformat()).hex[:20]},
    }


def write_photos(company: Company, out: Path, seed: int) -> None:
    folder = out / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    for profile in company.profiles:
        person = company.people[profile.index]
        base = profile.photo_base if profile.photo_base is not None else profile.index
        image = photos.portrait(seed * 1_000_003 + base)
        if base != profile.index:
            image = photos.variant(image, seed + profile.index)
        name = f"{person['person_id']}.png"
        image.save(folder / name)
        person["photo_path"] = f"photos/{name}"


def photo_hashes(company: Company, seed: int) -> None:
    """Hashes instead of files (big companies): variants of a ring's photo are a few bits off."""
    rng = random.Random(seed * 31 + 1)
    base_hash: dict[int, int] = {}
    for profile in company.profiles:
        base = profile.photo_base if profile.photo_base is not None else profile.index
        if base not in base_hash:
            base_hash[base] = rng.getrandbits(64)
        value = (
            base_hash[base]
            if base == profile.index
            else photos.hash_variant(base_hash[base], seed + profile.index)
        )
        company.people[profile.index]["photo_hash"] = f"{value:016x}"


def write_people(company: Company, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=PEOPLE_COLUMNS)
        writer.writeheader()
        writer.writerows(company.people)


def generate(n: int, seed: int, out: Path, *, photo_files: bool = True) -> dict[str, Path]:
    """Write a company of ``n`` people to ``out``; return the files written by role."""
    out.mkdir(parents=True, exist_ok=True)
    company = make_company(n, seed)
    if photo_files:
        write_photos(company, out, seed)
    else:
        photo_hashes(company, seed)
    files = {
        "people": out / "people.csv",
        "entra": out / "signins-entra.json",
        "okta": out / "signins-okta.json",
        "activity": out / "activity.csv",
        "devices": out / "devices.csv",
        "indicators": out / "vpn-indicators.txt",
        "truth": out / "truth.json",
    }
    write_people(company, files["people"])
    names = {p["work_email"]: p["full_name"] for p in company.people}
    events = activity.signins(company, seed)
    files["entra"].write_text(
        json.dumps(
            [entra_record(e, names[e.user]) for e in events if e.source == "entra"], separators=(",", ":")
        ),
        encoding="utf-8",
    )
    files["okta"].write_text(
        json.dumps(
            [okta_record(e, names[e.user]) for e in events if e.source == "okta"], separators=(",", ":")
        ),
        encoding="utf-8",
    )
    with files["activity"].open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            ("user", "time", "ip", "country", "asn", "device_id", "user_agent", "action", "target")
        )
        for e in events:
            if e.source == "git":
                writer.writerow(
                    (
                        e.user,
                        e.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        e.ip,
                        e.country,
                        f"AS{e.asn}",
                        e.device,
                        e.agent,
                        e.action,
                        e.target,
                    )
                )
    with files["devices"].open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(
            stream,
            fieldnames=(
                "person_id",
                "hostname",
                "software",
                "usb_vendor_id",
                "usb_product_id",
                "usb_product",
            ),
        )
        writer.writeheader()
        writer.writerows(activity.devices(company, seed))
    files["indicators"].write_text(
        "# Demo VPN exit ranges used by the generated operators (documentation ranges, not real networks)\n"
        + "".join(f"{cidr};Astrill VPN exit (demo range)\n" for cidr in activity.VPN_RANGES),
        encoding="utf-8",
    )
    files["truth"].write_text(json.dumps(company.truth.to_dict(), indent=1), encoding="utf-8")
    return files
