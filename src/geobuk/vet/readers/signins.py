"""Sign-in logs: Microsoft Entra ID and Okta exports with their real field names, and a generic CSV/JSON.

Entra (Graph ``signIn`` objects, as the portal's JSON download or ``{"value": [...]}`` from the API)
and Okta System Log (an array or JSON Lines of ``LogEvent``) are read by field path, so their files
need no mapping. Only successful sign-ins are kept (Entra ``status.errorCode`` 0, Okta
``outcome.result`` SUCCESS or ALLOW): a failed attempt from abroad says something about whoever
tried, not about the person whose account it was.

The generic format is ``user, time, ip, country, asn, device_id, user_agent`` (``user`` a person_id
or an e-mail) with optional ``is_proxy``, ``session_id``, ``action`` and ``target`` (a source
repository, for copies: e.g. GitHub audit-log ``git.clone`` events), ``lat`` and ``lon``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from geobuk.errors import InputError
from geobuk.vet.countries import country_code
from geobuk.vet.mapping import SIGNINS, Mapping
from geobuk.vet.readers.base import READERS, VetReader
from geobuk.vet.readers.rows import CsvRows, JsonRows
from geobuk.vet.readers.tabular import (
    canonical,
    first_blank,
    get_path,
    looks_like_json,
    read_json_records,
    text,
)

NAMES = [*SIGNINS, "app"]
_ASN_RE = re.compile(r"(?:AS)?\s*(\d+)", re.IGNORECASE)


def parse_time(value: str) -> datetime:
    """ISO 8601 (a missing offset means UTC) or Unix seconds / milliseconds; ``ValueError`` if neither."""
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", value):
        number = float(value)
        return datetime.fromtimestamp(number / 1000 if number > 1e11 else number, UTC)
    when = datetime.fromisoformat(value)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _times(column: pa.Array, records: pa.Array, path: Path, what: str) -> pa.Array:
    try:
        return column.cast(pa.timestamp("us", tz="UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    out = []
    for i, value in enumerate(column.to_pylist()):
        try:
            out.append(parse_time(value))
        except (ValueError, OverflowError, OSError):
            raise InputError(
                path,
                f"time {value[:40]!r} is not an ISO 8601 date and time",
                index=records[i].as_py(),
                what=what,
            ) from None
    return pa.array(out, pa.timestamp("us", tz="UTC"))


def finish(table: pa.Table, path: Path, what: str) -> pa.Table:
    """Types and normal forms: UTC times, ISO country codes, bare AS numbers, proxy as a boolean."""
    records = table.column("_record")
    for name in ("user", "time"):
        blank = first_blank(table.column(name))
        if blank is not None:
            raise InputError(path, f"no {name}", index=records[blank].as_py(), what=what)
    times = _times(table.column("time").combine_chunks(), records, path, what)
    countries = {v: country_code(v) or "" for v in pc.unique(table.column("country")).to_pylist()}
    asns = {
        v: (m.group(1) if (m := _ASN_RE.fullmatch(v)) else "")
        for v in pc.unique(table.column("asn")).to_pylist()
    }
    proxy = [
        None if v == "" else v in ("true", "1", "yes", "y", "t")
        for v in pc.utf8_lower(table.column("is_proxy")).to_pylist()
    ]
    out = {name: table.column(name) for name in table.column_names}
    out["time"] = times
    out["user"] = pc.utf8_lower(table.column("user"))
    out["country"] = pa.array([countries[v] for v in table.column("country").to_pylist()], pa.string())
    out["asn"] = pa.array([asns[v] for v in table.column("asn").to_pylist()], pa.string())
    out["is_proxy"] = pa.array(proxy, pa.bool_())
    return pa.table(out)


@READERS.register
class SigninsCsv(CsvRows):
    name = "signins-csv"
    kind = "signins"
    description = "generic sign-ins CSV: user, time, ip, country, asn, device_id, user_agent"
    names = NAMES
    validate = staticmethod(finish)


@READERS.register
class SigninsJson(JsonRows):
    name = "signins-json"
    kind = "signins"
    description = "generic sign-ins as JSON records with the CSV's fields"
    sniff_order = 90
    names = NAMES
    validate = staticmethod(finish)


def _from_paths(records: list[dict], paths: dict[str, str | tuple[str, ...]], path: Path) -> pa.Table:
    """A canonical text table from records, each field the first non-empty of its JSON paths."""

    def first(record: dict, options: str | tuple[str, ...]) -> str:
        for option in (options,) if isinstance(options, str) else options:
            value = text(get_path(record, option))
            if value:
                return value
        return ""

    columns = {
        name: pa.array([first(r, paths[name]) if name in paths else "" for r in records], pa.string())
        for name in NAMES
    }
    return canonical(pa.table(columns), {n: n for n in NAMES}, NAMES, path, 1)


def _kept(records: list[dict], ok: callable) -> tuple[list[dict], list[int]]:
    kept, numbers = [], []
    for number, record in enumerate(records, start=1):
        if ok(record):
            kept.append(record)
            numbers.append(number)
    return kept, numbers


def _renumber(table: pa.Table, numbers: list[int]) -> pa.Table:
    return table.set_column(table.schema.get_field_index("_record"), "_record", pa.array(numbers, pa.int64()))


@READERS.register
class EntraSignins(VetReader):
    """Microsoft Entra ID sign-in logs (Graph ``signIn``): userPrincipalName, createdDateTime,
    ipAddress, location.countryOrRegion, deviceDetail.deviceId, clientAppUsed, userAgent..."""

    name = "entra"
    kind = "signins"
    description = "Microsoft Entra ID sign-in log export (JSON)"
    sniff_order = 10
    PATHS: dict[str, str | tuple[str, ...]] = {
        "user": "userPrincipalName",
        "time": "createdDateTime",
        "ip": "ipAddress",
        "country": "location.countryOrRegion",
        "lat": "location.geoCoordinates.latitude",
        "lon": "location.geoCoordinates.longitude",
        "device_id": "deviceDetail.deviceId",
        "user_agent": ("userAgent", "deviceDetail.browser"),
        "asn": "autonomousSystemNumber",
        "session_id": "sessionId",
        "app": ("appDisplayName", "clientAppUsed"),
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return looks_like_json(path, head) and b'"userPrincipalName"' in head and b'"createdDateTime"' in head

    def read(self, path: Path, mapping: Mapping) -> pa.Table:
        def succeeded(record: dict) -> bool:
            status = record.get("status")
            code = status.get("errorCode", 0) if isinstance(status, dict) else 0
            return str(code) in ("0", "None", "")

        kept, numbers = _kept(read_json_records(path), succeeded)
        table = _renumber(_from_paths(kept, self.PATHS, path), numbers)
        return finish(table, path, "record")


@READERS.register
class OktaSignins(VetReader):
    """Okta System Log events: actor.alternateId, published, client.ipAddress,
    client.geographicalContext.country, client.userAgent.rawUserAgent, securityContext.asNumber,
    securityContext.isProxy, authenticationContext.externalSessionId, eventType..."""

    name = "okta"
    kind = "signins"
    description = "Okta System Log export (JSON array or JSON Lines)"
    sniff_order = 10
    PATHS: dict[str, str | tuple[str, ...]] = {
        "user": "actor.alternateId",
        "time": "published",
        "ip": "client.ipAddress",
        "country": "client.geographicalContext.country",
        "lat": "client.geographicalContext.geolocation.lat",
        "lon": "client.geographicalContext.geolocation.lon",
        "device_id": ("device.id", "client.device"),
        "user_agent": "client.userAgent.rawUserAgent",
        "asn": "securityContext.asNumber",
        "is_proxy": "securityContext.isProxy",
        "session_id": "authenticationContext.externalSessionId",
        "action": "eventType",
        "app": "displayMessage",
    }

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return (
            looks_like_json(path, head)
            and b'"alternateId"' in head
            and b'"published"' in head
            and b'"eventType"' in head
        )

    def read(self, path: Path, mapping: Mapping) -> pa.Table:
        def succeeded(record: dict) -> bool:
            outcome = record.get("outcome")
            result = outcome.get("result") if isinstance(outcome, dict) else None
            return result in (None, "SUCCESS", "ALLOW")

        kept, numbers = _kept(read_json_records(path), succeeded)
        table = _renumber(_from_paths(kept, self.PATHS, path), numbers)
        # Okta's "device" is the client's device type ("Computer") when no registered device exists.
        device = table.column("device_id")
        table = table.set_column(
            table.schema.get_field_index("device_id"),
            "device_id",
            pc.if_else(pc.is_in(device, pa.array(["Computer", "Mobile", "Unknown"])), "", device),
        )
        return finish(table, path, "record")
