"""MISP event importer on hand-made events in MISP's three export shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import stix2
from stix2validator import ValidationOptions, validate_instance

from geobuk.errors import InputError
from geobuk.intel.ids import stable_id
from geobuk.intel.importers import IMPORTERS, ImportContext
from geobuk.intel.importers.misp_event import MispEventImporter
from geobuk.intel.names import normalize_name
from geobuk.intel.observables import normalize
from geobuk.intel.patterns import observables_in_pattern, pattern_for

FIXTURES = Path(__file__).parent / "fixtures" / "misp"
EVENT = FIXTURES / "lazarus-linux-backdoor.json"
LAZARUS = "intrusion-set--00000000-0000-4000-8000-00000000000a"
KIMSUKY = "intrusion-set--00000000-0000-4000-8000-00000000000b"
KNOWN = {"Lazarus Group": LAZARUS, "Kimsuky": KIMSUKY}


def read(path: Path, known: dict[str, str] | None = None):
    known = {normalize_name(k): v for k, v in (KNOWN if known is None else known).items()}
    return MispEventImporter().read(path, ImportContext(resolve_actor=lambda n: known.get(normalize_name(n))))


def of_type(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["type"] == kind]


def observed(objects: list[dict]) -> dict[tuple[str, str], dict]:
    return {(o["x_geobuk_observable"]["type"], o["x_geobuk_observable"]["value"]): o
            for o in of_type(objects, "indicator")}


def event_json(path: Path = EVENT) -> dict:
    return json.loads(path.read_text())["response"][0]["Event"]


def attribute(uuid: str) -> dict:
    event = event_json()
    attrs = event["Attribute"] + [a for o in event["Object"] for a in o["Attribute"]]
    return next(a for a in attrs if a["uuid"] == uuid)


# ---------------------------------------------------------------- detection
@pytest.mark.parametrize("name", ["lazarus-linux-backdoor.json", "two-events.json", "prose-only-event.json"])
def test_sniff_recognises_every_export_shape(name):
    path = FIXTURES / name
    assert MispEventImporter.sniff(path, path.read_bytes()[:65536])
    assert IMPORTERS.first(lambda imp: imp.sniff(path, path.read_bytes()[:65536])) is MispEventImporter


def test_sniff_rejects_a_galaxy():
    path = FIXTURES / "dprk-actors.json"
    assert not MispEventImporter.sniff(path, path.read_bytes())


# ---------------------------------------------------------------- indicators
# What the fixture's to_ids attributes are, once normalised (see lazarus-linux-backdoor.json).
EXPECTED = {
    ("md5", "6ddf38e0e404acfdb454702bb95bacc3"),  # upper-case in the event
    ("sha256", "f59882fcbcb0ef5a1f1e3b1378ce3c02061f77e464ce61fee4b1b22ca80254c3"),  # filename|sha256
    ("domain", "update.example-cdn.com"),  # domain|ip, both halves
    ("ipv4", "198.51.100.23"),
    ("ipv4", "192.0.2.44"),  # ip-dst|port
    ("url", "https://journal.example.net/djour.php"),
    ("email", "recruiter@example.org"),
    ("ipv4-cidr", "203.0.113.0/24"),  # to_ids given as "1"
    ("sha256", "7c833aaec13ce5eb6fd9413f0ec7e2796cc1d901c966a03cf3908d16afef7324"),  # in a file object
    ("md5", "54f86d18f728ac2a835903a3cff7cc12"),
    ("domain", "journalide.example.org"),  # in a domain-ip object
}


def test_one_indicator_per_to_ids_observable():
    batch = read(EVENT)
    found = observed(batch.objects)
    assert set(found) == EXPECTED
    assert len(of_type(batch.objects, "indicator")) == len(EXPECTED)
    for (kind, value), ind in found.items():
        assert ind["pattern"] == pattern_for(kind, value)
        assert ind["pattern_type"] == "stix"
        assert observables_in_pattern(ind["pattern"]) == [(kind, value)]
        assert value == normalize(kind, value)


def test_context_only_attributes_make_no_indicator():
    found = observed(read(EVENT).objects)
    values = {v for _, v in found}
    assert "203.0.113.7" not in values  # to_ids false
    assert "198.51.100.99" not in values  # to_ids false, in an object
    assert "2d10fdf9f623aacef0638e08f795fc24" not in values  # deleted
    assert not any(k == "filename" for k, _ in found)  # filename|sha256 gives the hash only


def test_indicator_ids_and_times_come_from_the_attribute():
    found = observed(read(EVENT).objects)
    md5 = found[("md5", "6ddf38e0e404acfdb454702bb95bacc3")]
    assert md5["id"] == "indicator--b3a29cf0-1a16-4494-b60c-0d45aa857db6"
    assert md5["valid_from"] == md5["created"] == "2023-04-14T14:32:48.000Z"  # timestamp 1681482768
    # domain|ip: the domain keeps the attribute's id, the address gets a stable one of its own.
    domain = found[("domain", "update.example-cdn.com")]
    address = found[("ipv4", "198.51.100.23")]
    assert domain["id"] == "indicator--7b0792b2-1202-40ed-a9ff-a2fdeacb3c67"
    assert address["id"] == stable_id("indicator", "7b0792b2-1202-40ed-a9ff-a2fdeacb3c67", "domain|ip",
                                      "ipv4", "198.51.100.23")


def test_composite_and_object_context_goes_into_the_description():
    found = observed(read(EVENT).objects)
    lure = found[("sha256", "f59882fcbcb0ef5a1f1e3b1378ce3c02061f77e464ce61fee4b1b22ca80254c3")]
    assert lure["description"] == "filename: HSBC_job_offer.pdf.zip\nlure archive"
    assert found[("ipv4", "192.0.2.44")]["description"] == "port: 443"
    in_file = found[("md5", "54f86d18f728ac2a835903a3cff7cc12")]
    assert in_file["description"] == "MISP object file (libudev.so)"


def test_skipped_attributes_are_counted_in_one_warning():
    warnings = read(EVENT).warnings
    skipped = [w for w in warnings if "attributes skipped" in w]
    assert len(skipped) == 1
    text = skipped[0]
    assert "4 not marked to_ids" in text  # an ip-dst, and a filename, ip-dst and port in objects
    assert "2 of types that are no indicator (vulnerability 1, text 1)" in text
    assert "1 whose value does not fit its type (e.g. sha1 'not-a-hash')" in text
    assert "1 deleted" in text


# ---------------------------------------------------------------- actors
def test_known_actors_are_linked_with_indicates():
    batch = read(EVENT)
    rels = of_type(batch.objects, "relationship")
    indicators = of_type(batch.objects, "indicator")
    assert {r["relationship_type"] for r in rels} == {"indicates"}
    pairs = {(r["source_ref"], r["target_ref"]) for r in rels}
    # The event's actor (galaxy and tag: one name) is linked to every indicator ...
    assert {(i["id"], LAZARUS) for i in indicators} <= pairs
    # ... and the actor tagged on one attribute to that attribute's indicator only.
    cidr = "indicator--cba8f4f9-9aaa-4a65-86ad-0e8e0a464a63"
    assert {p for p in pairs if p[1] == KIMSUKY} == {(cidr, KIMSUKY)}
    assert len(rels) == len(indicators) + 1
    for rel in rels:
        assert rel["id"] == stable_id("relationship", "indicates", rel["source_ref"], rel["target_ref"])


def test_unknown_actor_names_are_warned_about_not_invented():
    batch = read(EVENT)
    assert any("Nonexistent Panda" in w and "not known" in w for w in batch.warnings)
    unknown_everything = read(EVENT, known={})
    assert of_type(unknown_everything.objects, "relationship") == []
    assert not of_type(unknown_everything.objects, "intrusion-set")
    assert any("Lazarus Group" in w and "Kimsuky" in w for w in unknown_everything.warnings)


def test_attack_intrusion_set_names_resolve_without_their_group_id():
    batch = read(FIXTURES / "two-events.json")
    rels = of_type(batch.objects, "relationship")
    assert [(r["source_ref"], r["target_ref"]) for r in rels] == [
        ("indicator--1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", KIMSUKY)]


# ---------------------------------------------------------------- the report
def test_report_refers_to_everything_made_and_its_author():
    batch = read(EVENT)
    (report,) = of_type(batch.objects, "report")
    (author,) = of_type(batch.objects, "identity")
    assert report["id"] == "report--8ab40f59-c1ad-4ba2-a2b7-547ca896aa8a"
    assert report["name"] == "Test: Linux backdoor linked to Lazarus"
    assert report["published"] == "2023-04-20T00:00:00.000Z"
    assert report["modified"] == "2023-04-20T09:30:00.000Z"  # timestamp 1681983000
    assert author["id"] == "identity--7dc74e99-154b-4e14-8492-39de1d36ff75"
    assert (author["name"], author["identity_class"]) == ("Example CERT", "organization")
    made = {o["id"] for o in batch.objects if o["type"] in ("indicator", "relationship")}
    assert set(report["object_refs"]) == made | {LAZARUS, KIMSUKY}
    assert len(report["object_refs"]) == len(set(report["object_refs"]))
    assert all(o.get("created_by_ref") == author["id"] for o in batch.objects if o["type"] != "identity")
    assert report["description"] == "The backdoor was delivered as a fake job offer."
    assert "tlp:white" in report["labels"]


def test_reading_twice_gives_identical_objects():
    assert read(EVENT).objects == read(EVENT).objects


def test_every_object_parses_and_validates_as_stix():
    options = ValidationOptions(version="2.1")
    for name in ("lazarus-linux-backdoor.json", "two-events.json"):
        for obj in read(FIXTURES / name).objects:
            assert stix2.parse(obj, allow_custom=True).id == obj["id"]
            result = validate_instance(obj, options)
            assert result.is_valid, [str(e) for e in result.errors]


def test_list_of_events_gives_one_report_each_and_one_author():
    batch = read(FIXTURES / "two-events.json")
    assert {r["name"] for r in of_type(batch.objects, "report")} == {
        "Test: trojanised npm package", "Test: spear-phishing with a think-tank lure"}
    assert len(of_type(batch.objects, "identity")) == 1
    assert len({o["id"] for o in batch.objects}) == len(batch.objects)


def test_event_with_nothing_to_refer_to_makes_no_report():
    batch = read(FIXTURES / "prose-only-event.json")
    assert batch.objects == []
    assert any("no report made" in w for w in batch.warnings)


# ---------------------------------------------------------------- broken input
def test_file_that_is_not_json_names_the_file():
    path = FIXTURES / "event-truncated.json"
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value).startswith(f"{path}: not valid JSON")


def test_json_without_an_event_is_refused():
    path = FIXTURES / "event-without-event.json"
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == f"{path}: not a MISP event export (no 'Event' object)"


def test_attribute_without_value_is_named_by_index():
    path = FIXTURES / "event-attribute-without-value.json"
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.index == 2
    assert str(err.value) == f"{path}: attribute 2: (domain) has no 'value'"


def test_object_attribute_without_type_names_the_object():
    path = FIXTURES / "event-object-attribute-without-type.json"
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.index == 1
    assert str(err.value) == f"{path}: Object 0 (file) attribute 1: has no 'type'"


@pytest.mark.parametrize(("change", "words"), [
    (lambda e: e["Attribute"][1].update(timestamp="soon"), "attribute 1: 'timestamp' is not a Unix time"),
    (lambda e: e["Attribute"][1].update(uuid="nope"), "attribute 1: has an invalid 'uuid'"),
    (lambda e: e.update(date="20/04/2023"), "'date' is not a date"),
    (lambda e: e.update(Attribute={"type": "md5"}), "'Attribute' is not a list"),
    (lambda e: e["Object"].append("file"), "Object 3: is not a JSON object"),
])
def test_broken_events_raise_one_line_input_errors(tmp_path, change, words):
    data = json.loads(EVENT.read_text())
    change(data["response"][0]["Event"])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value).startswith(f"{path}: ") and words in str(err.value)
    assert "\n" not in str(err.value)


def test_broken_event_in_a_list_is_named_by_its_number(tmp_path):
    data = json.loads((FIXTURES / "two-events.json").read_text())
    del data[1]["Event"]["Attribute"][0]["value"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == f"{path}: event 1 attribute 0: (md5) has no 'value'"
    data[1] = {"not": "an event"}
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == f"{path}: event 1: has no MISP 'Event' object"
