from __future__ import annotations

import numpy as np
import pytest

from geobuk.intel.read import techniques_model
from geobuk.intel.read.techniques import DEFAULT_THRESHOLD, TechniqueExtractor, extract_techniques
from geobuk.intel.read.techniques_catalog import StoreKnowledge, Technique, parent_of
from geobuk.intel.read.techniques_cues import cue_window
from geobuk.intel.read.techniques_lexical import LexicalBank
from geobuk.intel.read.techniques_model import procedure_model
from geobuk.intel.read.techniques_semantic import DIM, cache_dir, embed
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


# ------------------------------------------------------------------ long sentences and cues
def test_cue_window_keeps_the_words_around_the_cue():
    text = "one two three four five six seven RANSOM eight nine ten eleven twelve"
    start = text.index("RANSOM")
    assert cue_window(text, start, start + 6, words=2) == "six seven RANSOM eight nine"
    assert cue_window(text, start, start + 6, words=50) == text


@pytest.mark.parametrize(("sentence", "family", "language"), [
    ("Selon le porte-parole de l'agence, le groupe a par ailleurs lancé des attaques au rançongiciel contre "
     "plusieurs hôpitaux régionaux, afin d'« extorquer des fonds » et de financer le reste de ses activités.",
     "T1486", "fr"),
    ("Hospitals, universities and several regional energy providers across the country, some of them "
     "already short of staff, were hit by ransomware attacks during the winter, officials said on Tuesday.",
     "T1486", "en"),
    ("Les enquêteurs s'intéressent aussi à des activités de minage de cryptomonnaie menées sur les serveurs "
     "de plusieurs universités pour gagner des devises.", "T1496", "fr"),
])
def test_a_cue_in_a_long_sentence_is_not_drowned(sentence, family, language):
    """The sentence's vector averages everything it says; the words around the cue decide."""
    assert len(sentence) > 150
    assert family in _families(extract_techniques(sentence, language=language))


def test_a_security_vendor_named_is_not_security_software_discovery():
    text = ("Tom Hegel, an expert at SentinelOne, independently corroborated the attribution made by "
            "CrowdStrike and Mandiant.")
    assert "T1518" not in _families(extract_techniques(text, language="en"))
    found = extract_techniques("The dropper checks whether Kaspersky or ESET antivirus is installed.")
    assert "T1518" in _families(found)


# ------------------------------------------------------------------ words, classifier, store mode
def test_lexical_bank_tells_techniques_apart_by_their_words():
    pairs = [("T1140", f"The loader {verb} its payload with a single-byte XOR key before running it.")
             for verb in ("decrypts", "decodes", "deobfuscates", "unpacks")]
    pairs += [("T1113", f"The implant {verb} screenshots of the victim's desktop every minute.")
              for verb in ("takes", "captures", "grabs", "saves")]
    bank = LexicalBank(pairs)
    scores = bank.scores(["It decodes the payload with XOR.", "Screenshots are taken hourly.",
                          "The weather is nice."])
    xor, screen = bank.ids.index("T1140"), bank.ids.index("T1113")
    assert scores[0, xor] > 0.3 > scores[0, screen]
    assert scores[1, screen] > 0.2 > scores[1, xor]
    assert not scores[2].any()
    assert "victim" in bank.vocab and "hourly" not in bank.vocab  # a term must recur to count


