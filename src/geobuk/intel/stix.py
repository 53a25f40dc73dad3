"""STIX objects as geobuk accepts them: checked cheaply, and upgraded from 2.0 to 2.1.

Full validation with ``stix2`` costs milliseconds an object; an ATT&CK bundle has ~20,000 of them.
The store needs only what it indexes and what STIX 2.1 requires of each type, so this module checks
exactly that, fast, and leaves deep validation to the tests and to ``stix2-validator``.
"""

from __future__ import annotations

import re
from datetime import datetime

_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
_ID_RE = re.compile(
    r"^([a-z0-9][a-z0-9-]*[a-z0-9])--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")

#: Cyber-observable types (SCOs) have no created/modified.
SCO_TYPES = frozenset({
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
    "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process", "software",
    "url", "user-account", "windows-registry-key", "x509-certificate",
})
META_TYPES = frozenset({"marking-definition", "language-content", "extension-definition"})

#: Properties STIX 2.1 requires per type, beyond the common ones.
REQUIRED: dict[str, tuple[str, ...]] = {
    "attack-pattern": ("name",),
    "campaign": ("name",),
    "course-of-action": ("name",),
    "grouping": ("context", "object_refs"),
    "identity": ("name",),
    "indicator": ("pattern", "pattern_type", "valid_from"),
    "infrastructure": ("name",),
    "intrusion-set": ("name",),
    "malware": ("is_family",),
    "malware-analysis": ("product",),
    "note": ("content", "object_refs"),
    "observed-data": ("first_observed", "last_observed", "number_observed"),
    "opinion": ("opinion", "object_refs"),
    "report": ("name", "published", "object_refs"),
    "threat-actor": ("name",),
    "tool": ("name",),
    "vulnerability": ("name",),
    "relationship": ("relationship_type", "source_ref", "target_ref"),
    "sighting": ("sighting_of_ref",),
}

# STIX 2.0 "labels" became a typed open vocabulary property in 2.1.
_LABELS_TO = {
    "malware": "malware_types", "tool": "tool_types", "indicator": "indicator_types",
    "threat-actor": "threat_actor_types", "report": "report_types",
}


class StixProblem(ValueError):
    """What is wrong with one object, phrased for a one-line error."""


def parse_timestamp(value: object, prop: str) -> datetime:
    """A STIX timestamp as a naive ``datetime`` in UTC (STIX timestamps are always UTC)."""
    # fromisoformat is fast but lenient (dates alone, offsets): the shape checks keep STIX's form.
    if not (isinstance(value, str) and len(value) >= 20 and value[10] == "T" and value[-1] == "Z"):
        raise StixProblem(f"{prop} is not a STIX timestamp: {value!r}")
    if len(value) > 27:  # more than microseconds (STIX allows any precision): keep microseconds
        if not _TS_RE.match(value):
            raise StixProblem(f"{prop} is not a STIX timestamp: {value!r}")
        value = value[:26] + "Z"
    try:
        return datetime.fromisoformat(value[:-1])  # naive, always UTC: cheaper for Arrow and DuckDB
    except ValueError:
        raise StixProblem(f"{prop} is not a valid date: {value!r}") from None


def upgrade_to_21(obj: dict) -> dict:
    """A STIX 2.0 object as 2.1 (a new dict; 2.1 objects are returned unchanged)."""
    if obj.get("spec_version") == "2.1":
        return obj
    out = dict(obj)
    out["spec_version"] = "2.1"
    kind = out.get("type")
    target = _LABELS_TO.get(kind)
    if target and "labels" in out and target not in out:
        out[target] = out.pop("labels")
    if kind == "malware":
        out.setdefault("is_family", True)
    elif kind == "indicator":
        out.setdefault("pattern_type", "stix")
    return out


def check(obj: object) -> tuple[str, str, datetime]:
    """Raise ``StixProblem`` unless ``obj`` is a usable STIX 2.1 object; return (id, type, modified)."""
    if not isinstance(obj, dict):
        raise StixProblem("not a JSON object")
    kind = obj.get("type")
    if kind not in REQUIRED and (not isinstance(kind, str) or not _TYPE_RE.match(kind)):
        raise StixProblem(f"bad or missing type: {kind!r}")
    oid = obj.get("id")
    m = _ID_RE.match(oid) if isinstance(oid, str) else None
    if not m or m.group(1) != kind:
        raise StixProblem(f"{kind} has a bad id: {oid!r}")
    if obj.get("spec_version") not in ("2.1", None) and kind not in SCO_TYPES:
        raise StixProblem(f"{oid}: unsupported spec_version {obj.get('spec_version')!r}")
    for prop in REQUIRED.get(kind, ()):
        if obj.get(prop) in (None, "", []) and not (prop == "is_family" and obj.get(prop) is False):
            raise StixProblem(f"{oid}: {kind} is missing required property {prop!r}")
    if kind == "malware" and obj.get("is_family") and not obj.get("name"):
        raise StixProblem(f"{oid}: a malware family needs a name")
    if kind == "relationship":
        for prop in ("source_ref", "target_ref"):
            ref = obj[prop]
            if not (isinstance(ref, str) and len(ref) > 38 and ref[-38:-36] == "--"):
                raise StixProblem(f"{oid}: {prop} is not a STIX id: {ref!r}")
    if kind in SCO_TYPES:
        return oid, kind, datetime(1970, 1, 1)
    created = parse_timestamp(obj.get("created"), "created")
    modified = parse_timestamp(obj.get("modified", obj.get("created")), "modified")
    if modified < created:
        raise StixProblem(f"{oid}: modified is earlier than created")
    return oid, kind, modified
