"""Names of things and how they are matched: "Onyx Sleet", "onyx-sleet" and "ONYXSLEET" are one name.

Every name an object is known by is recorded with its kind, because names are contested: an
``alias`` names this very object; an ``overlap`` is a name some vendors use for a sub-group or an
overlapping cluster (Andariel is a group of its own for most, a Lazarus sub-group for others).
Resolution prefers a primary name over an alias over an overlap, and reports a tie as ambiguous
instead of picking one silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NAMED_TYPES = ("intrusion-set", "threat-actor", "campaign", "malware", "tool", "attack-pattern",
               "identity")
ACTOR_TYPES = ("intrusion-set", "threat-actor")
KIND_RANK = {"name": 0, "alias": 1, "overlap": 2}

_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def normalize_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key of a name."""
    folded = name.casefold()
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return _NON_ALNUM.sub("", folded)


@dataclass(frozen=True)
class AliasClaim:
    """``alias`` names the actor ``actor_id``, according to ``source`` (e.g. "misp-galaxy")."""

    actor_id: str
    alias: str
    source: str


@dataclass(frozen=True)
class NameRow:
    object_id: str
    object_type: str
    name: str
    norm: str
    kind: str
    source: str


def names_of(obj: dict) -> list[NameRow]:
    """Every name a STIX object is known by, with its kind and who uses it."""
    oid, kind = obj["id"], obj["type"]
    rows: dict[str, NameRow] = {}

    def add(name: object, name_kind: str, source: str) -> None:
        if not isinstance(name, str) or not name.strip():
            return
        norm = normalize_name(name)
        if not norm:
            return
        old = rows.get(norm)
        if old is None or KIND_RANK[name_kind] < KIND_RANK[old.kind]:
            rows[norm] = NameRow(oid, kind, name.strip(), norm, name_kind, source)

    add(obj.get("name"), "name", "stix")
    curated = obj.get("x_geobuk_aliases") or []
    curated_norms = {normalize_name(a.get("name", "")) for a in curated if isinstance(a, dict)}
    for alias in obj.get("aliases") or []:
        if normalize_name(alias) not in curated_norms:
            add(alias, "alias", "stix")
    for entry in obj.get("x_mitre_aliases") or []:
        add(entry, "alias", "stix")
    for entry in curated:
        if isinstance(entry, dict):
            by = ",".join(entry.get("by") or []) or "stix"
            add(entry.get("name"), "overlap" if entry.get("kind") == "overlap" else "alias", by)
    for ref in obj.get("external_references") or []:  # "G0138", "T1059.001", "S0433" name objects too
        if ref.get("source_name") == "mitre-attack" and ref.get("external_id"):
            add(ref["external_id"], "alias", "mitre-attack")
    return list(rows.values())


_CITATION = re.compile(r"\(Citation:\s*([^)]+)\)")


def alias_vendors(obj: dict) -> dict[str, list[str]]:
    """Who uses each alias, as far as the object says (``x_geobuk_aliases`` or ATT&CK citations)."""
    out: dict[str, list[str]] = {}
    for entry in obj.get("x_geobuk_aliases") or []:
        if isinstance(entry, dict) and entry.get("name"):
            out.setdefault(entry["name"], []).extend(entry.get("by") or [])
    aliases = {normalize_name(a): a for a in obj.get("aliases") or []}
    for ref in obj.get("external_references") or []:
        alias = aliases.get(normalize_name(ref.get("source_name", "")))
        cited = _CITATION.findall(ref.get("description") or "")
        if alias and cited:
            vendor = cited[0].split()[0]
            if vendor not in out.setdefault(alias, []):
                out[alias].append(vendor)
    return out
