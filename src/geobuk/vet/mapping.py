"""Which column of an input file holds which field: sensible defaults, renamed by a mapping file.

Every reader produces the same canonical columns (``PEOPLE``, ``SIGNINS``, ``DEVICES``). A file's own
headers are matched against each canonical name's usual spellings, ignoring case, spaces, dashes and
underscores (``Employee ID`` is ``person_id``); a mapping file (YAML or JSON) names the column to use
where the defaults do not fit::

    people:
      person_id: EmpNo
      full_name: Legal Name
    signins:
      user: login
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from geobuk.errors import InputError
from geobuk.vet.settings_file import read_settings

PEOPLE: dict[str, tuple[str, ...]] = {
    "person_id": ("person_id", "employee_id", "applicant_id", "candidate_id", "worker_id", "id"),
    "full_name": ("full_name", "name", "legal_name", "display_name"),
    "email": ("email", "personal_email", "email_address", "e_mail"),
    "work_email": ("work_email", "upn", "user_principal_name", "corporate_email", "login"),
    "phone": ("phone", "phone_number", "mobile", "telephone", "phones"),
    "phone_type": ("phone_type", "line_type", "phone_line_type"),
    "home_address": ("home_address", "address", "residential_address"),
    "shipping_address": ("shipping_address", "laptop_shipping_address", "delivery_address", "ship_to"),
    "country": ("country", "home_country", "country_code"),
    "timezone": ("timezone", "time_zone", "tz"),
    "photo_path": ("photo_path", "photo", "picture", "photo_file"),
    "photo_hash": ("photo_hash", "phash", "photo_phash"),
    "resume_text": ("resume_text", "resume", "cv", "cv_text"),
    "github": ("github", "github_username", "github_url"),
    "linkedin": ("linkedin", "linkedin_url"),
    "payment_account": ("payment_account", "bank_account", "payout_account", "iban", "wallet"),
    "payment_holder": ("payment_holder", "account_holder", "account_name"),
    "education_country": ("education_country", "school_country", "university_country"),
    "hire_date": ("hire_date", "start_date", "applied_date"),
    "camera_refused": ("camera_refused", "refused_camera", "no_camera"),
    "department": ("department", "team", "role"),
    "shift": ("shift", "work_shift"),
}
SIGNINS: dict[str, tuple[str, ...]] = {
    "user": ("user", "username", "user_name", "account", "login", "email", "person_id"),
    "time": ("time", "timestamp", "datetime", "date", "created", "event_time"),
    "ip": ("ip", "ip_address", "source_ip", "client_ip", "src_ip"),
    "country": ("country", "country_code", "geo_country"),
    "asn": ("asn", "as_number", "autonomous_system"),
    "device_id": ("device_id", "device", "machine_id"),
    "user_agent": ("user_agent", "useragent", "ua"),
    "is_proxy": ("is_proxy", "proxy", "vpn"),
    "session_id": ("session_id", "session"),
    "action": ("action", "event", "event_type", "operation"),
    "target": ("target", "repository", "repo", "resource"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "longitude"),
}
DEVICES: dict[str, tuple[str, ...]] = {
    "person_id": ("person_id", "employee_id", "user", "owner", "assigned_to"),
    "hostname": ("hostname", "host", "computer_name", "device_name"),
    "software": ("software", "installed_software", "applications", "apps"),
    "usb_vendor_id": ("usb_vendor_id", "vendor_id", "vid"),
    "usb_product_id": ("usb_product_id", "product_id", "pid"),
    "usb_product": ("usb_product", "usb_device", "usb_description", "device_description"),
}
CANONICAL = {"people": PEOPLE, "signins": SIGNINS, "devices": DEVICES}
REQUIRED = {"people": ("person_id",), "signins": ("user", "time"), "devices": ("person_id",)}


def squash(name: str) -> str:
    """A header as compared: lower case, letters and digits only (``Employee ID`` -> ``employeeid``)."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


@dataclass
class Mapping:
    """Column renames per input kind (canonical name -> the file's column name)."""

    renames: dict[str, dict[str, str]] = field(default_factory=dict)

    def columns(self, kind: str, header: list[str], path: Path | str) -> dict[str, str]:
        """Canonical name -> the header column holding it; ``InputError`` if a required one is missing."""
        canonical = CANONICAL[kind]
        by_squash: dict[str, str] = {}
        for column in header:
            by_squash.setdefault(squash(column), column)
        found: dict[str, str] = {}
        renamed = self.renames.get(kind, {})
        for name, source in renamed.items():
            if source not in header:
                raise InputError(
                    path,
                    f"the mapping names column {source!r} for {name}, but the file has "
                    f"no such column (it has: {', '.join(header)})",
                )
            found[name] = source
        taken = set(found.values())
        for name, aliases in canonical.items():
            if name in found:
                continue
            for alias in aliases:
                column = by_squash.get(squash(alias))
                if column is not None and column not in taken:
                    found[name] = column
                    taken.add(column)
                    break
        for name in REQUIRED[kind]:
            if name not in found:
                raise InputError(
                    path,
                    f"no {name} column (looked for {', '.join(canonical[name])}; a mapping file can name it)",
                )
        return found


def load_mapping(path: Path | None) -> Mapping:
    """The mapping file at ``path`` (or no renames); ``InputError`` for unknown kinds or fields."""
    if path is None:
        return Mapping()
    data = read_settings(path, "mapping", "input kinds (people, signins, devices)")
    renames: dict[str, dict[str, str]] = {}
    for kind, columns in data.items():
        if kind not in CANONICAL:
            raise InputError(path, f"unknown input kind {kind!r} (known: {', '.join(CANONICAL)})")
        if not isinstance(columns, dict):
            raise InputError(path, f"{kind}: expected field: column pairs")
        for name, column in columns.items():
            if name not in CANONICAL[kind]:
                raise InputError(
                    path, f"{kind}: unknown field {name!r} (known: {', '.join(CANONICAL[kind])})"
                )
            if not isinstance(column, str) or not column:
                raise InputError(path, f"{kind}.{name}: expected a column name")
        renames[kind] = {str(k): str(v) for k, v in columns.items()}
    return Mapping(renames)
