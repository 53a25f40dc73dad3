from __future__ import annotations

from geobuk.vet.model import Flag


def test_detail_formats_evidence_and_shortens_long_lists():
    flag = Flag("shared_ip", {"value": "192.0.2.1", "people": [f"E{k}" for k in range(10)]},
                "signs in from {value} like {people}", 10)
    assert flag.detail() == "signs in from 192.0.2.1 like E0, E1, E2, E3, E4, E5, E6, E7 and 2 more"
    record = flag.to_dict()
    assert record["code"] == "shared_ip" and record["source"][0]["key"] == "us-dprk-it-2022"
    assert record["details"]["value"] == "192.0.2.1"
