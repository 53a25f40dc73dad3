from __future__ import annotations

from geobuk.vet.flags import links
from geobuk.vet.linking import link


def test_each_linked_person_is_told_who_else(data_for, person):
    data = data_for(
        [person("E1", payment_account="US7777"), person("E2", payment_account="US7777"), person("E3")]
    )
    flags = list(links.flags(data, link(data)))
    assert [(i, f.code, f.evidence["people"]) for i, f in flags] == [
        (0, "shared_payment", ["E2"]),
        (1, "shared_payment", ["E1"]),
    ]
    assert "US7777" in flags[0][1].detail()
