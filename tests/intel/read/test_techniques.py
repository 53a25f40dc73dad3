from __future__ import annotations

import pytest

from geobuk.intel.read.techniques import DEFAULT_THRESHOLD, TechniqueExtractor, extract_techniques
from geobuk.intel.read.techniques_catalog import parent_of
from geobuk.intel.read.techniques_sentences import sentence_spans


@pytest.fixture(autouse=True)
def _own_home(tmp_path, monkeypatch):
    """Vectors of store prototypes are cached under GEOBUK_HOME: keep them out of the user's."""
    monkeypatch.setenv("GEOBUK_HOME", str(tmp_path / "home"))


def _described(facts):
    return {f.value: f for f in facts if f.data["how"] == "described"}


def _families(facts):
    return {parent_of(f.value) for f in facts}


def _spans_are_exact(text, facts):
    for f in facts:
        assert text[f.span.start:f.span.end] == f.span.text


# ------------------------------------------------------------------ explicit ids
def test_explicit_id_with_its_name():
    text = "Initial access: T1566.001 - Spearphishing Attachment, then T1059 for execution."
    facts = [f for f in extract_techniques(text) if f.data["how"] == "explicit"]
    assert [(f.value, f.span.text) for f in facts] == [
        ("T1566.001", "T1566.001 - Spearphishing Attachment"), ("T1059", "T1059")]
    assert facts[0].data == {"name": "Spearphishing Attachment", "how": "explicit", "score": 1.0}
    assert facts[1].data["name"] == "Command and Scripting Interpreter"
    _spans_are_exact(text, facts)


def test_name_before_the_id_and_attack_urls():
    text = ("They used Process Hollowing (T1055.012); see https://attack.mitre.org/techniques/T1003/001/ "
            "and Phishing: Spearphishing Link (T1566.002).")
    facts = [f for f in extract_techniques(text) if f.data["how"] == "explicit"]
    assert [(f.value, f.span.text) for f in facts] == [
        ("T1055.012", "Process Hollowing (T1055.012)"),
        ("T1003.001", "T1003/001"),
        ("T1566.002", "Phishing: Spearphishing Link (T1566.002)")]


def test_ids_inside_hashes_words_or_unknown_are_not_techniques():
    text = ("Dropped file_T1059.exe with blob QmFzZT1566xYz and id aT1566b; "
            "ticket T9999 and version T1059.0012 are not techniques either.")
    assert [f for f in extract_techniques(text) if f.data["how"] == "explicit"] == []


def test_revoked_ids_are_recognised_and_marked():
    facts = [f for f in extract_techniques("Older reports cite T1086.") if f.data["how"] == "explicit"]
    assert [f.value for f in facts] == ["T1086"]
    assert facts[0].data["status"] == "revoked"


# ------------------------------------------------------------------ described behaviour
@pytest.mark.parametrize(("sentence", "family"), [
    ("The actors sent spear-phishing emails with malicious attachments to the finance staff.", "T1566"),
    ("They exploited vulnerabilities in public-facing applications to get a first foothold.", "T1190"),
    ("The implant creates a scheduled task with schtasks so that it runs every hour.", "T1053"),
    ("Once on the host, the loader decrypts its configuration with a hard-coded XOR key.", "T1140"),
    ("The backdoor records every keystroke the user types and sends the log home.", "T1056"),
    ("The malware takes screenshots of the desktop every few minutes.", "T1113"),
])
def test_described_behaviour_in_english(sentence, family):
    facts = extract_techniques(sentence, language="en")
    assert family in _families(facts)
    fact = next(f for f in facts if parent_of(f.value) == family)
    assert fact.data["how"] == "described"
    assert DEFAULT_THRESHOLD <= fact.data["score"] <= 1.0
    assert fact.span.text == sentence


