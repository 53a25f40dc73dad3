"""A cluster as a picture: its people on the left, what they share on the right, a line for each.

A bipartite layout needs no physics and reads at a glance: the attributes with many lines are the
ones that bind the cluster (the laptop-farm address, the payment account). Coordinates are computed
here; the HTML template only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

from geobuk.vet.model import ClusterResult
from geobuk.vet.outputs.text import shorten

ROW = 34
WIDTH = 760
LEFT_X = 150
RIGHT_X = 470


@dataclass
class Node:
    x: int
    y: int
    label: str
    detail: str


@dataclass
class Graph:
    width: int
    height: int
    people: list[Node]
    attributes: list[Node]
    edges: list[tuple[int, int, int, int]]


def cluster_graph(cluster: ClusterResult, scores: dict[str, int]) -> Graph:
    people = [
        Node(LEFT_X, 24 + ROW * i, shorten(p, 22), f"score {scores.get(p, 0)}")
        for i, p in enumerate(cluster.people)
    ]
    where = {p: node for p, node in zip(cluster.people, people, strict=True)}
    attributes, edges = [], []
    for i, link in enumerate(cluster.links):
        measure = f" ({link.measure:g})" if link.measure is not None else ""
        node = Node(RIGHT_X, 24 + ROW * i, f"{link.kind}{measure}", shorten(link.value, 40))
        attributes.append(node)
        for person in link.people:
            source = where.get(person)
            if source is not None:
                edges.append((source.x + 6, source.y, node.x - 6, node.y))
    height = 24 + ROW * max(len(people), len(attributes), 1)
    return Graph(WIDTH, height, people, attributes, edges)
