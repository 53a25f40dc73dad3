"""Which detections of a rule set cannot match a batch, decided for all of them at once.

Most rules match nothing in a given batch, and that can be told from the per-distinct-value tables
alone: a detection whose expression needs a test that no value of the batch passes is impossible.
Walking thousands of expression trees in Python for every batch cost more than matching the few
rules that remain, so the trees of a rule set are flattened once into arrays, level by level
(leaves first), and evaluated for every detection together with a few numpy operations.

The answer is "may match" (a superset): ``Not``, keywords and costly tests (regular expressions,
comparisons, field references) count as possible; the rows of the detections left are evaluated
as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from geobuk.detect.ir import And, CompiledRule, Const, Detection, Expr, Or, Pred

_TRUE, _FALSE, _PRED, _AND, _OR = range(5)


@dataclass
class _Level:
    """The And and Or nodes of one height: their ids, children ids (concatenated), segment starts."""

    and_nodes: np.ndarray
    and_children: np.ndarray
    and_starts: np.ndarray
    or_nodes: np.ndarray
    or_children: np.ndarray
    or_starts: np.ndarray


@dataclass
class PruneTree:
    """Every detection's expression as arrays; ``preds`` numbers the distinct tests."""

    preds: list[Pred] = field(default_factory=list)
    pred_nodes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pred_of_node: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    false_nodes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    levels: list[_Level] = field(default_factory=list)
    roots: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    nodes: int = 0
    detections: list[Detection] = field(default_factory=list)
    _position: dict[int, int] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, rules: Iterable[CompiledRule]) -> PruneTree:
        builder = _Builder()
        tree = cls()
        roots = []
        for rule in rules:
            for detection in rule.detections:
                tree.detections.append(detection)
                roots.append(builder.node(detection.expr))
        tree.preds = builder.preds
        tree.nodes = len(builder.kinds)
        tree.roots = np.array(roots, dtype=np.int64)
        kinds = np.array(builder.kinds, dtype=np.int8)
        tree.pred_nodes = np.flatnonzero(kinds == _PRED)
        tree.pred_of_node = np.array([builder.payload[n] for n in tree.pred_nodes.tolist()], dtype=np.int64)
        tree.false_nodes = np.flatnonzero(kinds == _FALSE)
        tree.levels = builder.levels()
        return tree

    def possible(self, held: np.ndarray) -> np.ndarray:
        """For each detection (in ``detections`` order), whether it may match, given ``held[i]``:
        whether test ``preds[i]`` holds for some value of the batch."""
        values = np.ones(self.nodes, dtype=bool)
        values[self.pred_nodes] = held[self.pred_of_node]
        values[self.false_nodes] = False
        for level in self.levels:
            if len(level.and_nodes):
                children = values[level.and_children]
                values[level.and_nodes] = np.logical_and.reduceat(children, level.and_starts)
            if len(level.or_nodes):
                children = values[level.or_children]
                values[level.or_nodes] = np.logical_or.reduceat(children, level.or_starts)
        return values[self.roots]

    def position(self, detection: Detection) -> int | None:
        """Where ``detection`` is in ``detections`` (None for a detection of another rule set)."""
        if self._position is None:
            self._position = {id(d): i for i, d in enumerate(self.detections)}
        return self._position.get(id(detection))

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_position"] = None  # object ids mean nothing in another process
        return state


class _Builder:
    """Numbers nodes in post-order (children before parents) and records each inner node's height."""

    def __init__(self) -> None:
        self.kinds: list[int] = []
        self.payload: list[int | list[int]] = []
        self.height: list[int] = []
        self.preds: list[Pred] = []
        self._pred_ids: dict[Pred, int] = {}

    def node(self, expr: Expr) -> int:
        if isinstance(expr, Pred):
            pid = self._pred_ids.get(expr)
            if pid is None:
                pid = self._pred_ids[expr] = len(self.preds)
                self.preds.append(expr)
            return self._add(_PRED, pid, 0)
        if isinstance(expr, (And, Or)):
            children = [self.node(arg) for arg in expr.args]
            height = 1 + max(self.height[c] for c in children)
            return self._add(_AND if isinstance(expr, And) else _OR, children, height)
        if isinstance(expr, Const):
            return self._add(_TRUE if expr.value else _FALSE, 0, 0)
        return self._add(_TRUE, 0, 0)  # Not, Keyword: "may match"

    def _add(self, kind: int, payload: int | list[int], height: int) -> int:
        self.kinds.append(kind)
        self.payload.append(payload)
        self.height.append(height)
        return len(self.kinds) - 1

    def levels(self) -> list[_Level]:
        by_height: dict[int, tuple[list[int], list[int]]] = {}
        for node, (kind, height) in enumerate(zip(self.kinds, self.height, strict=True)):
            if kind in (_AND, _OR):
                by_height.setdefault(height, ([], []))[0 if kind == _AND else 1].append(node)
        return [_Level(*self._segments(ands), *self._segments(ors))
                for _, (ands, ors) in sorted(by_height.items())]

    def _segments(self, nodes: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        children = [self.payload[n] for n in nodes]
        sizes = [len(c) for c in children]  # type: ignore[arg-type]
        starts = np.zeros(len(nodes), dtype=np.int64)
        if nodes:
            np.cumsum(sizes[:-1], out=starts[1:])
        flat = np.array([c for cs in children for c in cs], dtype=np.int64)  # type: ignore[union-attr]
        return np.array(nodes, dtype=np.int64), flat, starts
