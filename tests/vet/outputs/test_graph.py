from __future__ import annotations

from geobuk.vet.model import ClusterResult, Link
from geobuk.vet.outputs.graph import cluster_graph


def test_one_line_per_person_and_shared_attribute():
    links = [Link("payment", "US1", ["E1", "E2"]), Link("photo", "", ["E1", "E2", "E3"], 2.0)]
    cluster = ClusterResult("C001", ["E1", "E2", "E3"], 80, links, ["shared_payment"])
    graph = cluster_graph(cluster, {"E1": 90})
    assert len(graph.people) == 3 and len(graph.attributes) == 2 and len(graph.edges) == 5
    assert graph.people[0].detail == "score 90" and graph.attributes[1].label == "photo (2)"
