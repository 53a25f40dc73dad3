from __future__ import annotations

import json
from pathlib import Path

import pytest

from factories import T0, intrusion_set
from geobuk.errors import InputError
from geobuk.intel.importers import ImportContext
from geobuk.intel.importers.stix_bundle import StixBundleImporter
from geobuk.intel.importing import detect_importer, import_files


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


BUNDLE_ID = "bundle--0b9c6f8e-1d2a-4c3b-8e7f-6a5b4c3d2e1f"
STIX20_MALWARE = {"type": "malware", "id": "malware--9b1a5d4c-7d2e-4f38-a5b6-1c2d3e4f5a6b", "name": "Maui",
                  "labels": ["ransomware"], "created": T0, "modified": T0}


def test_bundle_20_is_upgraded_on_import(tmp_path, store):
    path = write(tmp_path / "b20.json", {"type": "bundle", "id": BUNDLE_ID,
                                         "spec_version": "2.0", "objects": [STIX20_MALWARE]})
    assert detect_importer(path).name == "stix"
    import_files(store, [path])
    stored = store.get(STIX20_MALWARE["id"])
    assert stored["spec_version"] == "2.1" and stored["is_family"] is True
    assert stored["malware_types"] == ["ransomware"]


def test_list_and_single_object_are_accepted(tmp_path):
    actor = intrusion_set("Kimsuky")
    for data in ([actor], actor):
        batch = StixBundleImporter().read(write(tmp_path / "x.json", data), ImportContext())
        assert [o["id"] for o in batch.objects] == [actor["id"]]


@pytest.mark.parametrize("data, message", [
    ({"type": "bundle", "objects": {"not": "a list"}}, "not a list"),
    ({"hello": "world"}, "not a STIX bundle"),
])
def test_not_a_bundle_is_a_clear_error(tmp_path, data, message):
    with pytest.raises(InputError, match=message) as err:
        StixBundleImporter().read(write(tmp_path / "bad.json", data), ImportContext())
    assert "bad.json" in str(err.value)


def test_bad_object_error_names_file_and_index(tmp_path, store):
    bad = dict(intrusion_set("Broken"), created="not a date")
    path = write(tmp_path / "feed.json", {"type": "bundle", "id": BUNDLE_ID,
                                          "objects": [intrusion_set("Fine"), bad]})
    with pytest.raises(InputError) as err:
        import_files(store, [path])
    assert str(err.value).startswith(f"{path}: object 1: ")
    assert store.stats()["objects"] == 0
