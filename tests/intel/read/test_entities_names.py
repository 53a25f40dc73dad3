"""Actor, malware and campaign names of the store found in English and French running text."""

from __future__ import annotations

import pytest

from factories import intrusion_set, malware
from geobuk.intel.importing import ensure_builtin_pack
from geobuk.intel.read.entities import extract_entities
from geobuk.intel.read.model import Document
from geobuk.intel.store import Store


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("pack") / "x.duckdb") as s:
        ensure_builtin_pack(s)
        yield s


def kinds(store, text: str, kind: str, **doc) -> list:
    return [f for f in extract_entities(Document("t", text, **doc), store) if f.kind == kind]


def test_french_sentence_names_andariel_with_span_and_canonical_name(pack):
    text = "D'après l'enquête, un groupe nommé Andariel a mené ces intrusions pendant des mois."
    [fact] = kinds(pack, text, "actor")
    assert fact.value == pack.resolve("Andariel")
    assert text[fact.span.start:fact.span.end] == "Andariel" == fact.span.text
    assert fact.data["name"] == "Andariel" and fact.data["alias"] == "Andariel"
    assert fact.type == "intrusion-set"
    # Andariel is also an overlap name on Lazarus Group: listed, but the primary name wins.
    ids = {c["id"] for c in fact.data["candidates"]}
    assert pack.resolve("Lazarus Group") in ids and fact.data["ambiguous"] is False


@pytest.mark.parametrize("alias", ["Onyx Sleet", "APT45", "Silent Chollima", "PLUTONIUM", "Stonefly"])
def test_vendor_aliases_resolve_to_the_canonical_actor(pack, alias):
    [fact] = kinds(pack, f"The advisory says {alias} kept probing the servers.", "actor")
    assert fact.value == pack.resolve("Andariel")
    assert fact.data == {**fact.data, "name": "Andariel", "alias": alias}


def test_separators_inside_a_name_may_vary(pack):
    text = "Analysts track Onyx-Sleet and OnyxSleet, and also APT 45."
    facts = kinds(pack, text, "actor")
    assert [f.span.text for f in facts] == ["Onyx-Sleet", "OnyxSleet", "APT 45"]
    assert {f.value for f in facts} == {pack.resolve("Andariel")}


def test_lazarus_alone_names_lazarus_group(pack):
    facts = kinds(pack, "Le groupe Lazarus a encore frappé. Lazarus Group is the umbrella name.", "actor")
    assert [f.span.text for f in facts] == ["Lazarus", "Lazarus Group"]
    assert {f.value for f in facts} == {pack.resolve("Lazarus Group")}
    assert facts[0].data["name"] == "Lazarus Group"


def test_lower_case_ordinary_words_never_fire(pack):
    text = ("A hidden cobra lay in the grass; the grim reaper and the zinc roof, the rgb colour and a "
            "plutonium core appear in this sentence, as does the agenda of the meeting.")
    assert kinds(pack, text, "actor") == [] and kinds(pack, text, "malware") == []


def test_capitalised_multiword_overlap_name_fires(pack):
    [fact] = kinds(pack, "The FBI once grouped this activity under Hidden Cobra.", "actor")
    assert fact.value == pack.resolve("Lazarus Group") and fact.data["alias"] == "Hidden Cobra"


def test_short_capital_names_need_capitals(pack):
    assert [f.span.text for f in kinds(pack, "Le RGB dirige ces unités.", "actor")] == ["RGB"]
    assert kinds(pack, "Le Rgb dirige ces unités.", "actor") == []
    assert [f.span.text for f in kinds(pack, "Microsoft once called it ZINC.", "actor")] == ["ZINC"]
    assert kinds(pack, "Microsoft once called it Zinc.", "actor") == []


def test_ordinary_word_alias_not_read_at_sentence_start(pack):
    # "Reaper" (an APT37 alias) is an English word: capitalised mid-sentence it is the actor...
    [fact] = kinds(pack, "Les chercheurs relient l'attaque au groupe Reaper depuis longtemps.", "actor")
    assert fact.value == pack.resolve("APT37")
    # ...but opening a sentence, any word is capitalised.
    assert kinds(pack, "Reaper drones were shown at the parade.", "actor") == []


