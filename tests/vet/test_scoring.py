"""Scores: distinct flags' weights added and capped; clusters score the union of their flags."""

from __future__ import annotations

from geobuk.vet.config import VetConfig
from geobuk.vet.model import Flag
from geobuk.vet.scoring import level, score


def flag(code, weight):
    return Flag(code, {}, "", weight)


def test_distinct_codes_added_and_capped():
    assert score([flag("shared_ip", 10), flag("shared_ip", 10), flag("voip_phone", 10)]) == 20
    assert score([flag("ip_kvm", 35), flag("sanctioned_wallet", 60), flag("intel_ip", 30)]) == 100
    assert score([]) == 0


def test_levels_follow_the_threshold():
    config = VetConfig(threshold=30)
    assert [level(v, config) for v in (0, 10, 30, 60, 90)] == [
        "informational",
        "low",
        "medium",
        "high",
        "critical",
    ]


def test_people_and_clusters_ranked_with_thresholds(vetted, person):
    rows = [
        person("E1", payment_account="US555555", camera_refused="yes", phone_type="voip"),
        person("E2", payment_account="US555555", shipping_address="1 Farm Rd, Miami, FL 33101"),
        person("E3", education_country="SG"),
    ]
    result = vetted(rows, config=VetConfig(weights={"shared_payment": 30}))
    by_id = {p.person_id: p for p in result.people}
    assert by_id["E1"].score == 30 + 15 + 10 and by_id["E1"].flagged
    assert by_id["E2"].score == 30 + 15 and by_id["E2"].flagged
    assert by_id["E3"].score == 5 and not by_id["E3"].flagged and by_id["E3"].cluster_id is None
    assert [p.person_id for p in result.people] == ["E1", "E2", "E3"]
    cluster = result.clusters[0]
    assert cluster.people == ["E1", "E2"] and cluster.score == 30 + 15 + 10 + 15 and cluster.flagged
    assert by_id["E1"].cluster_id == cluster.cluster_id == "C001"
    lowered = vetted(rows, config=VetConfig(weights={"shared_payment": 0}, threshold=25))
    assert {p.person_id for p in lowered.flagged_people} == {"E1"}
