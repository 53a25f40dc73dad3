from __future__ import annotations

from factories import intrusion_set
from geobuk.intel.names import alias_vendors, names_of, normalize_name


def test_normalize_is_case_accent_and_punctuation_insensitive():
    assert normalize_name("Onyx Sleet") == normalize_name("onyx-sleet") == normalize_name("ONYXSLEET")
    assert normalize_name("Bureau général de reconnaissance") == "bureaugeneraldereconnaissance"
    assert normalize_name("APT-45") == "apt45"
    assert normalize_name("---") == ""


def test_names_of_ranks_the_name_over_aliases_and_keeps_overlaps():
    obj = intrusion_set("Lazarus Group", ["Hidden Cobra", "Andariel"],
                        x_geobuk_aliases=[{"name": "Andariel", "by": ["Vendor A"], "kind": "overlap"},
                                          {"name": "Diamond Sleet", "by": ["Microsoft"], "kind": "alias"}])
    rows = {r.name: r for r in names_of(obj)}
    assert rows["Lazarus Group"].kind == "name"
    assert rows["Hidden Cobra"].kind == "alias"
    assert rows["Andariel"].kind == "overlap" and rows["Andariel"].source == "Vendor A"
    assert rows["Diamond Sleet"].source == "Microsoft"


def test_alias_vendors_reads_attack_citations():
    obj = intrusion_set("Lazarus Group", ["ZINC"], external_references=[
        {"source_name": "ZINC", "description": "(Citation: Microsoft ZINC disruption Dec 2017)"}])
    assert alias_vendors(obj) == {"ZINC": ["Microsoft"]}
