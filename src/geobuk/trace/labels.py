"""Everything the store knows about crypto addresses, by address: labels, actors, sources.

Two kinds of objects carry address knowledge (see ``builtin``): indicators (OFAC SDN, TagPacks with
abuse or actor, the built-in DPRK set, any other feed's crypto indicators) and
``x-geobuk-address-label`` objects for services. Both are read once per command into a dict; a few
thousand addresses, so a dict lookup beats a join per address.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from geobuk.intel import observables as obs
from geobuk.intel.store import Store
from geobuk.trace.builtin import LABEL_TYPE

#: Labels that mean the address itself is a risk: exposure is measured from these.
RISK_LABELS = frozenset({"theft", "sanctioned", "mixer", "ransomware", "scam", "tagged", "indicator"})
#: Labels of services where a trace stops: value reaching them is pooled with everyone else's.
STOP_LABELS = frozenset({"exchange", "mixer", "bridge", "dex", "service"})


@dataclass
class AddressLabel:
    """What is known of one address, merged over every source."""

    address: str
    chain: str
    labels: list[str] = field(default_factory=list)
    actors: dict[str, str] = field(default_factory=dict)  # id -> name
    sources: list[dict] = field(default_factory=list)  # {name, url?, provenance}
    services: list[str] = field(default_factory=list)

    @property
    def risky(self) -> bool:
        return bool(RISK_LABELS.intersection(self.labels)) or bool(self.actors)

    @property
    def stop(self) -> bool:
        return bool(STOP_LABELS.intersection(self.labels))

    def add(self, doc: dict) -> None:
        for label in doc.get("labels") or (["indicator"] if doc.get("type") == "indicator" else []):
            if label not in self.labels:
                self.labels.append(label)
        info = doc.get("x_geobuk_address") or {}
        service = info.get("service")
        if service and service not in self.services:
            self.services.append(service)
        provenance = info.get("provenance") or doc.get("type")
        for ref in doc.get("external_references") or []:
            entry = {"name": ref.get("source_name", ""), "provenance": provenance}
            if ref.get("url"):
                entry["url"] = ref["url"]
            if entry not in self.sources:
                self.sources.append(entry)

    def name(self) -> str:
        return ", ".join(self.services) or ", ".join(self.actors.values()) or ", ".join(self.labels)


def load_labels(store: Store) -> dict[str, AddressLabel]:
    """Every labelled crypto address of the store, by canonical address."""
    con = store.con
    kinds = list(obs.CRYPTO_KINDS)
    rows = con.execute(
        """
        SELECT iv.value, iv.kind, o.doc FROM indicator_values iv
        JOIN current_objects o ON o.id = iv.indicator_id
        WHERE iv.kind IN (SELECT unnest(?))
        UNION ALL
        SELECT o.doc->>'$.x_geobuk_observable.value', o.doc->>'$.x_geobuk_observable.type', o.doc
        FROM current_objects o WHERE o.type = ? AND NOT o.revoked
    """,
        [kinds, LABEL_TYPE],
    ).fetchall()
    actor_rows = con.execute(
        """
        SELECT r.source_ref, r.target_ref FROM relationships r
        JOIN indicator_values iv ON iv.indicator_id = r.source_ref
        WHERE r.relationship_type = 'indicates' AND iv.kind IN (SELECT unnest(?))
    """,
        [kinds],
    ).fetchall()
    actors_of: dict[str, list[str]] = {}
    for source, target in actor_rows:
        actors_of.setdefault(source, []).append(target)
    names = {
        oid: doc.get("name", oid)
        for oid, doc in store.get_many({t for ts in actors_of.values() for t in ts}).items()
    }
    labels: dict[str, AddressLabel] = {}
    for value, kind, doc_text in rows:
        if not value or kind not in obs.CHAIN_OF_KIND:
            continue
        doc = orjson.loads(doc_text)
        entry = labels.setdefault(value, AddressLabel(value, obs.CHAIN_OF_KIND[kind]))
        entry.add(doc)
        for actor_id in actors_of.get(doc["id"], []):
            entry.actors.setdefault(actor_id, names.get(actor_id, actor_id))
    return labels
