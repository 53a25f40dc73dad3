"""GraphSense TagPacks: YAML files of address tags (label, category, abuse, actor, source) per currency.

A TagPack's header fields are defaults every tag may override. Tags that name an abuse, a mixer or an
actor become indicators (so hunting matches them too), ``indicates`` the actor when the store knows
it (GraphSense actor ids such as ``lazarusgroup`` resolve like any alias). Tags of plain services
(exchanges, bridges, DEXes) become ``x-geobuk-address-label`` objects instead: labels for screening
and tracing that must never raise a hunt finding. Addresses are checked with the same per-asset
rules as the OFAC lists; currencies whose formats geobuk does not validate are reported as skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from geobuk.errors import InputError
from geobuk.intel.ids import stable_id
from geobuk.intel.importers.base import IMPORTERS, ImportBatch, ImportContext, Importer
from geobuk.intel.importers.ofac_addresses import (
    ASSETS,
    UNSUPPORTED_ASSETS,
    CheckedAddress,
    UnsupportedFormat,
    address_indicator,
    check_address,
)

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HEAD_TAGS_RE = re.compile(rb"^tags:\s*$", re.MULTILINE)
_HEAD_ADDRESS_RE = re.compile(rb"^\s*-\s+address:", re.MULTILINE)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIELDS = (
    "label",
    "category",
    "abuse",
    "actor",
    "source",
    "currency",
    "confidence",
    "context",
    "lastmod",
    "description",
    "title",
    "creator",
    "is_cluster_definer",
    "network",
)
LABEL_TYPE = "x-geobuk-address-label"

#: TagPack categories of services that are not, by themselves, a risk.
SERVICE_CATEGORIES = frozenset(
    {
        "exchange",
        "defi_dex",
        "dex",
        "defi_bridge",
        "bridge",
        "defi",
        "defi_lending",
        "wallet_service",
        "payment_processor",
        "miner",
        "mining_service",
        "market",
        "atm",
        "faucet",
        "hosting",
        "shop",
        "gambling",
        "donation",
        "ico_wallet",
        "organization",
        "smart_contract",
        "service",
    }
)
#: Category/abuse -> geobuk's address label (what screening shows and tracing stops at).
LABEL_OF = {
    "mixing_service": "mixer",
    "mixer": "mixer",
    "sanction": "sanctioned",
    "service_hack": "theft",
    "hack": "theft",
    "ransomware": "ransomware",
    "scam": "scam",
    "phishing": "scam",
    "exchange": "exchange",
    "defi_dex": "dex",
    "dex": "dex",
    "defi_bridge": "bridge",
    "bridge": "bridge",
}


def _when(value: object, fallback: str) -> str:
    """A STIX timestamp from a TagPack ``lastmod`` (a date, or YAML's parsed date)."""
    text = str(value) if value is not None else ""
    if _DATE_RE.match(text):
        return f"{text}T00:00:00.000Z"
    return fallback


def _tag_lines(text: str) -> list[int]:
    """The line number where each entry of ``tags`` starts, for messages that point into the file."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "tags" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _parse(path: Path) -> tuple[dict, list[int]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(path, f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("tags"), list):
        raise InputError(path, "not a TagPack: expected a mapping with a `tags` list")
    return data, _tag_lines(text)


def _labels(tag: dict) -> list[str]:
    found = []
    for field in ("abuse", "category"):
        value = str(tag.get(field) or "").strip().lower()
        label = LABEL_OF.get(value)
        if label and label not in found:
            found.append(label)
    return found or ["tagged"]


def _is_service(tag: dict) -> bool:
    category = str(tag.get("category") or "").strip().lower()
    return not tag.get("abuse") and not tag.get("actor") and category in SERVICE_CATEGORIES


def _references(tag: dict) -> list[dict]:
    source = str(tag.get("source") or "").strip()
    title = str(tag.get("title") or "TagPack")
    ref = {"source_name": f"GraphSense TagPack: {title}"}
    if source.startswith(("http://", "https://")):
        ref["url"] = source
    details = [
        f"creator {tag['creator']}" if tag.get("creator") else "",
        f"confidence {tag['confidence']}" if tag.get("confidence") else "",
        f"source {source}" if source and "url" not in ref else "",
    ]
    ref["description"] = "; ".join(d for d in details if d) or "address tag"
    return [ref]


@IMPORTERS.register
class TagPackImporter(Importer):
    name = "tagpack"
    description = "GraphSense TagPack YAML (address tags with label, category, abuse, actor, source)"
    sniff_order = 30

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return bool(_HEAD_TAGS_RE.search(head) and _HEAD_ADDRESS_RE.search(head))

    def read(self, path: Path, ctx: ImportContext) -> ImportBatch:
        data, lines = _parse(path)
        header = {k: data[k] for k in FIELDS if k in data}
        fallback = _when(header.get("lastmod"), "2020-01-01T00:00:00.000Z")
        batch = ImportBatch()
        objects: dict[str, dict] = {}
        skipped: dict[str, int] = {}
        actors: dict[str, str | None] = {}
        for index, raw in enumerate(data["tags"]):
            line = lines[index] if index < len(lines) else index + 1
            if (
                not isinstance(raw, dict)
                or not isinstance(raw.get("address"), str)
                or not raw["address"].strip()
            ):
                raise InputError(path, "a tag needs an `address`", index=line, what="line")
            tag = {**header, **{k: raw[k] for k in FIELDS if raw.get(k) is not None}}
            currency = str(tag.get("currency") or "").strip().upper()
            if not currency:
                raise InputError(
                    path,
                    "the tag has no currency (neither on the tag nor in the header)",
                    index=line,
                    what="line",
                )
            try:
                checked = check_address(currency, raw["address"].strip())
            except UnsupportedFormat:
                name = UNSUPPORTED_ASSETS.get(currency) or (
                    ASSETS[currency].name if currency in ASSETS else currency
                )
                skipped[name] = skipped.get(name, 0) + 1
                continue
            except ValueError as exc:
                raise InputError(path, str(exc), index=line, what="line") from None
            if checked.other_chain:
                batch.warnings.append(
                    f"line {line}: {checked.value} is a valid {checked.chain} address tagged "
                    f"{currency}; stored as a {checked.chain} address"
                )
            timestamp = _when(tag.get("lastmod"), fallback)
            key_source = str(tag.get("source") or tag.get("title") or path.name)
            if _is_service(tag):
                obj = _service_label(tag, checked, currency, timestamp, key_source)
            else:
                obj = _risk_indicator(tag, checked, currency, timestamp, key_source)
                actor_name = str(tag.get("actor") or "").strip()
                if actor_name:
                    if actor_name not in actors:
                        actors[actor_name] = ctx.resolve_actor(actor_name)
                    actor_id = actors[actor_name] or (
                        ctx.resolve_actor(str(tag["label"])) if tag.get("label") else None
                    )
                    if actor_id:
                        rel_id = stable_id("relationship", "indicates", obj["id"], actor_id)
                        objects.setdefault(
                            rel_id,
                            {
                                "type": "relationship",
                                "spec_version": "2.1",
                                "id": rel_id,
                                "created": timestamp,
                                "modified": timestamp,
                                "relationship_type": "indicates",
                                "source_ref": obj["id"],
                                "target_ref": actor_id,
                                "external_references": obj["external_references"],
                            },
                        )
            existing = objects.get(obj["id"])
            if existing is None:
                objects[obj["id"]] = obj
            elif obj.get("description") and obj["description"] not in existing.get("description", ""):
                existing["description"] = f"{existing.get('description', '')}\n{obj['description']}".strip()
        for name, count in sorted(skipped.items()):
            batch.warnings.append(f"{count} {name} tag(s) skipped: geobuk does not validate these addresses")
        # Relationships after the objects they point to, for readers that expect that order.
        batch.objects = sorted(objects.values(), key=lambda o: o["type"] == "relationship")
        if not batch.objects and not skipped:
            batch.warnings.append("no tags in the file")
        return batch


def _description(tag: dict) -> str:
    parts = [str(tag[k]).strip() for k in ("label", "description") if tag.get(k)]
    return " - ".join(dict.fromkeys(parts)) or "GraphSense tag"


def _risk_indicator(tag: dict, checked: CheckedAddress, currency: str, timestamp: str, source: str) -> dict:
    labels = _labels(tag)
    extra = {
        "label": str(tag.get("label") or "").strip() or None,
        "category": str(tag.get("category") or "").strip() or None,
    }
    return address_indicator(
        key=("tagpack", source, currency),
        checked=checked,
        asset=currency,
        timestamp=timestamp,
        labels=labels,
        indicator_types=["anonymization"] if labels == ["mixer"] else ["malicious-activity"],
        description=_description(tag),
        references=_references(tag),
        provenance=f"GraphSense TagPack: {tag.get('title') or 'untitled'}",
        extra={k: v for k, v in extra.items() if v},
    )


def _service_label(tag: dict, checked: CheckedAddress, currency: str, timestamp: str, source: str) -> dict:
    category = str(tag.get("category")).strip().lower()
    return {
        "type": LABEL_TYPE,
        "spec_version": "2.1",
        "id": stable_id(LABEL_TYPE, "tagpack", source, currency, checked.kind, checked.value),
        "created": timestamp,
        "modified": timestamp,
        "name": str(tag.get("label") or checked.value),
        "description": _description(tag),
        "labels": [LABEL_OF.get(category, category)],
        "value": checked.value,
        "x_geobuk_observable": {"type": checked.kind, "value": checked.value},
        "x_geobuk_address": {
            "chain": checked.chain,
            "asset": currency,
            "provenance": f"GraphSense TagPack: {tag.get('title') or 'untitled'}",
            "service": str(tag.get("label") or "").strip() or None,
        },
        "external_references": _references(tag),
    }