@pytest.mark.parametrize(("sentence", "family"), [
    ("Les attaquants ont envoyé des courriels d'hameçonnage aux employés du service comptable.", "T1566"),
    ("Le rançongiciel a chiffré tous les serveurs de fichiers de l'hôpital.", "T1486"),
    ("Le groupe s'est livré au vol d'identifiants sur les postes compromis.", "T1003"),
    ("Une tâche planifiée relance la porte dérobée à chaque démarrage de la machine.", "T1053"),
    ("Le logiciel malveillant réalise des captures d'écran du bureau de la victime.", "T1113"),
])
def test_described_behaviour_in_french(sentence, family):
    assert family in _families(extract_techniques(sentence, language="fr"))
    # the language is a hint only: an unknown language finds the same technique
    assert family in _families(extract_techniques(sentence))


def test_unrelated_text_has_no_technique():
    text = ("The quarterly budget meeting moved to Thursday afternoon because of the public holiday. "
            "La cantine servira du poisson vendredi midi. Our new office has a lovely view of the river.")
    assert extract_techniques(text) == []


def test_spans_point_at_the_sentence_in_a_longer_report():
    text = ("Summary\n\nIn March the group gained access to the network. The operators then used "
            "Mimikatz to dump credentials from LSASS memory. Finally, the ransomware encrypted "
            "the file servers and left a ransom note.")
    facts = extract_techniques(text)
    _spans_are_exact(text, facts)
    by_family = {parent_of(f.value): f for f in facts}
    assert by_family["T1003"].span.text == ("The operators then used Mimikatz to dump credentials from "
                                            "LSASS memory.")
    assert by_family["T1486"].span.text.startswith("Finally, the ransomware")
    assert [f.span.start for f in facts] == sorted(f.span.start for f in facts)


def test_threshold_trades_recall_for_precision():
    text = "The malware gathers the hostname and OS version of the victim machine."
    low = _described(extract_techniques(text, threshold=0.05))
    high = _described(extract_techniques(text, threshold=0.999))
    assert "T1082" in low
    assert set(high) < set(low)
    assert all(f.data["score"] >= 0.05 for f in low.values())


def test_many_texts_at_once_match_one_by_one():
    texts = ["The trojan injects its code into explorer.exe with CreateRemoteThread.",
             "Nothing to see here: the cafeteria opens at noon."]
    extractor = TechniqueExtractor()
    together = extractor.extract_many(texts)
    alone = [extractor.extract(t) for t in texts]
    assert [[(f.value, f.data["score"]) for f in fs] for fs in together] == \
        [[(f.value, f.data["score"]) for f in fs] for fs in alone]
    assert "T1055" in _families(together[0]) and together[1] == []


def test_sentences_do_not_end_at_file_names_or_abbreviations():
    text = "It runs cmd.exe, e.g. to list files. Then it exits.\n\n- first item\n- second item"
    assert [s.text for s in sentence_spans(text)] == [
        "It runs cmd.exe, e.g. to list files.", "Then it exits.", "- first item", "- second item"]


# ------------------------------------------------------------------ the store
_TEAPOT = {
    "type": "attack-pattern", "spec_version": "2.1",
    "id": "attack-pattern--0b7c2d8e-2f44-4f27-9a7e-3f8f2d8c1a11",
    "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
    "name": "Teapot Steam Exfiltration",
    "description": "Adversaries may hide stolen data inside the steam vented by a smart teapot, so that the "
                   "data leaves the building through the kitchen ventilation.",
    "external_references": [{"source_name": "mitre-attack", "external_id": "T1999",
                             "url": "https://attack.mitre.org/techniques/T1999"}],
}


def test_store_techniques_and_descriptions_are_used(store):
    with store.transaction():
        store.add_objects([_TEAPOT])
    sentence = "The attackers hid the stolen data inside the steam vented by the office's smart teapot."
    without = extract_techniques(sentence + " See T1999.")
    assert "T1999" not in {f.value for f in without}
    facts = extract_techniques(sentence + " See T1999.", store=store)
    found = {(f.value, f.data["how"]) for f in facts}
    assert ("T1999", "described") in found
    assert ("T1999", "explicit") in found
    assert next(f for f in facts if f.value == "T1999").data["name"] == "Teapot Steam Exfiltration"
