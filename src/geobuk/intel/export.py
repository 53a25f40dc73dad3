"""STIX 2.1 bundles of what the store holds, for partners and other tools."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import orjson

from geobuk.intel.store import Store


def export_bundle(store: Store, types: Iterable[str] | None = None) -> bytes:
    """A bundle of current objects (of ``types`` and the relationships among them) as JSON bytes.

    Objects are written exactly as stored, so importing the export changes nothing.
    """
    types = list(types or [])
    objects = list(store.objects(types or None))
    if types and "relationship" not in types:
        ids = {o["id"] for o in objects}
        objects += [r for r in store.objects(["relationship"])
                    if r["source_ref"] in ids and r["target_ref"] in ids]
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
    return orjson.dumps(bundle, option=orjson.OPT_INDENT_2)
