"""Deterministic STIX identifiers and timestamps.

Objects geobuk derives from non-STIX input (a MISP cluster, a line of an IOC list, the built-in
pack) get a UUIDv5 from what they are, so importing the same input twice yields the same ids and
changes nothing in the store.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

GEOBUK_NAMESPACE = uuid.UUID("6d2f0c1e-6b1a-5c3e-9f43-67656f62756b")


def stable_id(stix_type: str, *key: str) -> str:
    """``stix_type--uuid5`` from ``key``: the same key always gives the same id."""
    name = "\x1f".join((stix_type, *key))
    return f"{stix_type}--{uuid.uuid5(GEOBUK_NAMESPACE, name)}"


def stix_timestamp(value: datetime | None = None) -> str:
    """A STIX timestamp (UTC, millisecond precision, ``Z``)."""
    value = (value or datetime.now(UTC)).astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
