"""MISP galaxy cluster files: actors become intrusion sets or names of actors already known.

A MISP galaxy (threat-actor, microsoft-activity-group, ransomware, ...) is a community list of
clusters, each with a stable uuid, a name (``value``) and synonyms. Galaxies disagree with each
other and with themselves: "Andariel" is a synonym of both "Silent Chollima" and "Lazarus Group" in
the threat-actor galaxy. So a name is only ever attached where it is unambiguous:

* an actor cluster whose own value, or else whose synonyms, name exactly one known actor is merged
  into it as alias claims; a synonym that names a *different* known actor is never claimed (that
  would merge two actors through a shared synonym);
* a name several clusters of the same file share is an ``overlap``: recorded as such on new
  intrusion sets, and skipped with a warning for claims, rather than silently given to one of them;
* any other actor cluster becomes a new ``intrusion-set--<cluster uuid>``.

Malware galaxies (ransomware, RATs, ...) become ``malware`` families the same way, with no merge:
the context can only resolve actors, and a family's uuid is its identity across MISP. They are worth
keeping because DPRK operations are named by their tooling (WannaCry, Maui, H0lyGh0st), and reports
and relationships imported later can then point at the family. Other galaxies (sectors, ATT&CK
techniques, tools that are not malware) import nothing, with a warning, since nothing here maps
them to STIX faithfully.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from geobuk.errors import InputError
from geobuk.intel.ids import stix_timestamp
from geobuk.intel.importers.base import IMPORTERS, AliasClaim, ImportBatch, ImportContext, Importer
from geobuk.intel.names import normalize_name

#: Galaxy types whose clusters are threat actors, beyond those whose ``category`` says "actor".
ACTOR_GALAXIES = frozenset({
    "threat-actor", "microsoft-activity-group", "360net", "mitre-intrusion-set",
    "mitre-enterprise-attack-intrusion-set", "mitre-mobile-attack-intrusion-set",
    "mitre-pre-attack-intrusion-set",
})
#: Galaxy types whose clusters are malware families.
MALWARE_GALAXIES = frozenset({
    "ransomware", "rat", "backdoor", "banker", "botnet", "stealer", "android", "malpedia",
    "mitre-malware", "mitre-enterprise-attack-malware", "mitre-mobile-attack-malware", "cryptominers",
})

#: Galaxy files carry a version number, not a date. Timestamps count that many seconds from this
#: fixed origin, so re-importing a file changes nothing and a newer version is a newer STIX version.
VERSION_EPOCH = datetime(2016, 1, 1, tzinfo=UTC)

_COUNTRY = re.compile(r"^[A-Z]{2}$")


def read_json(path: Path) -> object:
    """The parsed file, or a one-line InputError (shared with the MISP event importer)."""
    # Imported here, not at the top: importing the STIX importer first would register it ahead of
    # the MISP ones and change the order formats are detected in.
    from geobuk.intel.importers.stix_bundle import load_json

    return load_json(path)


def json_key_in(head: bytes, key: bytes) -> bool:
    """True if ``head`` has ``"key":`` somewhere: a cheap format test that needs no parse."""
    return re.search(rb'"' + key + rb'"\s*:', head) is not None


@dataclass(frozen=True)
class Cluster:
    """One galaxy cluster, checked: its names are deduplicated and exclude its own value."""

    uuid: str
    value: str
    description: str
    synonyms: tuple[str, ...]
    refs: tuple[str, ...]
    country: str | None

    def names(self) -> tuple[str, ...]:
        return (self.value, *self.synonyms)


@dataclass(frozen=True)
class Galaxy:
    """A checked galaxy file: its type and category decide what its clusters become."""

    type: str
    category: str
    version: int
    clusters: list[Cluster]

    @property
    def kind(self) -> str | None:
        """``actor``, ``malware``, or None for galaxies this importer does not map."""
        if self.category == "actor" or self.type in ACTOR_GALAXIES:
            return "actor"
        if self.type in MALWARE_GALAXIES:
            return "malware"
        return None

    @property
    def timestamps(self) -> tuple[str, str]:
        """(created, modified): constant across versions, and later for a later version."""
        return stix_timestamp(VERSION_EPOCH), stix_timestamp(VERSION_EPOCH + timedelta(seconds=self.version))


def _strings(path: Path, index: int, value: object, field: str) -> list[str]:
    """A meta field that MISP writes as a list of strings (or, rarely, one string)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(path, f"meta {field!r} is not a list of strings", index=index, what="cluster")
    return [v.strip() for v in value if v.strip()]


