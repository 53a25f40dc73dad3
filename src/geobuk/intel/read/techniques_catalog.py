"""Which ATT&CK techniques exist and what they are called: shipped ids and names, plus the store's.

The package ships only ids and names (public facts) so that it works on a fresh machine; when the
user has imported ATT&CK into the store, its attack-patterns bring newer techniques and the
descriptions the semantic matcher compares sentences with, and its "uses" relationships bring
procedure examples (one sentence on how a group or malware used the technique).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

#: An ATT&CK enterprise technique id, sub-technique included.
TECHNIQUE_ID = re.compile(r"^T\d{4}(?:\.\d{3})?$")

_MARKUP = re.compile(r"\(Citation:[^)]*\)|<[^>]+>|\[([^\]]+)\]\([^)]*\)")


@dataclass(frozen=True)
class Technique:
    id: str
    name: str
    status: str = ""  # "", "deprecated" or "revoked"

    @property
    def parent(self) -> str:
        return parent_of(self.id)


@dataclass
class StoreKnowledge:
    """What a store knows about techniques beyond the shipped catalog."""

    techniques: dict[str, Technique] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    procedures: list[tuple[str, str]] = field(default_factory=list)  # (technique id, example)
    fingerprint: str = ""


def parent_of(technique_id: str) -> str:
    return technique_id.split(".", 1)[0]


@lru_cache(maxsize=1)
def shipped_catalog() -> dict[str, Technique]:
    """ATT&CK Enterprise ids and names, revoked and deprecated ones included (old reports cite them)."""
    path = resources.files("geobuk.intel.read").joinpath("data/techniques_catalog.tsv")
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {r["id"]: Technique(r["id"], r["name"], r["status"] or "") for r in rows}


def attack_id(obj: dict) -> str | None:
    """The ATT&CK id of an attack-pattern, from its mitre-attack external reference."""
    for ref in obj.get("external_references") or ():
        tid = ref.get("external_id", "")
        if ref.get("source_name") == "mitre-attack" and TECHNIQUE_ID.match(tid):
            return tid
    return None


def clean_markup(text: str) -> str:
    """ATT&CK text without citations, HTML tags and Markdown links (whose label is kept)."""
    return " ".join(_MARKUP.sub(lambda m: m.group(1) or "", text).split())


def store_fingerprint(store) -> str:
    """Changes whenever the store's attack-patterns or relationships change, to key caches on."""
    row = store.con.execute(
        "SELECT count(*), max(modified) FROM objects WHERE type IN ('attack-pattern', 'relationship')"
    ).fetchone()
    return f"{store.path.resolve()}|{row[0]}|{row[1]}"


_KNOWLEDGE: dict[str, StoreKnowledge] = {}


def store_knowledge(store) -> StoreKnowledge:
    """The store's techniques, descriptions and procedure examples (read once per store version)."""
    key = store_fingerprint(store)
    if key in _KNOWLEDGE:
        return _KNOWLEDGE[key]
    know = StoreKnowledge(fingerprint=key)
    by_stix_id: dict[str, str] = {}
    for obj in store.objects(["attack-pattern"]):
        tid = attack_id(obj)
        if tid is None:
            continue
        by_stix_id[obj["id"]] = tid
        status = "revoked" if obj.get("revoked") else "deprecated" if obj.get("x_mitre_deprecated") else ""
        know.techniques[tid] = Technique(tid, obj.get("name") or tid, status)
        if obj.get("description") and not status:
            know.descriptions[tid] = clean_markup(obj["description"])
    for obj in store.objects(["relationship"]):
        tid = by_stix_id.get(obj.get("target_ref", ""))
        if tid and obj.get("relationship_type") == "uses" and obj.get("description") \
                and not know.techniques[tid].status:
            know.procedures.append((tid, clean_markup(obj["description"])))
    know.procedures.sort()
    _KNOWLEDGE.clear()  # one store at a time is the normal case; do not grow without bound
    _KNOWLEDGE[key] = know
    return know
