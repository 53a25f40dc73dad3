"""Actor cards: everything the store knows of one actor, gathered from its relationships."""

from __future__ import annotations

from difflib import get_close_matches

from geobuk.intel.names import ACTOR_TYPES, alias_vendors, normalize_name
from geobuk.intel.store import Store


def attack_id(obj: dict) -> str | None:
    for ref in obj.get("external_references") or []:
        if ref.get("source_name") in ("mitre-attack", "mitre-mobile-attack") and ref.get("external_id"):
            return ref["external_id"]
    return None


def closest_names(store: Store, name: str, n: int = 5) -> list[str]:
    """Known actor names nearest to ``name``, for a helpful "did you mean"."""
    names = store.all_names(ACTOR_TYPES)
    by_norm = {normalize_name(x): x for x in names}
    near = get_close_matches(normalize_name(name), list(by_norm), n=n, cutoff=0.5)
    return [by_norm[x] for x in near]


def _ref(obj: dict) -> dict:
    out = {"id": obj["id"], "name": obj.get("name") or obj["id"]}
    if aid := attack_id(obj):
        out["attack_id"] = aid
    return out


def actor_card(store: Store, actor_id: str) -> dict:
    """The actor's names (who uses which), attribution, tooling, techniques, victims and sources."""
    actor = store.get(actor_id)
    if actor is None:
        raise KeyError(actor_id)
    out_rels = store.relationships(source=actor_id)
    in_rels = store.relationships(target=actor_id)
    related = store.get_many([r[3] for r in out_rels] + [r[2] for r in in_rels])

    vendors = alias_vendors(actor)
    aliases: dict[str, dict] = {}
    for match in store.lookup_names_of(actor_id):
        entry = aliases.setdefault(normalize_name(match.name), {
            "name": match.name, "kind": match.kind, "by": sorted(set(vendors.get(match.name, []))),
            "sources": []})
        for src in match.sources:
            if src not in entry["sources"]:
                entry["sources"].append(src)

    card: dict = {
        "id": actor_id, "type": actor["type"], "name": actor.get("name"),
        "attack_id": attack_id(actor), "description": actor.get("description", ""),
        "aliases": sorted(aliases.values(), key=lambda a: (a["kind"] != "name", a["name"].casefold())),
        "attributed_to": [], "malware": [], "tools": [], "techniques": [], "sectors": [],
        "countries": [], "campaigns": [], "related": [], "indicators": 0,
        "sources": [r.get("url") for r in actor.get("external_references") or [] if r.get("url")],
    }
    for rid, rtype, _, target in out_rels:
        obj = related.get(target)
        if obj is None:
            continue
        kind = obj["type"]
        if rtype == "attributed-to":
            card["attributed_to"].append(_ref(obj))
        elif rtype == "uses" and kind == "malware":
            card["malware"].append(_ref(obj))
        elif rtype == "uses" and kind == "tool":
            card["tools"].append(_ref(obj))
        elif rtype == "uses" and kind == "attack-pattern":
            card["techniques"].append(_ref(obj))
        elif rtype == "targets" and kind == "location":
            card["countries"].append(obj.get("country") or obj.get("name"))
        elif rtype == "targets" and kind == "identity":
            card["sectors"].extend(obj.get("sectors") or [obj.get("name")])
        elif rtype == "related-to":
            card["related"].append(_ref(obj) | {"relationship": rid})
    for rid, rtype, source, _ in in_rels:
        obj = related.get(source)
        if obj is None:
            continue
        if rtype == "attributed-to" and obj["type"] == "campaign":
            card["campaigns"].append(_ref(obj) | {"first_seen": obj.get("first_seen")})
        elif rtype == "indicates":
            card["indicators"] += 1
        elif rtype == "related-to":
            card["related"].append(_ref(obj) | {"relationship": rid})
    for key in ("malware", "tools", "techniques", "campaigns", "related", "attributed_to"):
        card[key] = sorted({x["id"]: x for x in card[key]}.values(),
                           key=lambda x: (x.get("attack_id") or "", x["name"]))
    card["sectors"] = sorted(set(filter(None, card["sectors"])))
    card["countries"] = sorted(set(filter(None, card["countries"])))
    return card
