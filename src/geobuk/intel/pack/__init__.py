"""The built-in DPRK knowledge pack: hand-written YAML compiled into STIX 2.1 objects.

The pack is YAML, not STIX JSON, because people review and extend it by hand and every fact must sit
next to its public source. The compiler adds what nobody should type (ids, timestamps, relationship
objects, external references) and refuses a pack whose references dangle, whose facts are unsourced
or whose aliases contradict each other, so a broken edit fails the tests instead of reaching a store.

Objects that exist in MITRE ATT&CK keep ATT&CK's STIX id and ``created``, so importing ATT&CK later
updates them instead of duplicating them; everything else gets a ``stable_id`` from its YAML key.
The output is deterministic: the same pack files always give the same objects, in the same order.

``load_pack()`` runs on every ``geobuk demo``: the compiled pack is cached as JSON bytes and each call
decodes fresh dicts, so callers may mutate what they get without corrupting the cache.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import orjson
import yaml

from geobuk.intel.ids import stable_id

__all__ = ["PACK_RELEASED", "PACK_VERSION", "PackError", "compile_pack", "load_pack", "pack_bundle"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PACK_DIR = files(__name__)
_HEADER_FILE = "dprk.yaml"

_VERSION_RE = re.compile(r"^\d{4}\.\d{2}\.\d+$")
_TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_STIX_ID_RE = re.compile(r"^([a-z0-9-]+)--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ATTACK_PATHS = {"G": "groups", "S": "software", "C": "campaigns", "T": "techniques"}
_ATTACK_URL = "https://attack.mitre.org"

# Section name -> STIX type of its objects, in the order objects are emitted.
_OBJECT_SECTIONS = {
    "organisations": "identity", "threat_actors": "threat-actor", "intrusion_sets": "intrusion-set",
    "campaigns": "campaign", "malware": "malware", "techniques": "attack-pattern", "sectors": "identity",
    "countries": "location", "notes": "note",
}
_SECTIONS = {"pack", "vendors", "sources", "defaults", "related", *_OBJECT_SECTIONS}
# What a `uses:` / `targets:` group may list, and the section its keys live in.
_GROUP_KINDS = {
    "uses": {"malware": "malware", "techniques": "techniques"},
    "targets": {"sectors": "sectors", "countries": "countries"},
}
# Which STIX types an `attributed_to` may point to, per source type (STIX 2.1 relationship table).
_ATTRIBUTABLE = {
    "threat-actor": {"identity"},
    "intrusion-set": {"threat-actor"},
    "campaign": {"intrusion-set", "threat-actor"},
}
_ACTOR_SECTIONS = ("threat_actors", "intrusion_sets")


class PackError(ValueError):
    """The pack's YAML is inconsistent: a bug in the pack, reported before any object is emitted."""


def _read_yaml(entry: Traversable) -> dict:
    with entry.open("rb") as fh:
        data = yaml.load(fh, Loader=_LOADER)
    if not isinstance(data, dict):
        raise PackError(f"{entry.name}: the top level must be a mapping of sections")
    return data


def _check_header(header: object, where: str) -> tuple[str, str]:
    if not isinstance(header, dict):
        raise PackError(f"{where}: `pack` must be a mapping with version and released")
    version, released = header.get("version"), header.get("released")
    if not isinstance(version, str) or not _VERSION_RE.match(version):
        raise PackError(f"{where}: pack version must look like 2026.11.1, not {version!r}")
    if not isinstance(released, str) or not _TIMESTAMP_RE.match(released):
        raise PackError(f"{where}: pack released must be a STIX timestamp, not {released!r}")
    return version, released


PACK_VERSION, PACK_RELEASED = _check_header(_read_yaml(_PACK_DIR / _HEADER_FILE).get("pack"), _HEADER_FILE)


def _norm(name: str) -> str:
    """Case- and punctuation-insensitive key, so "ONYX SLEET" and "Onyx-Sleet" count as one name."""
    return re.sub(r"[\W_]+", "", name.casefold())


def _attack_ref(attack_id: str, *, identity: bool) -> dict:
    """A reference to an ATT&CK page.

    ``source_name`` "mitre-attack" means, by ATT&CK's convention, "this object *is* ATT&CK object X",
    so only the object's own reference uses it; citing an ATT&CK page as evidence uses "MITRE ATT&CK".
    """
    path = _ATTACK_PATHS.get(attack_id[:1])
    if path is None or not re.match(r"^[GSCT]\d{4}(\.\d{3})?$", attack_id):
        raise PackError(f"not an ATT&CK id: {attack_id!r}")
    return {"source_name": "mitre-attack" if identity else "MITRE ATT&CK", "external_id": attack_id,
            "url": f"{_ATTACK_URL}/{path}/{attack_id.replace('.', '/')}"}


