"""MISP galaxy importer on hand-made galaxies shaped like the real threat-actor and ransomware ones."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
import stix2
from stix2validator import ValidationOptions, validate_instance

from factories import intrusion_set
from geobuk.errors import InputError
from geobuk.intel.importers import IMPORTERS, AliasClaim, ImportContext
from geobuk.intel.importers.misp_galaxy import MispGalaxyImporter, shared_names
from geobuk.intel.names import normalize_name
from geobuk.intel.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "misp"
ACTORS = FIXTURES / "dprk-actors.json"
SOURCE = "misp-galaxy:threat-actor"


def read(path: Path, known: dict[str, str] | None = None):
    known = {normalize_name(k): v for k, v in (known or {}).items()}
    ctx = ImportContext(resolve_actor=lambda name: known.get(normalize_name(name)))
    return MispGalaxyImporter().read(path, ctx)


def by_name(objects: list[dict]) -> dict[str, dict]:
    return {o["name"]: o for o in objects}


def curated(obj: dict) -> dict[str, str]:
    return {a["name"]: a["kind"] for a in obj.get("x_geobuk_aliases", [])}


def cluster_uuids(path: Path) -> dict[str, str]:
    return {v["value"]: v["uuid"] for v in json.loads(path.read_text())["values"]}


def head(path: Path) -> bytes:
    return path.read_bytes()[:65536]


# ---------------------------------------------------------------- detection
def test_sniff_recognises_galaxies_and_nothing_else(tmp_path):
    for name in ("dprk-actors.json", "dprk-ransomware.json", "sectors.json"):
        assert MispGalaxyImporter.sniff(FIXTURES / name, head(FIXTURES / name)), name
    event = FIXTURES / "lazarus-linux-backdoor.json"
    assert not MispGalaxyImporter.sniff(event, head(event))
    bundle = tmp_path / "bundle.json"
    bundle_id = "bundle--00000000-0000-4000-8000-000000000000"
    bundle.write_text(json.dumps({"type": "bundle", "id": bundle_id,
                                  "objects": [{"type": "intrusion-set", "spec_version": "2.1"}]}))
    assert not MispGalaxyImporter.sniff(bundle, head(bundle))
    assert IMPORTERS.first(lambda imp: imp.sniff(ACTORS, head(ACTORS))) is MispGalaxyImporter


# ---------------------------------------------------------------- nothing known yet
def test_unknown_clusters_become_intrusion_sets_with_their_misp_uuid():
    batch = read(ACTORS)
    uuids = cluster_uuids(ACTORS)
    objs = by_name(batch.objects)
    assert set(objs) == set(uuids)
    assert batch.aliases == []
    for name, obj in objs.items():
        assert obj["type"] == "intrusion-set" and obj["spec_version"] == "2.1"
        assert obj["id"] == f"intrusion-set--{uuids[name]}"
        assert {"source_name": "misp-galaxy", "external_id": uuids[name]} in obj["external_references"]
    lazarus = objs["Lazarus Group"]
    assert lazarus["x_geobuk_country"] == "KP"
    assert objs["Example Bear"]["x_geobuk_country"] == "RU"
    assert lazarus["description"].startswith("Umbrella name")
    assert "description" not in objs["Example Bear"]
    # "ZINC"/"Zinc" and "Lazarus group" (the name again) are one name each, not three.
    assert [a for a in curated(lazarus) if normalize_name(a) == "zinc"] == ["ZINC"]
    assert "Lazarus group" not in curated(lazarus)
    assert all(a["by"] == ["misp-galaxy"] for a in lazarus["x_geobuk_aliases"])


def test_synonym_shared_by_clusters_is_an_overlap_on_each_not_an_alias():
    objs = by_name(read(ACTORS).objects)
    lazarus, silent = objs["Lazarus Group"], objs["Silent Chollima"]
    for obj in (lazarus, silent):
        assert curated(obj)["Andariel"] == "overlap"
        assert "Andariel" not in obj["aliases"]
    # Spelled differently, still the same name once punctuation and case are ignored.
    assert curated(lazarus)["Operation Troy"] == "overlap"
    assert curated(silent)["OperationTroy"] == "overlap"
    # A cluster's own value listed as another cluster's synonym is an overlap there.
    assert curated(objs["Kimsuky"])["APT43"] == "overlap"
    assert objs["APT43"]["name"] == "APT43"
    assert curated(lazarus)["Hidden Cobra"] == "alias" and "Hidden Cobra" in lazarus["aliases"]
    assert curated(objs["TraderTraitor"]) == {"Jade Sleet": "alias", "UNC4899": "alias"}
    assert curated(objs["WageMole"]) == {"Famous Chollima": "alias", "UNC5267": "alias"}


def test_shared_names_lists_every_cluster_using_a_name():
    from geobuk.intel.importers.misp_galaxy import parse_galaxy

    galaxy = parse_galaxy(ACTORS, orjson.loads(ACTORS.read_bytes()))
    shared = shared_names(galaxy.clusters)
    assert shared[normalize_name("Andariel")] == ["Lazarus Group", "Silent Chollima"]
    assert shared[normalize_name("APT43")] == ["Kimsuky", "APT43"]
    assert normalize_name("Jade Sleet") not in shared


def test_refs_that_are_not_urls_are_dropped_with_a_warning():
    batch = read(ACTORS)
    lazarus = by_name(batch.objects)["Lazarus Group"]
    urls = [r["url"] for r in lazarus["external_references"] if "url" in r]
    assert urls == ["https://example.org/reports/hidden-cobra"]
    assert any("not http(s) URLs" in w and w.startswith("1 ") for w in batch.warnings)


def test_timestamps_come_from_the_galaxy_version(tmp_path):
    first = read(ACTORS).objects
    assert {o["created"] for o in first} == {"2016-01-01T00:00:00.000Z"}
    assert {o["modified"] for o in first} == {"2016-01-01T00:00:07.000Z"}  # version 7
    newer = tmp_path / "newer.json"
    data = json.loads(ACTORS.read_text())
    data["version"] = 8
    newer.write_text(json.dumps(data))
    second = read(newer).objects
    assert [o["created"] for o in second] == [o["created"] for o in first]
    assert all(b["modified"] > a["modified"] for a, b in zip(first, second, strict=True))


def test_reading_twice_gives_identical_objects():
    assert read(ACTORS).objects == read(ACTORS).objects


def test_objects_parse_and_validate_as_stix():
    options = ValidationOptions(version="2.1")
    for path in (ACTORS, FIXTURES / "dprk-ransomware.json"):
        for obj in read(path).objects:
            assert stix2.parse(obj, allow_custom=True).id == obj["id"]
            result = validate_instance(obj, options)
            assert result.is_valid, [str(e) for e in result.errors]


# ---------------------------------------------------------------- merging into known actors
KNOWN = {
    "Lazarus Group": "intrusion-set--00000000-0000-4000-8000-000000000001",
    "Andariel": "intrusion-set--00000000-0000-4000-8000-000000000002",
    "Jade Sleet": "intrusion-set--00000000-0000-4000-8000-000000000003",
    "Famous Chollima": "intrusion-set--00000000-0000-4000-8000-000000000004",
    "CryptoCore": "intrusion-set--00000000-0000-4000-8000-000000000005",
    "BlueNoroff": "intrusion-set--00000000-0000-4000-8000-000000000006",
    "APT38": "intrusion-set--00000000-0000-4000-8000-000000000006",
}
LAZARUS, ANDARIEL, TRADER, WAGEMOLE = (KNOWN[k] for k in ("Lazarus Group", "Andariel", "Jade Sleet",
                                                           "Famous Chollima"))


def claims_for(batch, actor_id: str) -> set[str]:
    return {c.alias for c in batch.aliases if c.actor_id == actor_id}


def test_matched_cluster_becomes_alias_claims_not_a_new_object():
    batch = read(ACTORS, KNOWN)
    names = {o["name"] for o in batch.objects}
    assert not names & {"Lazarus Group", "TraderTraitor", "WageMole"}
    assert all(c.source == SOURCE for c in batch.aliases)
    assert claims_for(batch, TRADER) == {"TraderTraitor", "Jade Sleet", "UNC4899"}
    assert claims_for(batch, WAGEMOLE) == {"WageMole", "Famous Chollima", "UNC5267"}
    assert AliasClaim(LAZARUS, "Hidden Cobra", SOURCE) in batch.aliases


def test_shared_synonym_never_merges_two_known_actors():
    batch = read(ACTORS, KNOWN)
    lazarus = claims_for(batch, LAZARUS)
    assert "Andariel" not in lazarus
    assert any("'Andariel'" in w and "Lazarus Group, Silent Chollima" in w for w in batch.warnings)
    # APT38 already names another known actor: it is not attached to Lazarus either.
    assert "APT38" not in lazarus
    assert any("'APT38' already names" in w for w in batch.warnings)
    # No claim ever moves a name that resolves to one actor onto another.
    for claim in batch.aliases:
        owner = KNOWN.get(claim.alias)
        assert owner in (None, claim.actor_id), claim


def test_shared_synonym_is_not_used_to_match_a_cluster():
    # Silent Chollima's only known synonym is Andariel, which the file also gives to Lazarus Group:
    # matching on it would merge Silent Chollima into whichever cluster came first.
    batch = read(ACTORS, {"Andariel": ANDARIEL})
    objs = by_name(batch.objects)
    assert "Silent Chollima" in objs
    assert claims_for(batch, ANDARIEL) == set()


def test_cluster_whose_synonyms_name_several_actors_is_kept_apart():
    batch = read(ACTORS, KNOWN)
    sapphire = by_name(batch.objects)["Sapphire Sleet"]
    assert curated(sapphire) == {"CryptoCore": "overlap", "BlueNoroff": "overlap"}
    assert "aliases" not in sapphire
    assert any("'Sapphire Sleet'" in w and "several known actors" in w for w in batch.warnings)


# ---------------------------------------------------------------- other galaxies
def test_malware_galaxy_becomes_malware_families():
    batch = read(FIXTURES / "dprk-ransomware.json")
    objs = by_name(batch.objects)
    assert set(objs) == {"Maui", "H0lyGh0st"}
    uuids = cluster_uuids(FIXTURES / "dprk-ransomware.json")
    for name, obj in objs.items():
        assert obj["type"] == "malware" and obj["is_family"] is True
        assert obj["id"] == f"malware--{uuids[name]}"
        assert "x_geobuk_country" not in obj
    assert objs["H0lyGh0st"]["aliases"] == ["SiennaPurple", "SiennaBlue"]
    assert batch.aliases == []


def test_galaxy_of_another_kind_imports_nothing_and_says_why():
    batch = read(FIXTURES / "sectors.json")
    assert batch.objects == [] and batch.aliases == []
    assert len(batch.warnings) == 1 and "'sector'" in batch.warnings[0]


# ---------------------------------------------------------------- broken input
def test_file_that_is_not_json_names_the_file():
    path = FIXTURES / "galaxy-truncated.json"
    with pytest.raises(InputError) as err:
        read(path)
    assert str(path) in str(err.value) and "JSON" in str(err.value)


def test_cluster_without_value_is_named_by_index():
    path = FIXTURES / "galaxy-cluster-without-value.json"
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.index == 1
    assert str(err.value) == f"{path}: cluster 1: has no 'value' (name)"


@pytest.mark.parametrize(("change", "index", "words"), [
    (lambda d: d["values"][2].update(uuid="not-a-uuid"), 2, "no valid 'uuid'"),
    (lambda d: d["values"][3].update(uuid=d["values"][0]["uuid"]), 3, "repeats uuid"),
    (lambda d: d["values"][4]["meta"].update(synonyms=[1, 2]), 4, "'synonyms' is not a list of strings"),
    (lambda d: d["values"].__setitem__(5, "APT43"), 5, "not a JSON object"),
    (lambda d: d.update(version="seven"), None, "'version' is not a whole number"),
    (lambda d: d.pop("type"), None, "no 'type'"),
    (lambda d: d.pop("values"), None, "not a MISP galaxy"),
])
def test_broken_galaxies_raise_one_line_input_errors(tmp_path, change, index, words):
    data = json.loads(ACTORS.read_text())
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.index == index
    assert words in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


# ---------------------------------------------------------------- through the store
def _store_import(store: Store, path: Path):
    batch = MispGalaxyImporter().read(path, ImportContext(resolve_actor=store.resolve))
    with store.transaction():
        counts = store.add_objects(batch.objects)
        counts.aliases = store.add_alias_claims(batch.aliases)
    return batch, counts


def test_reimport_into_the_store_changes_nothing(store):
    first, counts = _store_import(store, ACTORS)
    assert counts.added == len(first.objects) == 8
    again, counts = _store_import(store, ACTORS)
    assert again.objects == first.objects and again.aliases == []
    assert (counts.added, counts.versions, counts.aliases) == (0, 0, 0)
    # The overlap stays unresolved; the names only one cluster uses resolve to it.
    uuids = cluster_uuids(ACTORS)
    assert store.resolve("Andariel") is None
    assert store.resolve("Onyx Sleet") == f"intrusion-set--{uuids['Silent Chollima']}"
    assert store.resolve("UNC5267") == f"intrusion-set--{uuids['WageMole']}"


def test_store_actors_keep_their_names_when_a_galaxy_merges_into_them(store):
    lazarus, andariel = intrusion_set("Lazarus Group"), intrusion_set("Andariel", ["Onyx Sleet"])
    with store.transaction():
        store.add_objects([lazarus, andariel])
    batch, counts = _store_import(store, ACTORS)
    assert counts.aliases > 0
    assert store.resolve("Hidden Cobra") == lazarus["id"]
    assert store.resolve("Andariel") == andariel["id"]
    # Silent Chollima is matched through Onyx Sleet (known), not through the shared Andariel.
    assert store.resolve("Silent Chollima") == andariel["id"]
    assert store.resolve("PLUTONIUM") == andariel["id"]
    assert "Silent Chollima" not in {o["name"] for o in batch.objects}
