"""The built-in DPRK knowledge pack: valid STIX 2.1, sourced, deterministic, and honest about names.

The pack is what every geobuk command starts from, so these tests check the compiled output itself
(validator, stix2 parser, references, aliases and the vendor disagreements it must keep visible) and,
with small packs written here, that the compiler refuses the mistakes an author is likely to make.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import stix2
from stix2validator import ValidationOptions, validate_instance

from geobuk.intel.pack import PACK_RELEASED, PACK_VERSION, PackError, compile_pack, load_pack, pack_bundle

PACK_DIR = Path(__file__).resolve().parents[2] / "src" / "geobuk" / "intel" / "pack"

# Validator warnings the pack accepts, and why:
#   103: ids are UUIDv5 on purpose (geobuk.intel.ids.stable_id), so re-importing the pack is a no-op;
#   302: external references point to web pages, whose content changes; a hash would be wrong tomorrow;
#   401: x_geobuk_* are plain top-level custom properties that the rest of geobuk reads; STIX 2.1
#        still allows them, the validator only suggests extensions instead.
ACCEPTED_WARNINGS = {"103", "302", "401"}

# The aliases the pack must carry: (actor, name, a vendor who uses it, kind).
REQUIRED_ALIASES = [
    ("Andariel", "Onyx Sleet", "Microsoft", "alias"),
    ("Andariel", "Silent Chollima", "CrowdStrike", "alias"),
    ("Andariel", "Plutonium", "Microsoft", "alias"),
    ("Andariel", "Stonefly", "Symantec", "alias"),
    ("Andariel", "APT45", "Mandiant", "alias"),
    ("APT38", "BlueNoroff", "Kaspersky", "alias"),
    ("APT38", "Sapphire Sleet", "Microsoft", "alias"),
    ("APT38", "Stardust Chollima", "CrowdStrike", "alias"),
    ("Kimsuky", "APT43", "Mandiant", "alias"),
    ("Kimsuky", "Velvet Chollima", "CrowdStrike", "alias"),
    ("Kimsuky", "Emerald Sleet", "Microsoft", "alias"),
    ("APT37", "ScarCruft", "Kaspersky", "alias"),
    ("TraderTraitor", "Jade Sleet", "Microsoft", "alias"),
    ("TraderTraitor", "UNC4899", "Mandiant", "alias"),
    ("TraderTraitor", "Slow Pisces", "Palo Alto Networks Unit 42", "alias"),
    ("TraderTraitor", "Labyrinth Chollima", "CrowdStrike", "overlap"),
    ("Famous Chollima", "UNC5267", "Mandiant", "alias"),
    ("Famous Chollima", "Jasper Sleet", "Microsoft", "alias"),
    ("Famous Chollima", "Nickel Tapestry", "Secureworks", "alias"),
    ("Famous Chollima", "WageMole", "Palo Alto Networks Unit 42", "alias"),
    ("AppleJeus", "Citrine Sleet", "Microsoft", "alias"),
    ("Lazarus Group", "Andariel", "US Treasury", "overlap"),
    ("Lazarus Group", "BlueNoroff", "Kaspersky", "overlap"),
    ("Lazarus Group", "Labyrinth Chollima", "CrowdStrike", "overlap"),
]

ATTACK_GROUPS = {
    "Lazarus Group": "G0032", "Andariel": "G0138", "APT38": "G0082", "Kimsuky": "G0094", "APT37": "G0067",
    "Moonstone Sleet": "G1036", "AppleJeus": "G1049", "Contagious Interview": "G1052",
}


Objects = list[dict]
ById = dict[str, dict]


def norm(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return load_pack()


@pytest.fixture(scope="module")
def by_id(objects: list[dict]) -> dict[str, dict]:
    return {o["id"]: o for o in objects}


@pytest.fixture(scope="module")
def actors(objects: list[dict]) -> dict[str, dict]:
    return {o["name"]: o for o in objects if o["type"] == "intrusion-set"}


def relationships(objects: list[dict], rel_type: str) -> list[dict]:
    return [o for o in objects if o["type"] == "relationship" and o["relationship_type"] == rel_type]


def warning_codes(result) -> Counter:
    return Counter(re.search(r"\{(\d+)\}", str(w)).group(1) for w in result.warnings)


# ---------------------------------------------------------------------------------------- STIX validity
def test_bundle_is_valid_stix_21_with_only_the_accepted_warnings() -> None:
    bundle = pack_bundle()
    loose = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert loose.is_valid, [str(e) for e in loose.errors]
    assert set(warning_codes(loose)) <= ACCEPTED_WARNINGS
    strict = validate_instance(bundle, ValidationOptions(
        version="2.1", strict=True, enforce_refs=True, disabled=",".join(sorted(ACCEPTED_WARNINGS))))
    assert strict.is_valid, [str(e) for e in strict.errors]
    assert not strict.warnings


def test_bundle_parses_with_stix2(objects: list[dict]) -> None:
    parsed = stix2.parse(pack_bundle(), allow_custom=True)
    assert isinstance(parsed, stix2.v21.Bundle)
    assert [o.id for o in parsed.objects] == [o["id"] for o in objects]
    sets = [o for o in parsed.objects if o.id.startswith("intrusion-set--")]
    lazarus = next(o for o in sets if o.name == "Lazarus Group")
    assert any(a["name"] == "Andariel" for a in lazarus.x_geobuk_aliases)


def test_bundle_has_no_spec_version_and_a_version_bound_id() -> None:
    bundle = pack_bundle()
    assert bundle["type"] == "bundle" and "spec_version" not in bundle
    assert bundle["id"] == pack_bundle()["id"]
    assert bundle["id"].startswith("bundle--")


def test_every_object_is_21_versioned_by_the_pack_and_has_unique_id(objects: list[dict]) -> None:
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d+", PACK_VERSION)
    ids = Counter(o["id"] for o in objects)
    assert [i for i, n in ids.items() if n > 1] == []
    for obj in objects:
        assert obj["spec_version"] == "2.1", obj["id"]
        assert obj["x_geobuk_pack_version"] == PACK_VERSION, obj["id"]
        assert obj["created"] <= obj["modified"] <= PACK_RELEASED, obj["id"]


def test_every_object_cites_a_public_source(objects: list[dict]) -> None:
    for obj in objects:
        urls = [r.get("url", "") for r in obj.get("external_references", [])]
        assert any(u.startswith("https://") for u in urls), obj["id"]


# ---------------------------------------------------------------------------------------- ATT&CK alignment
def test_attack_objects_keep_attack_ids_and_dates(objects: list[dict], actors: dict[str, dict]) -> None:
    for name, attack_id in ATTACK_GROUPS.items():
        own = actors[name]["external_references"][0]
        assert own["source_name"] == "mitre-attack" and own["external_id"] == attack_id
        assert own["url"] == f"https://attack.mitre.org/groups/{attack_id}"
        assert actors[name]["modified"] == PACK_RELEASED
    stubs = [o for o in objects if o["type"] == "attack-pattern"]
    assert len(stubs) >= 20
    for stub in stubs:
        ref = stub["external_references"][0]
        assert ref["source_name"] == "mitre-attack"
        assert re.fullmatch(r"T\d{4}(\.\d{3})?", ref["external_id"])
        assert ref["url"] == "https://attack.mitre.org/techniques/" + ref["external_id"].replace(".", "/")
        # created == modified: ATT&CK's own (later modified) version supersedes the stub on import.
        assert stub["created"] == stub["modified"] < PACK_RELEASED
    mitre_owned = [o for o in objects if any(r["source_name"] == "mitre-attack"
                                             for r in o.get("external_references", []))]
    for obj in mitre_owned:  # "mitre-attack" means "this is ATT&CK object X": only first, only once
        refs = [r for r in obj["external_references"] if r["source_name"] == "mitre-attack"]
        assert len(refs) == 1 and obj["external_references"][0] is refs[0], obj["id"]


def test_intrusion_sets_use_malware_and_techniques(objects: list[dict], by_id: dict[str, dict]) -> None:
    uses = relationships(objects, "uses")
    for obj in objects:
        if obj["type"] != "intrusion-set":
            continue
        targets = {by_id[r["target_ref"]]["type"] for r in uses if r["source_ref"] == obj["id"]}
        assert "attack-pattern" in targets, obj["name"]
    used = {r["target_ref"] for r in uses}
    for malware in (o for o in objects if o["type"] == "malware"):
        assert malware["is_family"] is True
        assert malware["id"] in used, malware["name"]
    names = {o["name"] for o in objects if o["type"] == "malware"}
    assert {"Maui", "Dtrack", "TigerRAT", "SmallTiger", "LightHand", "ValidAlpha", "Rifdoor", "SUDDENICON",
            "ICONICSTEALER", "Gopuram", "SIMPLESEA", "AppleJeus", "BeaverTail", "InvisibleFerret",
            "Volgmer"} <= names


# ---------------------------------------------------------------------------------------- graph integrity
def test_relationships_and_refs_point_to_objects_of_the_pack(objects: Objects, by_id: ById) -> None:
    rels = [o for o in objects if o["type"] == "relationship"]
    assert len(rels) > 100
    for rel in rels:
        assert rel["source_ref"] in by_id, rel["id"]
        assert rel["target_ref"] in by_id, rel["id"]
        assert rel["source_ref"] != rel["target_ref"]
    for note in (o for o in objects if o["type"] == "note"):
        assert note["object_refs"] and all(ref in by_id for ref in note["object_refs"])


def test_rgb_is_an_identity_behind_a_nation_state_threat_actor(objects: Objects, by_id: ById) -> None:
    actor = next(o for o in objects if o["type"] == "threat-actor")
    assert actor["threat_actor_types"] == ["nation-state"]
    assert "RGB" in actor["aliases"]
    attributed = relationships(objects, "attributed-to")
    org_ids = [r["target_ref"] for r in attributed if r["source_ref"] == actor["id"]]
    assert len(org_ids) == 1
    org = by_id[org_ids[0]]
    assert org["type"] == "identity" and org["identity_class"] == "organization"
    assert org["name"] == "Reconnaissance General Bureau"
    for intrusion_set in (o for o in objects if o["type"] == "intrusion-set"):
        links = [r for r in attributed if r["source_ref"] == intrusion_set["id"]]
        assert [r["target_ref"] for r in links] == [actor["id"]], intrusion_set["name"]
        assert 0 <= links[0]["confidence"] <= 100


def test_targets_are_vocabulary_sectors_and_iso_countries(objects: Objects, by_id: ById) -> None:
    sectors = {o["name"]: o for o in objects if o["type"] == "identity" and o["identity_class"] == "class"}
    assert sectors["Nuclear"]["x_geobuk_subsector"] == "nuclear"
    assert sectors["Engineering"]["x_geobuk_subsector"] == "engineering"
    assert sectors["Cryptocurrency"]["sectors"] == ["financial-services"]
    assert sectors["Cryptocurrency"]["x_geobuk_subsector"] == "cryptocurrency"
    for loc in (o for o in objects if o["type"] == "location"):
        assert re.fullmatch(r"[A-Z]{2}", loc["country"])
    targets = relationships(objects, "targets")
    assert targets
    for rel in targets:
        assert by_id[rel["target_ref"]]["type"] in ("identity", "location")
        assert by_id[rel["source_ref"]]["type"] in ("intrusion-set", "campaign")


# ---------------------------------------------------------------------------------------- names
def test_required_aliases_are_on_the_right_actor_with_their_vendor(actors: dict[str, dict]) -> None:
    for actor, alias, vendor, kind in REQUIRED_ALIASES:
        obj = actors[actor]
        assert norm(alias) in {norm(a) for a in obj["aliases"]}, (actor, alias)
        entries = [a for a in obj["x_geobuk_aliases"] if norm(a["name"]) == norm(alias)]
        assert len(entries) == 1, (actor, alias)
        assert vendor in entries[0]["by"], (actor, alias, entries[0]["by"])
        assert entries[0]["kind"] == kind, (actor, alias)
    expected_sets = {"Lazarus Group", "Andariel", "APT38", "Kimsuky", "APT37", "TraderTraitor",
                     "Famous Chollima", "Moonstone Sleet", "AppleJeus", "Contagious Interview"}
    assert expected_sets <= set(actors)


def test_stix_aliases_hold_every_curated_name(objects: list[dict]) -> None:
    for obj in (o for o in objects if o["type"] in ("intrusion-set", "threat-actor")):
        stix_names = {norm(a) for a in obj["aliases"]}
        assert norm(obj["name"]) in stix_names
        for entry in obj["x_geobuk_aliases"]:
            assert set(entry) == {"name", "by", "kind"}
            assert entry["kind"] in ("alias", "overlap")
            assert entry["by"] and all(isinstance(v, str) and v for v in entry["by"])
            assert norm(entry["name"]) in stix_names, (obj["name"], entry["name"])


def test_an_alias_names_exactly_one_actor(objects: list[dict]) -> None:
    owners: dict[str, set[str]] = {}
    for obj in (o for o in objects if o["type"] in ("intrusion-set", "threat-actor")):
        for entry in obj["x_geobuk_aliases"]:
            if entry["kind"] == "alias":
                owners.setdefault(norm(entry["name"]), set()).add(obj["id"])
    assert owners
    assert {name: ids for name, ids in owners.items() if len(ids) > 1} == {}


def test_andariel_lazarus_disagreement_is_modelled(objects: list[dict], actors: dict[str, dict]) -> None:
    lazarus, andariel = actors["Lazarus Group"], actors["Andariel"]
    overlap = next(a for a in lazarus["x_geobuk_aliases"] if a["name"] == "Andariel")
    assert overlap["kind"] == "overlap"
    assert next(a for a in andariel["x_geobuk_aliases"] if a["name"] == "Andariel")["kind"] == "alias"
    related = [r for r in relationships(objects, "related-to")
               if {r["source_ref"], r["target_ref"]} == {lazarus["id"], andariel["id"]}]
    assert len(related) == 1
    text = related[0]["description"]
    # Who says what: both positions are named, each with at least one vendor holding it.
    assert "sub-group" in text and "separately" in text
    assert "Treasury" in text and "ATT&CK" in text
    pair = {lazarus["id"], andariel["id"]}
    assert [n for n in objects if n["type"] == "note" and pair <= set(n["object_refs"])]


def test_labyrinth_chollima_is_never_given_to_one_actor(objects: list[dict], actors: dict[str, dict]) -> None:
    holders = {name: a for name, obj in actors.items() for a in obj["x_geobuk_aliases"]
               if norm(a["name"]) == "labyrinthchollima"}
    assert {"Lazarus Group", "TraderTraitor"} <= set(holders)
    assert {a["kind"] for a in holders.values()} == {"overlap"}
    note = next(n for n in objects if n["type"] == "note" and "Labyrinth Chollima" in n["abstract"])
    assert {actors["Lazarus Group"]["id"], actors["TraderTraitor"]["id"]} <= set(note["object_refs"])


# ---------------------------------------------------------------------------------------- campaigns
def _campaign(objects: list[dict], text: str) -> dict:
    found = [o for o in objects if o["type"] == "campaign" and text in o["name"]]
    assert len(found) == 1, text
    return found[0]


@pytest.mark.parametrize(("campaign", "actor", "source_url"), [
    ("AA24-207A", "Andariel", "https://www.cisa.gov/news-events/cybersecurity-advisories/aa24-207a"),
    ("JumpCloud", "TraderTraitor", "https://cloud.google.com/blog/topics/threat-intelligence/north-korea-supply-chain"),
    ("Europe", "Famous Chollima",
     "https://cloud.google.com/blog/topics/threat-intelligence/dprk-it-workers-expanding-scope-scale"),
    ("UN Panel", "Lazarus Group", "https://www.un.org/securitycouncil/sanctions/1718/panel_experts/reports"),
])
def test_seed_campaigns_are_attributed_and_sourced(objects: Objects, actors: ById, campaign: str, actor: str,
                                                  source_url: str) -> None:
    obj = _campaign(objects, campaign)
    assert source_url in [r["url"] for r in obj["external_references"]]
    attributed = relationships(objects, "attributed-to")
    targets = {r["target_ref"] for r in attributed if r["source_ref"] == obj["id"]}
    assert actors[actor]["id"] in targets


def test_un_panel_campaign_carries_the_amount(objects: list[dict]) -> None:
    obj = _campaign(objects, "UN Panel")
    assert obj["x_geobuk_amount"] == {"value": 2000000000, "currency": "USD"}


def test_jumpcloud_campaign_is_dated_and_targets_crypto(objects: list[dict], by_id: dict[str, dict]) -> None:
    obj = _campaign(objects, "JumpCloud")
    assert obj["first_seen"].startswith("2023-06")
    subsectors = {by_id[r["target_ref"]].get("x_geobuk_subsector")
                  for r in relationships(objects, "targets") if r["source_ref"] == obj["id"]}
    assert "cryptocurrency" in subsectors


# ---------------------------------------------------------------------------------------- determinism
def test_loads_are_equal_and_independent() -> None:
    first, second = load_pack(), load_pack()
    assert first == second
    first[0]["name"] = "mutated by a caller"
    first.pop()
    assert load_pack() == second


def test_compiling_twice_gives_the_same_objects_in_the_same_order() -> None:
    assert compile_pack(PACK_DIR) == compile_pack(PACK_DIR) == load_pack()


# ---------------------------------------------------------------------------------------- compiler guards
MINIMAL = {
    "head.yaml": """