def test_names_need_word_boundaries(pack):
    assert kinds(pack, "Mandariel and Andariels and APT450 and XAPT45 are not names.", "actor") == []


def test_ambiguous_overlap_name_lists_every_candidate(pack):
    text = "CrowdStrike named the intruder Labyrinth Chollima in its report."
    [fact] = kinds(pack, text, "actor")
    assert fact.value == "" and fact.data["ambiguous"] is True and fact.data["name"] is None
    expected = {pack.resolve(n) for n in ("Lazarus Group", "TraderTraitor", "AppleJeus", "Moonstone Sleet")}
    assert {c["id"] for c in fact.data["candidates"]} == expected
    assert {c["kind"] for c in fact.data["candidates"]} == {"overlap"}


def test_ambiguous_name_settled_by_an_unambiguous_co_mention(pack):
    text = "CrowdStrike said Labyrinth Chollima, while Mandiant tied the intrusion to UNC4899."
    labyrinth, unc = kinds(pack, text, "actor")
    assert unc.value == pack.resolve("TraderTraitor")
    assert labyrinth.value == unc.value and labyrinth.data["resolved_by"] == "co-mention"


def test_malware_and_tools(pack):
    text = ("Le rançongiciel Maui a chiffré les serveurs, puis WannaCry et le cheval de Troie Dtrack "
            "sont apparus.")
    facts = kinds(pack, text, "malware")
    assert [f.data["name"] for f in facts] == ["Maui", "WannaCry", "Dtrack"]
    assert all(f.value.startswith("malware--") for f in facts)


def test_name_of_both_an_actor_and_a_malware_follows_the_words_around_it(pack):
    text = "The AppleJeus malware was signed. Later the AppleJeus group moved on."
    facts = [f for f in extract_entities(Document("t", text), pack) if f.kind in ("actor", "malware")]
    assert [(f.kind, f.span.text) for f in facts] == [("malware", "AppleJeus"), ("actor", "AppleJeus")]
    assert facts[0].value.startswith("malware--") and facts[1].value.startswith("intrusion-set--")
    signed = Document("t", "Le logiciel malveillant TraderTraitor a été signé.")
    [fact] = [f for f in extract_entities(signed, pack) if f.kind in ("actor", "malware")]
    assert fact.kind == "malware"


def test_campaign_names(pack):
    [fact] = kinds(pack, "Mandiant documented the 3CX Supply Chain Attack in detail.", "campaign")
    assert fact.type == "campaign" and fact.data["name"] == "3CX Supply Chain Attack"


def test_french_rendering_of_a_store_name(pack):
    [fact] = kinds(pack, "Les pirates dépendent du Bureau général de reconnaissance, selon Séoul.", "actor")
    assert fact.type == "threat-actor" and fact.data["name"] == "Reconnaissance General Bureau"


def test_names_added_to_the_store_are_found_next_time(store):
    with store.transaction():
        store.add_objects([intrusion_set("Velvet Harbour", ["Quiet Lantern"]), malware("GlassKey")])
    text = "Quiet Lantern deployed GlassKey against a ministry."
    assert [f.data["name"] for f in kinds(store, text, "actor")] == ["Velvet Harbour"]
    assert [f.data["name"] for f in kinds(store, text, "malware")] == ["GlassKey"]
    with store.transaction():
        store.add_objects([intrusion_set("Paper Falcon")])
    assert [f.data["name"] for f in kinds(store, "Then Paper Falcon appeared.", "actor")] == ["Paper Falcon"]


def test_many_mentions_in_a_long_text(pack):
    text = "Kimsuky a visé des diplomates, puis APT43 a recommencé. " * 400
    facts = kinds(pack, text, "actor")
    assert len(facts) == 800 and {f.value for f in facts} == {pack.resolve("Kimsuky")}
    assert all(text[f.span.start:f.span.end] == f.span.text for f in facts)
