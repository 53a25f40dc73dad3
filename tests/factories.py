"""Small STIX objects written for the tests."""

from __future__ import annotations

import uuid

T0 = "2024-01-01T00:00:00.000Z"


def sid(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def intrusion_set(name: str, aliases: list[str] = (), modified: str = T0, **extra) -> dict:
    obj = {"type": "intrusion-set", "spec_version": "2.1", "id": sid("intrusion-set", name),
           "created": T0, "modified": modified, "name": name, "aliases": [name, *aliases]}
    obj.update(extra)
    return obj


def malware(name: str, **extra) -> dict:
    return {"type": "malware", "spec_version": "2.1", "id": sid("malware", name), "created": T0,
            "modified": T0, "name": name, "is_family": True, **extra}


def relationship(kind: str, source: dict, target: dict) -> dict:
    return {"type": "relationship", "spec_version": "2.1",
            "id": sid("relationship", f"{source['id']}{kind}{target['id']}"), "created": T0,
            "modified": T0, "relationship_type": kind, "source_ref": source["id"],
            "target_ref": target["id"]}


def indicator(pattern: str, name: str = "ioc", **extra) -> dict:
    return {"type": "indicator", "spec_version": "2.1", "id": sid("indicator", pattern),
            "created": T0, "modified": T0, "name": name, "pattern": pattern, "pattern_type": "stix",
            "valid_from": T0, **extra}
