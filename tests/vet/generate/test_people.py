"""The generator: deterministic, with rings, lone operators and the four look-alikes."""

from __future__ import annotations

import pytest

from geobuk.vet.generate.people import make_company


def test_same_seed_same_company_other_seed_other():
    a, b, c = make_company(60, 3), make_company(60, 3), make_company(60, 4)
    assert a.people == b.people and a.truth == b.truth and a.people != c.people


def test_planted_personas_and_look_alikes():
    company = make_company(1000, 5)
    truth = company.truth
    assert len(truth.rings) == 5 and all(2 <= len(r) <= 5 for r in truth.rings)
    assert len(truth.operators) == sum(len(r) for r in truth.rings) + 2
    by_id = {p["person_id"]: p for p in company.people}
    a, b = truth.lookalikes["couple"]
    assert by_id[a]["home_address"] == by_id[b]["home_address"]
    assert by_id[truth.lookalikes["night_shift"][0]]["shift"] == "night"
    assert by_id[truth.lookalikes["admin"][0]]["department"] == "IT Support"
    assert len({p["email"] for p in company.people if p["person_id"] not in truth.operators}) == 1000 - len(
        truth.operators
    )


def test_too_small():
    with pytest.raises(ValueError):
        make_company(10, 1)