def _cluster(path: Path, index: int, raw: object, seen: set[str]) -> Cluster:
    if not isinstance(raw, dict):
        raise InputError(path, "is not a JSON object", index=index, what="cluster")
    value = raw.get("value")
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, "has no 'value' (name)", index=index, what="cluster")
    value = value.strip()
    try:
        cluster_uuid = str(uuid.UUID(str(raw.get("uuid"))))
    except ValueError:
        raise InputError(path, f"{value!r} has no valid 'uuid': {raw.get('uuid')!r}",
                         index=index, what="cluster") from None
    if cluster_uuid in seen:
        raise InputError(path, f"{value!r} repeats uuid {cluster_uuid}", index=index, what="cluster")
    seen.add(cluster_uuid)
    meta = raw.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError(path, f"{value!r} has a 'meta' that is not an object", index=index, what="cluster")
    names: dict[str, str] = {normalize_name(value): value}
    for synonym in _strings(path, index, meta.get("synonyms"), "synonyms"):
        names.setdefault(normalize_name(synonym), synonym)
    names.pop("", None)
    description = raw.get("description")
    country = meta.get("country")
    return Cluster(
        uuid=cluster_uuid, value=value,
        description=description.strip() if isinstance(description, str) else "",
        synonyms=tuple(n for n in names.values() if n != value),
        refs=tuple(dict.fromkeys(_strings(path, index, meta.get("refs"), "refs"))),
        country=country.strip().upper() if isinstance(country, str) and country.strip() else None,
    )


def parse_galaxy(path: Path, data: object) -> Galaxy:
    """Check a parsed galaxy file; raise InputError naming the first bad cluster."""
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise InputError(path, "not a MISP galaxy cluster file (no 'values' list)")
    gtype = data.get("type")
    if not isinstance(gtype, str) or not gtype.strip():
        raise InputError(path, "MISP galaxy file has no 'type'")
    version = data.get("version", 0)
    try:
        version = int(version)
        if version < 0:
            raise ValueError
    except (TypeError, ValueError):
        raise InputError(path, f"galaxy 'version' is not a whole number: {data.get('version')!r}") from None
    category = data.get("category") if isinstance(data.get("category"), str) else ""
    seen: set[str] = set()
    clusters = [_cluster(path, i, raw, seen) for i, raw in enumerate(data["values"])]
    return Galaxy(type=gtype.strip(), category=category, version=version, clusters=clusters)


def shared_names(clusters: list[Cluster]) -> dict[str, list[str]]:
    """Normalised name -> values of the clusters using it, for names used by more than one cluster."""
    users: dict[str, list[str]] = {}
    for cluster in clusters:
        for name in cluster.names():
            users.setdefault(normalize_name(name), []).append(cluster.value)
    return {norm: values for norm, values in users.items() if len(values) > 1}


def _external_references(cluster: Cluster) -> tuple[list[dict], int]:
    """MISP refs as STIX references (URLs only), the cluster's uuid, and how many refs were dropped."""
    refs: list[dict] = []
    dropped = 0
    for ref in cluster.refs:
        parts = urlsplit(ref)
        if parts.scheme in ("http", "https") and parts.netloc:
            refs.append({"source_name": parts.netloc.lower(), "url": ref})
        else:
            dropped += 1
    refs.append({"source_name": "misp-galaxy", "external_id": cluster.uuid})
    return refs, dropped


