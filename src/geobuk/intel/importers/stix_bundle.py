"""STIX 2.0 and 2.1 bundles (and bare lists or single objects): the format intel is shared in."""

from __future__ import annotations

from pathlib import Path

import orjson

from geobuk.errors import InputError
from geobuk.intel.importers.base import IMPORTERS, ImportBatch, ImportContext, Importer


def load_json(path: Path) -> object:
    """Parse a JSON file, or raise a one-line InputError saying where it is broken."""
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc})") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None


@IMPORTERS.register
class StixBundleImporter(Importer):
    name = "stix"
    description = "STIX 2.0/2.1 bundle, list of objects, or one object (2.0 is upgraded to 2.1)"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        text = head.lstrip()[:4096]
        return text[:1] in (b"{", b"[") and (b'"type"' in text and (
            b'"bundle"' in text or b'"spec_version"' in text or b'--' in text))

    def read(self, path: Path, ctx: ImportContext) -> ImportBatch:
        data = load_json(path)
        if isinstance(data, dict) and data.get("type") == "bundle":
            objects = data.get("objects")
            if objects is None:
                objects = []
            if not isinstance(objects, list):
                raise InputError(path, "bundle 'objects' is not a list")
            if data.get("spec_version") == "2.0":
                for obj in objects:
                    if isinstance(obj, dict):
                        obj.setdefault("spec_version", "2.0")
        elif isinstance(data, list):
            objects = data
        elif isinstance(data, dict) and "type" in data and "id" in data:
            objects = [data]
        else:
            raise InputError(path, "not a STIX bundle, object list or object")
        return ImportBatch(objects=objects)
