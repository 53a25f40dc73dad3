from __future__ import annotations

import duckdb
import pytest

from factories import indicator, intrusion_set, malware, relationship
from geobuk.intel import schema
from geobuk.intel.names import AliasClaim
from geobuk.intel.store import BadObject, Store


def _add(store: Store, objects: list[dict]):
    with store.transaction():
        return store.add_objects(objects)


def test_same_object_twice_changes_nothing(store):
    obj = intrusion_set("Andariel", ["Onyx Sleet"])
    first = _add(store, [obj])
    second = _add(store, [obj])
    assert (first.added, first.unchanged) == (1, 0)
    assert (second.added, second.versions, second.unchanged) == (0, 0, 1)
    assert store.stats()["versions"] == 1


def test_newer_version_supersedes_and_older_stays_queryable(store):
    old = intrusion_set("Andariel", ["Silent Chollima"])
    new = intrusion_set("Andariel", ["Onyx Sleet"], modified="2025-01-01T00:00:00.000Z")
    _add(store, [old])
    counts = _add(store, [new])
    assert counts.versions == 1 and counts.added == 0
    assert store.get(old["id"])["aliases"] == ["Andariel", "Onyx Sleet"]
    assert [v["modified"] for v in store.versions(old["id"])] == [old["modified"], new["modified"]]
    # An older version arriving late does not take over.
    _add(store, [old])
    assert store.get(old["id"])["modified"] == new["modified"]
    assert store.resolve("onyx sleet") == old["id"]
    assert store.resolve("silent chollima") is None


def test_alias_lookup_ignores_case_and_punctuation(store):
    actor = intrusion_set("Andariel", ["Onyx Sleet", "APT45"])
    _add(store, [actor])
    for spelling in ("Onyx Sleet", "onyx-sleet", "ONYXSLEET", "onyx_sleet", "apt 45"):
        assert store.resolve(spelling) == actor["id"], spelling


def test_ambiguous_alias_is_not_resolved_and_overlap_ranks_below_alias(store):
    lazarus = intrusion_set("Lazarus Group", ["Hidden Cobra"], x_geobuk_aliases=[
        {"name": "Andariel", "by": ["some vendors"], "kind": "overlap"}])
    andariel = intrusion_set("Andariel")
    a = intrusion_set("Alpha", ["Shared"])
    b = intrusion_set("Beta", ["Shared"])
    _add(store, [lazarus, andariel, a, b])
    assert store.resolve("Andariel") == andariel["id"]
    kinds = {m.object_id: m.kind for m in store.lookup_name("andariel")}
    assert kinds == {andariel["id"]: "name", lazarus["id"]: "overlap"}
    assert store.resolve("Shared") is None
    assert len(store.lookup_name("Shared")) == 2


def test_bad_object_aborts_the_whole_transaction(store):
    good = intrusion_set("Kimsuky")
    bad = {"type": "indicator", "spec_version": "2.1", "id": "indicator--" + "0" * 8 + "-0000-4000-8000-"
           + "0" * 12, "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z"}
    with pytest.raises(BadObject) as err, store.transaction():
        store.add_objects([good, bad])
    assert err.value.index == 1
    assert "pattern" in err.value.problem
    assert store.stats()["objects"] == 0
    assert store.resolve("Kimsuky") is None


def test_relationships_indexed_by_source_and_target(store):
    actor, tool = intrusion_set("Andariel"), malware("Maui")
    rel = relationship("uses", actor, tool)
    _add(store, [actor, tool, rel])
    assert store.relationships(source=actor["id"]) == [(rel["id"], "uses", actor["id"], tool["id"])]
    assert store.relationships(target=tool["id"], rel_type="uses")[0][2] == actor["id"]
    assert store.relationships(target=actor["id"]) == []


def test_indicators_by_value_use_the_observable_hint(store):
    ind = indicator("[ipv4-addr:value = '192.0.2.1']",
                    x_geobuk_observable={"type": "ipv4", "value": "192.0.2.1"})
    _add(store, [ind])
    assert store.indicators_for(["192.0.2.1", "192.0.2.2"]) == [("192.0.2.1", "ipv4", ind["id"])]
    assert store.indicators_for(["192.0.2.1"], kind="domain") == []


def test_revoked_objects_leave_the_indexes(store):
    actor = intrusion_set("Temp Actor")
    _add(store, [actor])
    revoked = dict(actor, modified="2025-01-01T00:00:00.000Z", revoked=True)
    _add(store, [revoked])
    assert store.resolve("Temp Actor") is None
    assert store.get(actor["id"])["revoked"] is True


def test_alias_claims_are_added_once(store):
    actor = intrusion_set("Famous Chollima")
    _add(store, [actor])
    claims = [AliasClaim(actor["id"], "WageMole", "misp-galaxy"), AliasClaim(actor["id"], "wagemole",
                                                                                 "misp-galaxy")]
    with store.transaction():
        assert store.add_alias_claims(claims) == 1
    with store.transaction():
        assert store.add_alias_claims(claims) == 0
    assert store.resolve("Wage Mole") == actor["id"]
    # A later version of the actor keeps the claimed alias.
    _add(store, [dict(actor, modified="2025-01-01T00:00:00.000Z", description="new")])
    assert store.resolve("WageMole") == actor["id"]


def test_schema_version_is_stored_and_migrations_run_on_open(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.close()  # an empty file: schema version 0
    with Store(path) as s:
        assert s.stats()["schema_version"] == schema.SCHEMA_VERSION
    con = duckdb.connect(str(path))
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(
        schema.SCHEMA_VERSION)
    con.close()


def test_store_newer_than_code_is_refused(tmp_path):
    path = tmp_path / "future.duckdb"
    with Store(path) as s:
        s.set_meta("schema_version", str(schema.SCHEMA_VERSION + 1))
    with pytest.raises(RuntimeError, match="newer"):
        Store(path)


def test_search_finds_names_aliases_and_descriptions(store):
    actor = intrusion_set("TraderTraitor", ["Jade Sleet"], description="Breached JumpCloud in 2023")
    _add(store, [actor, malware("Maui")])
    assert store.search("jade")[0][0] == actor["id"]
    assert store.search("jumpcloud")[0][0] == actor["id"]
    assert store.search("zzz-nothing") == []