class _Reader:
    """One file's conversion; holds the warnings and claims it accumulates."""

    def __init__(self, path: Path, galaxy: Galaxy, ctx: ImportContext) -> None:
        self.path = path
        self.galaxy = galaxy
        self.ctx = ctx
        self.shared = shared_names(galaxy.clusters)
        self.batch = ImportBatch()
        self.dropped_refs = 0

    def run(self) -> ImportBatch:
        kind = self.galaxy.kind
        if kind is None:
            self.batch.warnings.append(
                f"galaxy type {self.galaxy.type!r} (category {self.galaxy.category!r}) is neither "
                f"threat actors nor malware families: {len(self.galaxy.clusters)} clusters not imported")
            return self.batch
        for cluster in self.galaxy.clusters:
            if kind == "malware":
                self.batch.objects.append(self._new_object(cluster, "malware", set()))
            else:
                self._actor(cluster)
        if self.dropped_refs:
            self.batch.warnings.append(f"{self.dropped_refs} refs that are not http(s) URLs were left out")
        return self.batch

    def _actor(self, cluster: Cluster) -> None:
        own_id = f"intrusion-set--{cluster.uuid}"
        resolve = self.ctx.resolve_actor
        target = resolve(cluster.value)
        if target == own_id:  # a re-import: this cluster is the known actor; restate it
            target = None
        elif target is None:
            named: dict[str, list[str]] = {}
            for synonym in cluster.synonyms:
                if normalize_name(synonym) in self.shared:
                    continue
                actor = resolve(synonym)
                if actor is not None and actor != own_id:
                    named.setdefault(actor, []).append(synonym)
            if len(named) == 1:
                target = next(iter(named))
            elif named:
                listing = "; ".join(f"{a} ({', '.join(n)})" for a, n in sorted(named.items()))
                self.batch.warnings.append(
                    f"cluster {cluster.value!r}: its synonyms name several known actors ({listing}); "
                    f"imported as a separate intrusion set with those names as overlaps")
        if target is None:
            foreign = {normalize_name(n) for n in cluster.synonyms if resolve(n) not in (None, own_id)}
            self.batch.objects.append(self._new_object(cluster, "intrusion-set", foreign))
        else:
            self._claims(cluster, target)

    def _claims(self, cluster: Cluster, target: str) -> None:
        source = f"misp-galaxy:{self.galaxy.type}"
        for name in cluster.names():
            norm = normalize_name(name)
            actor = self.ctx.resolve_actor(name)
            candidates = set(self.ctx.actor_candidates(name)) - {target}
            if actor is None and candidates:
                self.batch.warnings.append(
                    f"cluster {cluster.value!r}: name {name!r} already names several actors "
                    f"({', '.join(sorted(candidates))}); not attached to {target}")
                continue
            if actor == target:
                pass
            elif norm in self.shared:
                users = ", ".join(self.shared[norm])
                self.batch.warnings.append(
                    f"cluster {cluster.value!r}: name {name!r} is shared by several clusters ({users}); "
                    f"not attached to {target}")
                continue
            elif actor is not None:
                self.batch.warnings.append(
                    f"cluster {cluster.value!r}: name {name!r} already names {actor}; "
                    f"not attached to {target}")
                continue
            self.batch.aliases.append(AliasClaim(target, name, source))

    def _new_object(self, cluster: Cluster, stix_type: str, foreign: set[str]) -> dict:
        """A STIX object for a cluster; names in ``foreign`` or shared in the file are overlaps."""
        created, modified = self.galaxy.timestamps
        curated = []
        for synonym in cluster.synonyms:
            norm = normalize_name(synonym)
            kind = "overlap" if norm in self.shared or norm in foreign else "alias"
            curated.append({"name": synonym, "by": ["misp-galaxy"], "kind": kind})
        refs, dropped = _external_references(cluster)
        self.dropped_refs += dropped
        obj: dict = {
            "type": stix_type, "spec_version": "2.1", "id": f"{stix_type}--{cluster.uuid}",
            "created": created, "modified": modified, "name": cluster.value,
        }
        if stix_type == "malware":
            obj["is_family"] = True
        if cluster.description:
            obj["description"] = cluster.description
        # Plain STIX consumers cannot tell an overlap from an alias: give them only the sure names.
        aliases = [c["name"] for c in curated if c["kind"] == "alias"]
        if aliases:
            obj["aliases"] = aliases
        obj["external_references"] = refs
        if curated:
            obj["x_geobuk_aliases"] = curated
        if stix_type == "intrusion-set" and cluster.country and _COUNTRY.match(cluster.country):
            obj["x_geobuk_country"] = cluster.country
        return obj


@IMPORTERS.register
class MispGalaxyImporter(Importer):
    name = "misp-galaxy"
    description = "MISP galaxy clusters: threat actors (merged into known actors) and malware families"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        text = head.lstrip()
        if text[:1] != b"{" or json_key_in(text, b"Event") or json_key_in(text, b"spec_version"):
            return False
        return json_key_in(text, b"values") and json_key_in(text, b"uuid")

    def read(self, path: Path, ctx: ImportContext) -> ImportBatch:
        galaxy = parse_galaxy(path, read_json(path))
        return _Reader(path, galaxy, ctx).run()