def _strings(value: object, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PackError(f"{what} must be a list of non-empty strings, not {value!r}")
    return value


class _Compiler:
    """One compilation of a set of pack files; holds the merged sections and the relationships found."""

    def __init__(self, documents: list[tuple[str, dict]]) -> None:
        self.sections: dict[str, dict] = {name: {} for name in _OBJECT_SECTIONS}
        self.sources: dict[str, dict] = {}
        self.defaults: dict[str, dict] = {}
        self.vendors: list[str] = []
        self.related: list[dict] = []
        self.origin: dict[str, str] = {}
        header = None
        for filename, doc in documents:
            for section, body in doc.items():
                if section not in _SECTIONS:
                    raise PackError(f"{filename}: unknown section {section!r}")
                if section == "pack":
                    if header is not None:
                        raise PackError(f"{filename}: a second `pack` header")
                    header = _check_header(body, filename)
                elif section == "vendors":
                    self.vendors += _strings(body, f"{filename}: vendors")
                elif section == "related":
                    if not isinstance(body, list):
                        raise PackError(f"{filename}: related must be a list")
                    self.related += [dict(r, _file=filename) for r in body]
                else:
                    self._merge(filename, section, body)
        if header is None:
            raise PackError("no file has the `pack` header (version, released)")
        self.version, self.released = header
        self.ids: dict[str, tuple[str, str]] = {}  # key -> (section, STIX id)
        for section, entries in self.sections.items():
            for key, entry in entries.items():
                self.ids[key] = (section, self._object_id(section, key, entry))
        self.used_sources: set[str] = set()
        self.used_vendors: set[str] = set()
        self.used_keys: set[str] = set()
        self.relationships: dict[tuple[str, str, str], dict] = {}

    def _merge(self, filename: str, section: str, body: object) -> None:
        if not isinstance(body, dict):
            raise PackError(f"{filename}: {section} must be a mapping")
        if section == "sources":
            target = self.sources
        elif section == "defaults":
            target = self.defaults
        else:
            target = self.sections[section]
        for key, entry in body.items():
            key = str(key)
            if section != "defaults" and key in self.origin:
                raise PackError(f"{filename}: key {key!r} is already used in {self.origin[key]}")
            if not isinstance(entry, dict):
                raise PackError(f"{filename}: {section} {key} must be a mapping")
            if section != "defaults":
                self.origin[key] = filename
            target[key] = entry

    # ------------------------------------------------------------------ ids, sources, names
    def _object_id(self, section: str, key: str, entry: dict) -> str:
        stix_type = _OBJECT_SECTIONS[section]
        attack = self._attack(section, key, entry)
        if attack is None:
            return stable_id(stix_type, key)
        match = _STIX_ID_RE.match(str(attack.get("stix_id")))
        if not match or match.group(1) != stix_type:
            raise PackError(f"{self.origin[key]}: {key}: stix_id must be a {stix_type} id")
        return attack["stix_id"]

    def _attack(self, section: str, key: str, entry: dict) -> dict | None:
        """ATT&CK facts of an entry (techniques are ATT&CK by definition), or None."""
        if section == "techniques":
            return {"id": key, **entry}
        attack = entry.get("attack")
        if attack is not None and not isinstance(attack, dict):
            raise PackError(f"{self.origin[key]}: {key}: attack must be a mapping")
        return attack

    def resolve(self, key: object, where: str, sections: Iterable[str] | None = None) -> str:
        found = self.ids.get(str(key))
        if found is None:
            raise PackError(f"{where}: unknown key {key!r}")
        if sections is not None and found[0] not in sections:
            raise PackError(f"{where}: {key!r} is a {found[0]} entry, expected one of {sorted(sections)}")
        self.used_keys.add(str(key))
        return found[1]

    def references(self, sources: object, where: str, attack_id: str | None = None) -> list[dict]:
        """External references: the ATT&CK page first (if any), then each cited source, once."""
        refs = [_attack_ref(attack_id, identity=True)] if attack_id else []
        for source in _strings(sources, f"{where}: sources"):
            if source == f"attack:{attack_id}":
                continue  # the object's own ATT&CK reference is already first
            if source.startswith("attack:"):
                ref = _attack_ref(source.removeprefix("attack:"), identity=False)
            elif source in self.sources:
                self.used_sources.add(source)
                entry = self.sources[source]
                if not isinstance(entry.get("url"), str) or not entry["url"].startswith("https://"):
                    raise PackError(f"source {source}: needs an https url")
                ref = {"source_name": entry.get("name") or source, "url": entry["url"]}
                if entry.get("description"):
                    ref["description"] = entry["description"]
                if entry.get("id"):
                    ref["external_id"] = str(entry["id"])
            else:
                raise PackError(f"{where}: unknown source {source!r}")
            if ref not in refs:
                refs.append(ref)
        if not refs:
            raise PackError(f"{where}: cites no source")
        return refs

    def aliases(self, entry: dict, where: str) -> tuple[list[str], list[dict]]:
        """STIX ``aliases`` (every name) and ``x_geobuk_aliases`` (who uses which, and its kind)."""
        names, curated = [entry["name"]], []
        for alias in entry.get("aliases") or []:
            if not isinstance(alias, dict) or not isinstance(alias.get("name"), str):
                raise PackError(f"{where}: an alias must be a mapping with a name")
            kind = alias.get("kind", "alias")
            if kind not in ("alias", "overlap"):
                raise PackError(f"{where}: alias {alias['name']!r} has kind {kind!r} (alias or overlap)")
            by = _strings(alias.get("by"), f"{where}: alias {alias['name']!r} by")
            unknown = [v for v in by if v not in self.vendors]
            if unknown:
                raise PackError(f"{where}: alias {alias['name']!r}: unknown vendor(s) {unknown}")
            self.used_vendors.update(by)
            curated.append({"name": alias["name"], "by": list(by), "kind": kind})
            if _norm(alias["name"]) not in {_norm(n) for n in names}:
                names.append(alias["name"])
        return names, curated

    # ------------------------------------------------------------------ relationships
    def relate(self, rel_type: str, source_id: str, target_id: str, spec: dict, where: str) -> None:
        """Record one relationship; the same fact stated twice merges its sources."""
        refs = self.references(spec.get("sources"), where)
        rel = self.relationships.setdefault((rel_type, source_id, target_id), {"refs": []})
        for prop in ("description", "confidence"):
            value = spec.get(prop)
            if value is None:
                continue
            if prop == "confidence" and (not isinstance(value, int) or not 0 <= value <= 100):
                raise PackError(f"{where}: confidence must be an integer 0-100")
            if rel.get(prop, value) != value:
                raise PackError(f"{where}: {rel_type} stated twice with different {prop}")
            rel[prop] = value
        rel["refs"] += [r for r in refs if r not in rel["refs"]]

    def relationship_objects(self) -> list[dict]:
        out = []
        for (rel_type, source_id, target_id), facts in self.relationships.items():
            rel = {"type": "relationship", "spec_version": "2.1",
                   "id": stable_id("relationship", rel_type, source_id, target_id),
                   "created": self.released, "modified": self.released,
                   "relationship_type": rel_type, "source_ref": source_id, "target_ref": target_id}
            for prop in ("description", "confidence"):
                if prop in facts:
                    rel[prop] = facts[prop]
            rel["external_references"] = facts["refs"]
            rel["x_geobuk_pack_version"] = self.version
            out.append(rel)
        return out

    def groups(self, rel_type: str, source_id: str, entry: dict, where: str) -> None:
        """``uses:`` / ``targets:`` groups: each lists keys by kind and the sources that report them."""
        field = "uses" if rel_type == "uses" else "targets"
        for index, group in enumerate(entry.get(field) or []):
            here = f"{where}: {field} group {index}"
            if not isinstance(group, dict):
                raise PackError(f"{here}: must be a mapping")
            unknown = set(group) - {"sources", "description", *_GROUP_KINDS[field]}
            if unknown:
                raise PackError(f"{here}: unknown field(s) {sorted(unknown)}")
            for kind, section in _GROUP_KINDS[field].items():
                for key in group.get(kind) or []:
                    target = self.resolve(key, here, [section])
                    self.relate(rel_type, source_id, target, group, here)

    def attributions(self, stix_type: str, source_id: str, entry: dict, where: str) -> None:
        allowed = {s for s, t in _OBJECT_SECTIONS.items() if t in _ATTRIBUTABLE.get(stix_type, ())}
        allowed.discard("sectors")
        for spec in entry.get("attributed_to") or []:
            if not isinstance(spec, dict):
                raise PackError(f"{where}: attributed_to entries must be mappings")
            target = self.resolve(spec.get("ref"), f"{where}: attributed_to", allowed)
            self.relate("attributed-to", source_id, target, spec, f"{where}: attributed_to")

    # ------------------------------------------------------------------ objects
    def build(self, section: str, key: str, entry: dict) -> dict:
        where = f"{self.origin[key]}: {key}"
        stix_type = _OBJECT_SECTIONS[section]
        entry = {**self.defaults.get(section, {}), **entry}
        attack = self._attack(section, key, entry)
        if attack is not None and not _TIMESTAMP_RE.match(str(attack.get("created"))):
            raise PackError(f"{where}: the ATT&CK created date must be a STIX timestamp")
        created = attack["created"] if attack else self.released
        modified = created if section == "techniques" else self.released
        if modified < created:
            raise PackError(f"{where}: the pack is released before ATT&CK created this object")
        obj: dict = {"type": stix_type, "spec_version": "2.1", "id": self.ids[key][1],
                     "created": created, "modified": modified}
        getattr(self, f"_{section}")(obj, key, entry, where)
        obj["external_references"] = self.references(
            entry.get("sources", []), where, attack["id"] if attack else None)
        for prop in ("x_geobuk_aliases", "x_geobuk_subsector", "x_geobuk_amount"):
            if prop in obj:
                obj[prop] = obj.pop(prop)  # custom properties last, for readability
        obj["x_geobuk_pack_version"] = self.version
        return obj

    def _named(self, obj: dict, entry: dict, where: str, *props: str) -> None:
        if not isinstance(entry.get("name"), str) or not entry["name"]:
            raise PackError(f"{where}: needs a name")
        obj["name"] = entry["name"]
        for prop in ("description", *props):
            if entry.get(prop) is not None:
                obj[prop] = entry[prop]

    def _organisations(self, obj: dict, key: str, entry: dict, where: str) -> None:
        self._named(obj, entry, where, "identity_class", "sectors")
        if entry.get("located_at"):
            target = self.resolve(entry["located_at"], where, ["countries"])
            self.relate("located-at", obj["id"], target, {"sources": entry.get("sources")},
                        f"{where}: located_at")

    def _actor(self, obj: dict, key: str, entry: dict, where: str, *props: str) -> None:
        self._named(obj, entry, where)
        obj["aliases"], obj["x_geobuk_aliases"] = self.aliases(entry, where)
        for prop in props:
            if entry.get(prop) is not None:
                obj[prop] = entry[prop]
        self.attributions(obj["type"], obj["id"], entry, where)
        self.groups("uses", obj["id"], entry, where)
        self.groups("targets", obj["id"], entry, where)

    def _threat_actors(self, obj: dict, key: str, entry: dict, where: str) -> None:
        obj["threat_actor_types"] = _strings(entry.get("types"), f"{where}: types")
        self._actor(obj, key, entry, where, "roles", "goals", "sophistication", "resource_level",
                    "primary_motivation")

    def _intrusion_sets(self, obj: dict, key: str, entry: dict, where: str) -> None:
        if not entry.get("attributed_to"):
            raise PackError(f"{where}: an intrusion set must be attributed to a threat actor")
        self._actor(obj, key, entry, where, "goals", "resource_level", "primary_motivation")

    def _campaigns(self, obj: dict, key: str, entry: dict, where: str) -> None:
        self._named(obj, entry, where, "aliases", "first_seen", "last_seen", "objective")
        if not entry.get("attributed_to"):
            raise PackError(f"{where}: a campaign must be attributed to an intrusion set or threat actor")
        amount = entry.get("amount")
        if amount is not None:
            if set(amount) != {"value", "currency"} or not isinstance(amount["value"], int):
                raise PackError(f"{where}: amount must be {{value: <integer>, currency: <ISO 4217>}}")
            obj["x_geobuk_amount"] = {"value": amount["value"], "currency": amount["currency"]}
        self.attributions("campaign", obj["id"], entry, where)
        self.groups("uses", obj["id"], entry, where)
        self.groups("targets", obj["id"], entry, where)

    def _malware(self, obj: dict, key: str, entry: dict, where: str) -> None:
        self._named(obj, entry, where)
        obj["malware_types"] = _strings(entry.get("types"), f"{where}: types")
        obj["is_family"] = True
        if entry.get("aliases"):
            obj["aliases"] = _strings(entry["aliases"], f"{where}: aliases")

    def _techniques(self, obj: dict, key: str, entry: dict, where: str) -> None:
        self._named(obj, entry, where)

    def _sectors(self, obj: dict, key: str, entry: dict, where: str) -> None:
        self._named(obj, entry, where)
        obj["identity_class"] = "class"
        obj["sectors"] = _strings(entry.get("sectors"), f"{where}: sectors")
        if entry.get("subsector"):
            obj["x_geobuk_subsector"] = entry["subsector"]

    def _countries(self, obj: dict, key: str, entry: dict, where: str) -> None:
        if not re.match(r"^[A-Z]{2}$", key):
            raise PackError(f"{where}: a country key must be its ISO 3166-1 alpha-2 code")
        self._named(obj, entry, where)
        obj["country"] = key

    def _notes(self, obj: dict, key: str, entry: dict, where: str) -> None:
        for prop in ("abstract", "content"):
            if not isinstance(entry.get(prop), str):
                raise PackError(f"{where}: a note needs {prop}")
            obj[prop] = entry[prop]
        obj["authors"] = ["geobuk"]
        refs = _strings(entry.get("refs"), f"{where}: refs")
        obj["object_refs"] = [self.resolve(ref, where) for ref in refs]

    # ------------------------------------------------------------------ the whole pack
    def compile(self) -> list[dict]:
        objects = [self.build(section, key, entry)
                   for section, entries in self.sections.items() for key, entry in entries.items()]
        for index, spec in enumerate(self.related):
            where = f"{spec.get('_file')}: related {index}"
            source = self.resolve(spec.get("source"), where, _ACTOR_SECTIONS)
            target = self.resolve(spec.get("target"), where, _ACTOR_SECTIONS)
            if not spec.get("description"):
                raise PackError(f"{where}: a related-to must say who says what (description)")
            self.relate("related-to", source, target, spec, where)
        self._check_alias_owners(objects)
        self._check_unused()
        return objects + self.relationship_objects()

    def _check_alias_owners(self, objects: list[dict]) -> None:
        """An alias (not an overlap) or a primary name must name exactly one actor of the pack."""
        owners: dict[str, set[str]] = {}
        for obj in objects:
            if obj["type"] not in ("intrusion-set", "threat-actor"):
                continue
            claimed = [obj["name"]] + [a["name"] for a in obj["x_geobuk_aliases"] if a["kind"] == "alias"]
            for name in claimed:
                owners.setdefault(_norm(name), set()).add(obj["id"])
        clashes = sorted(name for name, ids in owners.items() if len(ids) > 1)
        if clashes:
            raise PackError(f"names given as `alias` to more than one actor (make them overlaps): {clashes}")

    def _check_unused(self) -> None:
        """Everything defined is used, so the pack holds no stale or misspelt entries."""
        unused = [f"source {s}" for s in self.sources if s not in self.used_sources]
        unused += [f"vendor {v}" for v in self.vendors if v not in self.used_vendors]
        for section in ("malware", "techniques", "sectors", "countries"):
            unused += [f"{section} {k}" for k in self.sections[section] if k not in self.used_keys]
        if unused:
            raise PackError(f"defined but never used: {', '.join(unused)}")


def _yaml_files(directory: Traversable | Path) -> Iterator[tuple[str, dict]]:
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml") and entry.is_file():
            yield entry.name, _read_yaml(entry)


def compile_pack(directory: Traversable | Path) -> list[dict]:
    """Compile the pack files (``*.yaml``) of ``directory`` into STIX 2.1 objects; ``PackError`` if bad."""
    return _Compiler(list(_yaml_files(directory))).compile()


@functools.cache
def _compiled() -> bytes:
    return orjson.dumps(compile_pack(_PACK_DIR))


def load_pack() -> list[dict]:
    """The built-in pack as STIX 2.1 objects: new dicts on every call, identical in content and order."""
    return orjson.loads(_compiled())


def pack_bundle() -> dict:
    """The built-in pack as one STIX 2.1 bundle, with an id fixed by the pack version."""
    return {"type": "bundle", "id": stable_id("bundle", "geobuk-pack", PACK_VERSION), "objects": load_pack()}
