"""Vet results go into the store's runs/findings tables, and a failed run changes nothing there."""

from __future__ import annotations

import json

import pytest

from geobuk.errors import InputError
from geobuk.vet.config import VetConfig
from geobuk.vet.results import load_findings, save
from geobuk.vet.run import vet


def test_saved_like_hunt_findings(store, vetted, person):
    result = vetted(
        [
            person("E1", payment_account="US555555", camera_refused="yes"),
            person("E2", payment_account="US555555"),
            person("E3"),
        ]
    )
    run_id = save(store, result, VetConfig(), parameters={"people": ["p.csv"]}, source="p.csv")
    stage, summary = store.con.execute("SELECT stage, summary FROM runs WHERE id = ?", [run_id]).fetchone()
    assert stage == "vet" and json.loads(summary)["people"] == 3
    docs = load_findings(store, run_id)
    assert [d["kind"] for d in docs] == ["vet-person", "vet-person", "vet-cluster"]
    assert docs[0]["person_id"] == "E1" and docs[0]["score"] == 45 and docs[2]["people"] == ["E1", "E2"]


def test_a_broken_input_stores_nothing_and_keeps_earlier_runs(store, tmp_path, vetted, person):
    save(store, vetted([person("E1")]), VetConfig(), parameters={}, source=None)
    bad = tmp_path / "bad.csv"
    bad.write_text("person_id,camera_refused\nE1,perhaps\n")
    with pytest.raises(InputError):
        vet([bad], store=store)
    assert store.con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
