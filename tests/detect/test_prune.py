"""Pruning: detections are ruled out for a batch only when they cannot match it."""

from __future__ import annotations

import random

import numpy as np

from detect_helpers import compile_yaml, process, table_of
from geobuk.detect.engine import LAZY_OPS, Batch
from geobuk.detect.ir import And, CompiledRule, Const, Detection, LogFilter, Not, Or, Pred
from geobuk.detect.prune import PruneTree

RULES = "\n---\n".join(f"""
title: rule {i}
id: 00000000-0000-4000-8000-00000000000{i}
logsource:
    category: process_creation
    product: windows
detection:
{body}
level: high
""" for i, body in enumerate([
    """    a:
        Image|endswith: '\\a.exe'
    b:
        CommandLine|contains: ['x', 'zz']
    condition: a and b""",
    """    a:
        Image|endswith: '\\nothere.exe'
    b:
        User: 'root'
    condition: a or b""",
    """    a:
        Image|endswith: '\\b.exe'
    b:
        CommandLine|contains: 'y'
    condition: a and not b""",
    """    a:
        CommandLine|re: '^c+ [0-9]+$'
    condition: a""",
    """    a:
        Missing|contains: 'q'
    condition: a""",
]))


def _events(rng: random.Random) -> list[dict]:
    return [process(rng.choice([r"C:\a.exe", r"C:\b.exe", r"C:\c.exe"]),
                    rng.choice(["x", "y", "cc 12", "none"]), User=rng.choice(["root", "bob"]))
            for _ in range(rng.randrange(1, 12))]


def _tree_may_hold(batch: Batch, expr) -> bool:
    """The reference: the expression walked node by node, a test held if some event passes it
    (costly tests, Not and keywords count as possible, as in the prune tree)."""
    if isinstance(expr, Pred):
        if expr.op in LAZY_OPS or expr.op.startswith("fieldref"):
            return True
        return bool(batch.pred_rows(expr, np.arange(batch.num_rows)).any())
    if isinstance(expr, And):
        return all(_tree_may_hold(batch, arg) for arg in expr.args)
    if isinstance(expr, Or):
        return any(_tree_may_hold(batch, arg) for arg in expr.args)
    if isinstance(expr, Const):
        return expr.value
    return True


def test_detections_ruled_out_never_match_and_agree_with_the_tree_walk():
    ruleset = compile_yaml(RULES)
    assert not ruleset.problems and len(ruleset.rules) == 5
    plan = ruleset.field_plan()
    rng = random.Random(3)
    ruled_out = 0
    for _ in range(40):
        batch = Batch(table_of(_events(rng)), plan)
        for rule in ruleset.rules:
            for detection in rule.detections:
                rows = batch.filter_rows(detection.logfilter)
                fast = batch._detection_may_hold(detection)
                assert fast == _tree_may_hold(batch, detection.expr)
                if not fast:
                    ruled_out += 1
                    assert not batch.eval(detection.expr, rows).any()
    assert ruled_out  # some batches do rule detections out


def test_the_tree_evaluates_and_or_not_and_constants_by_level():
    p, q, r = Pred("a", "eq", "1"), Pred("b", "eq", "2"), Pred("c", "regex", "x")
    exprs = [And((p, Or((q, Not(r))))), Or((And((p, q)), Const(False))), And((Const(True), q)), r]
    detections = [Detection(LogFilter(), e) for e in exprs]
    tree = PruneTree.build([CompiledRule("r", "t", "high", (), "s", tuple(detections))])
    ids = {pred: i for i, pred in enumerate(tree.preds)}
    for held_p in (False, True):
        for held_q in (False, True):
            held = np.ones(len(tree.preds), dtype=bool)
            held[ids[p]], held[ids[q]] = held_p, held_q
            assert tree.possible(held).tolist() == [held_p, held_p and held_q, held_q, True]
    assert [tree.position(d) for d in detections] == [0, 1, 2, 3]
    assert tree.position(Detection(LogFilter(), p)) is None
