"""geobuk's own address set (``trace/data/*.yaml``) compiled to STIX and loaded into the store.

Design: an address that is evidence against someone (attributed to a DPRK actor by the FBI, a mixer
sanctioned for laundering) is an ``indicator`` with ``x_geobuk_observable``, so the hunt stage matches it
in logs like any other indicator, linked by ``indicates`` to the actor. A service address (bridge, DEX,
exchange wallet) is an ``x-geobuk-address-label`` object: screening and tracing read it, hunting never
does, since a wallet paying an exchange is not a finding. The same two shapes come from the TagPack
importer, so every source of address knowledge looks alike to this stage.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files

import orjson
import yaml

from geobuk.intel.ids import stable_id
from geobuk.intel.importers.ofac_addresses import address_indicator, check_address
from geobuk.intel.store import Store

DATA = files("geobuk.trace") / "data"
META_KEY = "trace_addresses_version"
LABEL_TYPE = "x-geobuk-address-label"
RISKY_SERVICES = frozenset({"mixer"})


class DataError(ValueError):
    """The built-in YAML is inconsistent: a bug caught by the tests, never shipped."""


def _read(name: str) -> dict:
    with (DATA / name).open("rb") as fh:
        return yaml.safe_load(fh)


def _refs(sources: dict, keys: list[str], where: str) -> list[dict]:
    refs = []
    for key in keys:
        if key not in sources or not str(sources[key].get("url", "")).startswith("https://"):
            raise DataError(f"{where}: unknown source {key!r} or source without an https url")
        refs.append({"source_name": sources[key]["name"], "url": sources[key]["url"]})
    if not refs:
        raise DataError(f"{where}: cites no source")
    return refs


def compile_objects(resolve: Callable[[str], str | None]) -> tuple[list[dict], list[str]]:
    """STIX objects of the built-in set; ``resolve`` maps an actor name to its id (or None)."""
    dprk = _read("dprk_addresses.yaml")
    services = _read("services.yaml")
    released = dprk["released"]
    objects: dict[str, dict] = {}
    warnings: list[str] = []
    for incident in dprk["incidents"]:
        where = incident["name"]
        refs = _refs(dprk["sources"], incident["sources"], where)
        actor_id = resolve(incident["actor"])
        if actor_id is None:
            warnings.append(
                f"{where}: actor {incident['actor']!r} is not in the store; addresses kept unlinked"
            )
        for entry in incident["addresses"]:
            checked = check_address(entry["asset"], entry["address"])
            note = f" ({entry['note']})" if entry.get("note") else ""
            obj = address_indicator(
                key=("geobuk-trace", entry["asset"]),
                checked=checked,
                asset=entry["asset"],
                timestamp=released,
                labels=["theft"],
                indicator_types=["malicious-activity", "attribution"],
                description=f"{where}{note}: attributed to {incident['actor']}.",
                references=refs,
                provenance="geobuk DPRK set",
                extra={"incident": where, "actor": incident["actor"]},
            )
            objects[obj["id"]] = obj
            if actor_id:
                rel_id = stable_id("relationship", "indicates", obj["id"], actor_id)
                objects[rel_id] = {
                    "type": "relationship",
                    "spec_version": "2.1",
                    "id": rel_id,
                    "created": released,
                    "modified": released,
                    "relationship_type": "indicates",
                    "source_ref": obj["id"],
                    "target_ref": actor_id,
                    "external_references": refs,
                }
    for service in services["services"]:
        where = service["name"]
        refs = _refs(services["sources"], service["sources"], where)
        for entry in service["addresses"]:
            checked = check_address(entry["asset"], entry["address"])
            note = f" {entry['note']}" if entry.get("note") else ""
            if service["category"] in RISKY_SERVICES:
                obj = address_indicator(
                    key=("geobuk-trace", entry["asset"]),
                    checked=checked,
                    asset=entry["asset"],
                    timestamp=released,
                    labels=[service["category"]],
                    indicator_types=["anonymization"],
                    description=f"{where}{note}.",
                    references=refs,
                    provenance="geobuk service labels",
                    extra={"service": where},
                )
            else:
                obj = {
                    "type": LABEL_TYPE,
                    "spec_version": "2.1",
                    "id": stable_id(LABEL_TYPE, "geobuk-trace", entry["asset"], checked.kind, checked.value),
                    "created": released,
                    "modified": released,
                    "name": f"{where}{note}",
                    "description": f"{where}{note} ({service['category']}).",
                    "labels": [service["category"]],
                    "value": checked.value,
                    "x_geobuk_observable": {"type": checked.kind, "value": checked.value},
                    "x_geobuk_address": {
                        "chain": checked.chain,
                        "asset": entry["asset"],
                        "provenance": "geobuk service labels",
                        "service": where,
                    },
                    "external_references": refs,
                }
            objects[obj["id"]] = obj
    ordered = sorted(objects.values(), key=lambda o: (o["type"] == "relationship", o["id"]))
    return ordered, warnings


def data_version() -> str:
    return str(_read("dprk_addresses.yaml")["version"])


def ensure_builtin_addresses(store: Store) -> list[str]:
    """Load the built-in set unless this version is already in the store; return warnings."""
    version = data_version()
    if store.meta(META_KEY) == version:
        return []
    objects, warnings = compile_objects(store.resolve)
    with store.transaction():
        store.add_objects(orjson.loads(orjson.dumps(objects)), source=f"geobuk-trace {version}")
        store.set_meta(META_KEY, version)
    return warnings
