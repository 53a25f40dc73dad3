"""Which DPRK actor a finding points to, using the intel store's names.

A rule names its actor in its ``actor`` attribute (geobuk's own rules) or through an ATT&CK group
tag (``attack.g0138``, as SigmaHQ tags do); an indicator points to the actors it ``indicates`` in the
intel store. Everything is resolved once before the hunt, to the actor's canonical name.
"""

from __future__ import annotations

from geobuk.detect.hunt import Attribution
from geobuk.detect.ir import CompiledRule, Correlation
from geobuk.intel.store import Store


def attribution_from_store(store: Store) -> Attribution:
    names: dict[str, str | None] = {}

    def canonical(name: str) -> str | None:
        if name not in names:
            actor_id = store.resolve(name)
            actor = store.get(actor_id) if actor_id else None
            names[name] = actor.get("name") if actor else None
        return names[name]

    def rule_actor(rule: CompiledRule | Correlation) -> str | None:
        extra = getattr(rule, "extra", None) or {}
        if extra.get("actor"):
            found = canonical(str(extra["actor"]))
            if found:
                return found
        for tag in rule.tags:
            if tag.lower().startswith("attack.g"):
                found = canonical(tag.split(".", 1)[1].upper())
                if found:
                    return found
        return None

    rows = store.con.execute("""
        SELECT r.source_ref, o.name FROM relationships r JOIN objects o ON o.id = r.target_ref
        WHERE r.relationship_type = 'indicates' AND o.type IN ('intrusion-set', 'threat-actor')
        ORDER BY r.source_ref, o.name
    """).fetchall()
    indicator_actor: dict[str, str] = {}
    for indicator_id, name in rows:
        indicator_actor.setdefault(indicator_id, name)
    return Attribution(rule_actor=rule_actor, indicator_actor=indicator_actor)
