"""End to end on a generated company: operators rise to the top, look-alikes stay unflagged."""

from __future__ import annotations

from geobuk.intel.importing import import_files
from geobuk.vet.run import vet


def test_generated_company(company, store):
    files, truth = company["files"], company["truth"]
    import_files(store, [files["indicators"]])
    result = vet(
        [files["people"]], [files["entra"], files["okta"], files["activity"]], [files["devices"]], store=store
    )
    operators = set(truth["operators"])
    top = {p.person_id for p in result.people[: len(operators)]}
    assert len(top & operators) >= len(operators) - 1
    flagged = {p.person_id for p in result.flagged_people}
    lookalikes = {x for xs in truth["lookalikes"].values() for x in xs}
    assert not flagged & lookalikes
    assert not any(set(c.people) & lookalikes for c in result.flagged_clusters)
    for ring in truth["rings"]:
        assert any(len(set(ring) & set(c.people)) * 2 >= len(ring) for c in result.flagged_clusters)
    couple = truth["lookalikes"]["couple"]
    cluster = next(c for c in result.clusters if set(couple) <= set(c.people))
    assert {x.kind for x in cluster.links} >= {"address"} and not cluster.flagged
    assert result.summary["unmatched_signins"] == 0
