"""MISP events: a report, one indicator per detection-worthy attribute, and who they point to.

MISP is where most DPRK reporting is shared between CERTs and vendors (ESET, for one, publishes its
Lazarus events as MISP JSON). Only attributes flagged ``to_ids`` become indicators: MISP uses that
flag precisely to separate detection material from context (a victim's IP, a legitimate domain the
malware checks connectivity with), and hunting on context floods analysts with false positives.

Composite attributes carry one indicator and its context: ``filename|sha256`` yields the hash (the
file name alone would match every benign file of that name), ``ip-dst|port`` the address,
``domain|ip`` both. Threat actors named by the event's galaxies or tags are resolved against what is
already known and linked with ``indicates``; an actor name that resolves to nothing is reported,
never invented, because an actor made up from a tag would have none of the aliases that make
later matches possible.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PureWindowsPath

from geobuk.errors import InputError
from geobuk.intel import observables as obs
from geobuk.intel.ids import stable_id, stix_timestamp
from geobuk.intel.importers.base import IMPORTERS, ImportBatch, ImportContext, Importer
from geobuk.intel.importers.misp_galaxy import ACTOR_GALAXIES, json_key_in, read_json
from geobuk.intel.names import normalize_name
from geobuk.intel.patterns import pattern_for

#: MISP attribute type -> the indicator kinds its value may turn out to be (checked with classify).
SINGLE_TYPES: dict[str, tuple[str, ...]] = {
    "md5": (obs.MD5,), "sha1": (obs.SHA1,), "sha256": (obs.SHA256,), "sha512": (obs.SHA512,),
    "ip-src": obs.IP_KINDS, "ip-dst": obs.IP_KINDS,
    "domain": (obs.DOMAIN,), "hostname": (obs.DOMAIN,),
    # A "url" that is only a host is still worth hunting, as the host it is.
    "url": (obs.URL, obs.DOMAIN, obs.IPV4, obs.IPV6),
    "email": (obs.EMAIL,), "email-src": (obs.EMAIL,), "email-dst": (obs.EMAIL,),
    "email-reply-to": (obs.EMAIL,),
    "btc": (obs.BTC_ADDRESS,),
    "filename": (obs.FILENAME,), "regkey": (obs.REGISTRY_KEY,),
}
#: Parts of composite types (``a|b``) that are context for the other part, never indicators.
CONTEXT_PARTS = frozenset({"filename", "port", "value"})
#: Composite part names that are spelled differently from the single type they stand for.
PART_TYPES = {"ip": "ip-dst"}
#: Attributes that are prose about the event, kept in the report's description.
PROSE_TYPES = frozenset({"comment", "text"})

#: Org identities have no date in MISP; a fixed one keeps them identical in every event.
ORG_CREATED = stix_timestamp(datetime(2016, 1, 1, tzinfo=UTC))

_GALAXY_TAG = re.compile(r'^misp-galaxy:(?P<type>[^=]+)="(?P<value>.*)"$')
_ATTACK_SUFFIX = re.compile(r"^(?P<name>.+?)\s+-\s+G\d{4}$")


def _valid_uuid(value: object) -> str | None:
    try:
        return str(uuid.UUID(str(value))) if value else None
    except ValueError:
        return None


def events_of(path: Path, data: object) -> list[dict]:
    """The events of any of MISP's export shapes: one event, a list of them, or an API response."""
    if isinstance(data, dict) and isinstance(data.get("response"), list | dict):
        data = data["response"]
    wrappers = data if isinstance(data, list) else [data]
    events = []
    for i, wrapper in enumerate(wrappers):
        event = wrapper.get("Event") if isinstance(wrapper, dict) else None
        if not isinstance(event, dict):
            if isinstance(data, list):
                raise InputError(path, "has no MISP 'Event' object", index=i, what="event")
            raise InputError(path, "not a MISP event export (no 'Event' object)")
        events.append(event)
    if not events:
        raise InputError(path, "not a MISP event export (no 'Event' object)")
    return events


@dataclass
class Skipped:
    """Why attributes did not become indicators, summed for one warning per event."""

    not_ids: int = 0
    deleted: int = 0
    no_kind: Counter = field(default_factory=Counter)
    misfit: list[str] = field(default_factory=list)

    def summary(self) -> str | None:
        parts = []
        if self.not_ids:
            parts.append(f"{self.not_ids} not marked to_ids")
        if self.no_kind:
            kinds = ", ".join(f"{t} {n}" for t, n in self.no_kind.most_common())
            parts.append(f"{sum(self.no_kind.values())} of types that are no indicator ({kinds})")
        if self.misfit:
            parts.append(f"{len(self.misfit)} whose value does not fit its type (e.g. {self.misfit[0]})")
        if self.deleted:
            parts.append(f"{self.deleted} deleted")
        return "; ".join(parts) or None