def test_procedure_model_learns_and_is_cached(monkeypatch):
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(3, DIM)).astype(np.float32)
    vectors = np.vstack([c + 0.3 * rng.normal(size=(20, DIM)) for c in centres]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = {"T1003.001": "dumps lsass memory", "T1113": "takes screenshots", "T1140": "decodes xor payload"}
    pairs = [(tid, f"The implant {words[tid]} (sample {k}).") for tid in words for k in range(20)]
    model = procedure_model(pairs, vectors)
    assert model.ids == ["T1003", "T1113", "T1140"]  # classes are parent techniques
    unit = centres / np.linalg.norm(centres, axis=1, keepdims=True)
    probs = model.probabilities(unit, ["", "", ""])
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert list(probs.argmax(axis=1)) == [0, 1, 2]
    # the words count too: the same vector, worded as another technique, moves towards it
    worded = model.probabilities(unit[:1], ["It takes screenshots of the screen."])
    assert worded[0, 1] > probs[0, 1]
    assert list(cache_dir().glob("model-*.npz"))
    monkeypatch.setattr(techniques_model, "fit_classifier",
                        lambda *a, **k: pytest.fail("refitted instead of read from the cache"))
    cached = procedure_model(pairs, vectors)
    assert np.array_equal(cached.weights, model.weights)  # from the cache, as fitted
    assert np.array_equal(cached.probabilities(unit, ["", "", ""]), probs)


def test_procedure_model_shares_a_bank_made_from_the_same_texts(monkeypatch):
    """The extractor lends its own word bank: same vocabulary and IDF, so the same cached model."""
    words = {"T1003.001": "dumps lsass memory", "T1113": "takes screenshots", "T1140": "decodes xor payload"}
    pairs = [(tid, f"The implant {words[tid]} (sample {k}).") for tid in words for k in range(20)]
    vectors = np.zeros((len(pairs), DIM), dtype=np.float32)
    alone = procedure_model(pairs, vectors)
    monkeypatch.setattr(techniques_model, "fit_classifier",
                        lambda *a, **k: pytest.fail("a bank of the same texts made a different model"))
    bank = LexicalBank(pairs)  # by sub-technique: other centroids, the same words
    shared = procedure_model(pairs, vectors, bank)
    assert shared.lexical is bank and shared.ids == alone.ids
    texts = ["It dumps lsass memory.", "Screenshots are taken."]
    assert np.array_equal(shared.probabilities(vectors[:2], texts), alone.probabilities(vectors[:2], texts))


def test_procedure_model_weighs_classes_by_their_size():
    """A technique with many examples does not win a sentence that is as close to a rare one."""
    words = {"T1113": "takes screenshots of the desktop", "T1140": "decodes its xor payload"}
    pairs = [("T1113", f"{words['T1113']} sample {k}") for k in range(40)]
    pairs += [("T1140", f"{words['T1140']} sample {k}") for k in range(4)]
    vectors = np.zeros((len(pairs), DIM), dtype=np.float32)
    model = procedure_model(pairs, vectors)
    # a sentence with no known word and no direction: only the classes' sizes could decide
    neutral = model.probabilities(np.zeros((1, DIM), dtype=np.float32), [""])[0]
    x = techniques_model.design(model.lexical, model.grams, vectors, [t for _, t in pairs])
    y = np.array([t for t, _ in pairs])
    _, w, b = techniques_model.fit_classifier(x, y, balanced=False)
    unweighted = techniques_model.softmax(b[None, :])[0]
    assert unweighted[0] > neutral[0] + 0.1  # without weighting the large class takes more
    assert abs(neutral[0] - neutral[1]) < abs(unweighted[0] - unweighted[1])


def test_procedure_model_from_a_tiny_store_has_no_recurring_words_and_still_works():
    pairs = [("T1113", "screenshots"), ("T1140", "xor")]
    model = procedure_model(pairs, np.zeros((2, DIM), dtype=np.float32))
    assert not len(model.grams.grams) and not model.lexical.vocab
    probs = model.probabilities(np.zeros((1, DIM), dtype=np.float32), ["takes screenshots"])
    assert probs.shape == (1, 2) and np.isclose(probs.sum(), 1.0)
    again = procedure_model(pairs, np.zeros((2, DIM), dtype=np.float32))  # from the cache
    assert np.array_equal(again.probabilities(np.zeros((1, DIM), dtype=np.float32), ["x"]), probs)


def test_procedure_model_needs_two_techniques():
    pairs = [("T1113", f"takes screenshots {k}") for k in range(5)]
    assert procedure_model(pairs, np.zeros((5, DIM), dtype=np.float32)) is None


def test_lexical_matrix_rows_are_unit_tfidf_vectors():
    pairs = [("T1113", "takes screenshots"), ("T1113", "takes screenshots now"), ("T1113", "screenshots now"),
             ("T1140", "decodes payload"), ("T1140", "decodes payload now"), ("T1140", "decodes payload")]
    bank = LexicalBank(pairs)
    m = bank.matrix(["takes screenshots", "nothing known here", "decodes payload"])
    assert m.shape == (3, len(bank.vocab))
    assert np.allclose(np.sqrt(m.multiply(m).sum(axis=1)).A1, [1.0, 0.0, 1.0], atol=1e-6)
    # the same vectors as the centroid cosines are made of
    assert np.allclose((m @ bank.centroids.astype(np.float32)), bank.scores(
        ["takes screenshots", "nothing known here", "decodes payload"]), atol=1e-3)


def test_store_descriptions_teach_the_classifier_techniques_without_examples():
    know = StoreKnowledge(
        {"T1486": Technique("T1486", "Data Encrypted for Impact"),
         "T1113": Technique("T1113", "Screen Capture"),
         "T1059.001": Technique("T1059.001", "PowerShell")},
        {"T1059.001": "Adversaries may abuse PowerShell commands and scripts for execution."},
        [("T1486", "The ransomware encrypted files on the victim's servers."),
         ("T1113", "The backdoor takes screenshots of the desktop.")], "test")
    model = TechniqueExtractor(knowledge=know).model
    assert model.ids == ["T1059", "T1113", "T1486"]  # T1059 is known from its description alone
    probs = model.probabilities(embed(["It runs PowerShell scripts."]), ["It runs PowerShell scripts."])
    assert probs[0].argmax() == 0


def test_store_knowledge_adds_evidence_and_never_hides_geobuks_reading():
    """With ATT&CK in the store, a French news sentence geobuk reads alone is still read."""
    know = StoreKnowledge(
        {"T1486": Technique("T1486", "Data Encrypted for Impact"),
         "T1113": Technique("T1113", "Screen Capture")},
        {"T1486": "Adversaries may encrypt data on target systems to interrupt availability."},
        [("T1486", "The ransomware encrypted files on the victim's servers."),
         ("T1486", "It encrypts documents and drops a ransom note."),
         ("T1113", "The backdoor takes screenshots of the desktop."),
         ("T1113", "It captures the screen every minute.")], "test")
    extractor = TechniqueExtractor(knowledge=know)
    assert extractor.mode == "store" and extractor.model is not None and extractor.lexical is not None
    sentence = ("Le groupe a par ailleurs lancé des attaques au rançongiciel contre plusieurs hôpitaux "
                "régionaux, afin d'extorquer des fonds et de financer ses autres activités.")
    alone = {f.value: f.data["score"] for f in TechniqueExtractor().extract(sentence)}
    with_store = {f.value: f.data["score"] for f in extractor.extract(sentence)}
    assert "T1486" in alone
    assert with_store["T1486"] >= alone["T1486"]