pack: {version: "2030.01.1", released: "2030-01-02T00:00:00.000Z"}
vendors: [VendorA, VendorB]
sources:
  src: {name: Source, url: "https://example.org/report"}
""",
    "actors.yaml": """
organisations:
  org: {name: Bureau, identity_class: organization, sources: [src]}
threat_actors:
  ta:
    name: State
    types: [nation-state]
    aliases: [{name: State, by: [VendorA]}]
    attributed_to: [{ref: org, sources: [src]}]
    sources: [src]
intrusion_sets:
  one:
    name: One
    aliases: [{name: Shared, by: [VendorA]}]
    attributed_to: [{ref: ta, sources: [src]}]
    uses: [{sources: [src], malware: [mal]}]
    sources: [src]
  two:
    name: Two
    aliases: [{name: Shared, by: [VendorB], kind: overlap}]
    attributed_to: [{ref: ta, sources: [src]}]
    sources: [src]
malware:
  mal: {name: Mal, types: [backdoor], sources: [src]}
""",
}


def write_pack(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_a_small_pack_compiles_with_its_own_version(tmp_path: Path) -> None:
    objects = compile_pack(write_pack(tmp_path, MINIMAL))
    assert Counter(o["type"] for o in objects) == Counter(
        {"identity": 1, "threat-actor": 1, "intrusion-set": 2, "malware": 1, "relationship": 4})
    assert {o["x_geobuk_pack_version"] for o in objects} == {"2030.01.1"}
    assert {o["modified"] for o in objects} == {"2030-01-02T00:00:00.000Z"}


@pytest.mark.parametrize(("edit", "message"), [
    (("malware: [mal]}]", "malware: [nope]}]"), "unknown key"),
    (("Shared, by: [VendorB], kind: overlap", "Shared, by: [VendorB]"), "more than one actor"),
    (("Shared, by: [VendorB]", "Shared, by: [VendorC]"), "unknown vendor"),
    (("mal: {name: Mal, types: [backdoor], sources: [src]}", "mal: {name: Mal, types: [backdoor]}"),
     "cites no source"),
    (("uses: [{sources: [src], malware: [mal]}]", "uses: [{malware: [mal]}]"), "sources"),
    (("kind: overlap", "kind: maybe"), "kind"),
    (("uses: [{sources: [src], malware: [mal]}]", "uses: []"), "never used"),
    (("    attributed_to: [{ref: ta, sources: [src]}]\n    sources: [src]\nmalware",
      "    sources: [src]\nmalware"), "attributed to a threat actor"),
])
def test_compiler_refuses_broken_packs(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    old, new = edit
    assert old in MINIMAL["actors.yaml"]
    files = dict(MINIMAL, **{"actors.yaml": MINIMAL["actors.yaml"].replace(old, new, 1)})
    with pytest.raises(PackError, match=message):
        compile_pack(write_pack(tmp_path, files))


def test_compiler_refuses_a_key_defined_twice(tmp_path: Path) -> None:
    again = "malware:\n  mal: {name: Other, types: [trojan], sources: [src]}\n"
    files = dict(MINIMAL, **{"more.yaml": again})
    with pytest.raises(PackError, match="already used"):
        compile_pack(write_pack(tmp_path, files))