def _parts(misp_type: str, value: str) -> list[tuple[str, str]]:
    """(part type, part value) of a possibly composite attribute; [] if the value has too few parts.

    A file name may itself contain "|", so a ``filename|...`` value is split from the right.
    """
    types = misp_type.split("|")
    if len(types) == 1:
        return [(misp_type, value)]
    cut = len(types) - 1
    values = value.rsplit("|", cut) if types[0] == "filename" else value.split("|", cut)
    if len(values) != len(types) or not all(v.strip() for v in values):
        return []
    return [(t, v.strip()) for t, v in zip(types, values, strict=True)]


def _when(path: Path, raw: object, index: int | None, what: str) -> datetime | None:
    """A MISP timestamp (seconds since the epoch, as a string or number); None when absent or 0."""
    if raw in (None, "", "0", 0):
        return None
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise InputError(path, f"'timestamp' is not a Unix time: {raw!r}", index=index,
                         what=what) from None


class _EventReader:
    """One event's conversion; knows where it is in the file, for error messages."""

    def __init__(self, path: Path, event: dict, number: int | None, ctx: ImportContext,
                 batch: ImportBatch, seen: set[str]) -> None:
        self.path, self.event, self.ctx, self.batch, self.seen = path, event, ctx, batch, seen
        self.prefix = f"event {number} " if number is not None else ""
        self.label = f"event {event.get('info')!r}" if isinstance(event.get("info"), str) \
            else f"event {number or 0}"
        self.skipped = Skipped()
        self.unknown_actors: list[str] = []
        self.linked_actors: list[str] = []  # every known actor the event or an attribute names
        self.event_actors: list[str] = []
        self.event_key = ""

    # ------------------------------------------------------------------ helpers
    def _error(self, message: str, index: int | None = None, what: str = "attribute") -> InputError:
        if index is None:
            return InputError(self.path, f"{self.prefix}{message}".strip())
        return InputError(self.path, message, index=index, what=f"{self.prefix}{what}")

    def _emit(self, obj: dict) -> None:
        if obj["id"] not in self.seen:
            self.seen.add(obj["id"])
            self.batch.objects.append(obj)

    def _list(self, owner: dict, key: str, where: str) -> list:
        value = owner.get(key) or []
        if not isinstance(value, list):
            raise self._error(f"{where}'{key}' is not a list")
        return value

    # ------------------------------------------------------------------ event level
    def _dates(self) -> tuple[str, str, str]:
        """(created, modified, published) of the report; the event's date is when it was published."""
        day = self.event.get("date")
        stamp = _when(self.path, self.event.get("timestamp"), None, "event")
        published = None
        if day:
            try:
                published = datetime.combine(date.fromisoformat(str(day)), datetime.min.time(), UTC)
            except ValueError:
                raise self._error(f"'date' is not a date (YYYY-MM-DD): {day!r}") from None
        published = published or stamp
        if published is None:
            raise self._error("the event has neither 'date' nor 'timestamp'")
        modified = max(published, stamp) if stamp else published
        return stix_timestamp(published), stix_timestamp(modified), stix_timestamp(published)

    def _identity(self) -> str | None:
        org = self.event.get("Orgc") or self.event.get("Org")
        if not isinstance(org, dict) or not isinstance(org.get("name"), str) or not org["name"].strip():
            return None
        name = org["name"].strip()
        org_uuid = _valid_uuid(org.get("uuid"))
        oid = f"identity--{org_uuid}" if org_uuid else stable_id("identity", "misp-org", name)
        self._emit({"type": "identity", "spec_version": "2.1", "id": oid, "created": ORG_CREATED,
                    "modified": ORG_CREATED, "name": name, "identity_class": "organization"})
        return oid

    def _actor_names(self, owner: dict) -> list[str]:
        """Actor names from an event's or attribute's galaxies and galaxy tags, first spelling kept."""
        names: dict[str, str] = {}
        for galaxy in owner.get("Galaxy") or []:
            if not isinstance(galaxy, dict) or galaxy.get("type") not in ACTOR_GALAXIES:
                continue
            for cluster in galaxy.get("GalaxyCluster") or []:
                value = cluster.get("value") if isinstance(cluster, dict) else None
                if isinstance(value, str) and value.strip():
                    names.setdefault(normalize_name(value), value.strip())
        for tag in owner.get("Tag") or []:
            match = _GALAXY_TAG.match(tag.get("name") or "") if isinstance(tag, dict) else None
            if match and match["type"] in ACTOR_GALAXIES and match["value"].strip():
                names.setdefault(normalize_name(match["value"]), match["value"].strip())
        names.pop("", None)
        return list(names.values())

    def _actors(self, owner: dict) -> list[str]:
        """Ids of the known actors ``owner`` names; unknown names are remembered for a warning."""
        ids = []
        for name in self._actor_names(owner):
            actor = self.ctx.resolve_actor(name)
            suffixed = _ATTACK_SUFFIX.match(name)  # mitre-intrusion-set values: "Lazarus Group - G0032"
            if actor is None and suffixed:
                actor = self.ctx.resolve_actor(suffixed["name"])
            if actor is None:
                if name not in self.unknown_actors:
                    self.unknown_actors.append(name)
            elif actor not in ids:
                ids.append(actor)
                if actor not in self.linked_actors:
                    self.linked_actors.append(actor)
        return ids

    # ------------------------------------------------------------------ attributes
    def _attributes(self) -> list[tuple[dict, int, str, str | None]]:
        """Every attribute with where it is: (attribute, index, what to call it, object context).

        The context of an attribute inside a MISP object names the object and the file names in
        it, so that a hash from a ``file`` object still says which file it is.
        """
        out: list[tuple[dict, int, str, str | None]] = []
        for i, attr in enumerate(self._list(self.event, "Attribute", "")):
            out.append((attr, i, "attribute", None))
        for j, obj in enumerate(self._list(self.event, "Object", "")):
            if not isinstance(obj, dict):
                raise self._error("is not a JSON object", j, "Object")
            name = obj.get("name") or "?"
            attrs = self._list(obj, "Attribute", f"Object {j} ({name}): ")
            files = [a["value"] for a in attrs if isinstance(a, dict) and a.get("type") == "filename"
                     and isinstance(a.get("value"), str)]
            context = f"MISP object {name}" + (f" ({', '.join(files)})" if files else "")
            for i, attr in enumerate(attrs):
                out.append((attr, i, f"Object {j} ({name}) attribute", context))
        return out

    def _observables(self, misp_type: str, value: str) -> list[tuple[str, str]] | None:
        """(kind, normalized value) of the indicator parts of a value; None if the type has none."""
        if not any(PART_TYPES.get(t, t) in SINGLE_TYPES for t in misp_type.split("|")
                   if t not in CONTEXT_PARTS):
            return None
        parts = [(PART_TYPES.get(t, t), v) for t, v in _parts(misp_type, value) if t not in CONTEXT_PARTS]
        found = []
        for part_type, part in parts:
            if part_type == "filename":
                part = PureWindowsPath(part).name  # MISP file names sometimes carry their directory
                kind = obs.FILENAME if part and part.isprintable() else None
            elif part_type == "regkey":
                kind = obs.REGISTRY_KEY if obs.is_registry_key(part) else None
            else:
                kind = obs.classify(part)
            if kind not in SINGLE_TYPES.get(part_type, ()):
                continue
            try:
                found.append((kind, obs.normalize(kind, part)))
            except ValueError:
                continue
        return found

    @staticmethod
    def _context(misp_type: str, value: str, comment: str, in_object: str | None) -> str:
        """What a composite's context parts, the object and the comment say about the indicator."""
        lines = [f"{t}: {v}" for t, v in _parts(misp_type, value) if "|" in misp_type and t in CONTEXT_PARTS]
        lines += [text for text in (in_object, comment) if text]
        return "\n".join(lines)

    def _checked(self, attr: object, index: int, what: str) -> tuple[str, str]:
        """The attribute's (type, value), or InputError: without both it means nothing."""
        if not isinstance(attr, dict):
            raise self._error("is not a JSON object", index, what)
        misp_type, value = attr.get("type"), attr.get("value")
        if not isinstance(misp_type, str) or not misp_type.strip():
            raise self._error("has no 'type'", index, what)
        if not isinstance(value, str) or not value.strip():
            raise self._error(f"({misp_type.strip()}) has no 'value'", index, what)
        return misp_type.strip(), value.strip()

    def _indicators(self, attr: dict, misp_type: str, value: str, index: int, what: str,
                    in_object: str | None, creator: str | None, fallback: str) -> list[str]:
        """The ids of the indicators (and their relationships) one attribute yields."""
        if attr.get("to_ids") not in (True, 1, "1", "true", "True"):
            self.skipped.not_ids += 1
            return []
        found = self._observables(misp_type, value)
        if found is None:
            self.skipped.no_kind[misp_type] += 1
            return []
        if not found:
            self.skipped.misfit.append(f"{misp_type} {value[:60]!r}")
            return []
        attr_uuid = _valid_uuid(attr.get("uuid"))
        if attr.get("uuid") and not attr_uuid:
            raise self._error(f"has an invalid 'uuid': {attr.get('uuid')!r}", index, what)
        stamp = _when(self.path, attr.get("timestamp"), index, f"{self.prefix}{what}")
        when = stix_timestamp(stamp) if stamp else fallback
        actors = list(dict.fromkeys([*self.event_actors, *self._actors(attr)]))
        comment = attr.get("comment").strip() if isinstance(attr.get("comment"), str) else ""
        description = self._context(misp_type, value, comment, in_object)
        ids = []
        for n, (kind, norm) in enumerate(found):
            if n == 0 and attr_uuid:
                iid = f"indicator--{attr_uuid}"
            else:  # the second part of a domain|ip, or an attribute without a uuid
                iid = stable_id("indicator", attr_uuid or self.event_key, misp_type, kind, norm)
            indicator = {
                "type": "indicator", "spec_version": "2.1", "id": iid, "created": when, "modified": when,
                "name": norm, "indicator_types": ["malicious-activity"],
                "pattern": pattern_for(kind, norm), "pattern_type": "stix", "valid_from": when,
                "x_geobuk_observable": {"type": kind, "value": norm},
            }
            if description:
                indicator["description"] = description
            if creator:
                indicator["created_by_ref"] = creator
            self._emit(indicator)
            ids.append(iid)
            for actor in actors:
                rel = {
                    "type": "relationship", "spec_version": "2.1",
                    "id": stable_id("relationship", "indicates", iid, actor),
                    "created": when, "modified": when, "relationship_type": "indicates",
                    "source_ref": iid, "target_ref": actor,
                }
                if creator:
                    rel["created_by_ref"] = creator
                self._emit(rel)
                ids.append(rel["id"])
        return ids

    # ------------------------------------------------------------------ the report
    def run(self) -> None:
        created, modified, published = self._dates()
        event_uuid = _valid_uuid(self.event.get("uuid"))
        info = self.event.get("info")
        name = info.strip() if isinstance(info, str) and info.strip() else f"MISP event {event_uuid or '?'}"
        self.event_key = event_uuid or f"{name}\x1f{published}"
        report_id = f"report--{event_uuid}" if event_uuid else stable_id("report", self.event_key)
        creator = self._identity()
        self.event_actors = self._actors(self.event)
        refs: list[str] = []
        prose: list[str] = []
        for attr, index, what, in_object in self._attributes():
            misp_type, value = self._checked(attr, index, what)
            if attr.get("deleted") in (True, 1, "1"):
                self.skipped.deleted += 1
            elif not in_object and misp_type in PROSE_TYPES:
                prose.append(value)
            else:
                refs += self._indicators(attr, misp_type, value, index, what, in_object, creator, modified)
        refs += self.linked_actors
        if self.unknown_actors:
            self.batch.warnings.append(
                f"{self.label}: actor names not known, not linked: {', '.join(self.unknown_actors)}")
        summary = self.skipped.summary()
        if summary:
            self.batch.warnings.append(f"{self.label}: attributes skipped: {summary}")
        if not refs:
            self.batch.warnings.append(f"{self.label}: no indicator and no known actor; no report made")
            return
        report = {
            "type": "report", "spec_version": "2.1", "id": report_id, "created": created,
            "modified": modified, "name": name, "published": published, "report_types": ["threat-report"],
            "object_refs": list(dict.fromkeys(refs)),
        }
        if prose:
            report["description"] = "\n\n".join(prose)
        if event_uuid:
            report["external_references"] = [{"source_name": "misp", "external_id": event_uuid}]
        labels = [t["name"] for t in self.event.get("Tag") or [] if isinstance(t, dict) and t.get("name")]
        if labels:
            report["labels"] = list(dict.fromkeys(labels))
        if creator:
            report["created_by_ref"] = creator
        self._emit(report)


@IMPORTERS.register
class MispEventImporter(Importer):
    name = "misp-event"
    description = "MISP event JSON: a report, indicators for to_ids attributes, links to known actors"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        text = head.lstrip()
        return text[:1] in (b"{", b"[") and json_key_in(text, b"Event")

    def read(self, path: Path, ctx: ImportContext) -> ImportBatch:
        events = events_of(path, read_json(path))
        batch = ImportBatch()
        seen: set[str] = set()
        for number, event in enumerate(events):
            _EventReader(path, event, number if len(events) > 1 else None, ctx, batch, seen).run()
        return batch
