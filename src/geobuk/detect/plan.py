"""What a set of rules asks of each field, gathered once so a batch can answer it in one pass.

Thousands of rules test the same few fields (``Image``, ``CommandLine``...) with substring,
prefix, suffix and equality tests. Evaluating them one by one costs a call per test per batch; a
``FieldPlan`` instead puts every substring/prefix/suffix pattern of a field into one Aho-Corasick
automaton and every equality value into one dictionary, so each distinct value of the field is
scanned once for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick
import numpy as np

from geobuk.detect.ir import And, CompiledRule, Expr, Keyword, Not, Or, Pred
from geobuk.detect.prune import PruneTree

SCANNED_OPS = ("contains", "startswith", "endswith")
#: Keyword operators answered by scanning every field's distinct values (see ``keyword_pred``).
KEYWORD_OPS = ("eq", "contains", "startswith", "endswith")
#: The pseudo-field of keyword tests: a keyword holds where any field's value passes its test.
KEYWORD_FIELD = "\x00keyword"
#: Separates values where engines join an event's values into one text (``render_sql``).
SEPARATOR = "\x1f"


@dataclass
class PatternEntry:
    """The tests one pattern answers: (test index, op) pairs."""

    length: int
    contains: list[int] = field(default_factory=list)
    prefix: list[int] = field(default_factory=list)
    suffix: list[int] = field(default_factory=list)


@dataclass(eq=False)
class FieldPlan:
    """All string tests on one field with one case sensitivity (hashed by identity: answers are
    remembered per plan, see ``memo``)."""

    preds: list[Pred] = field(default_factory=list)
    equals: dict[str, list[int]] = field(default_factory=dict)
    entries: list[PatternEntry] = field(default_factory=list)
    automaton: ahocorasick.Automaton | None = None
    always: list[int] = field(default_factory=list)  # contains "": true wherever the field exists
    index: dict[Pred, int] = field(default_factory=dict)
    # Set by ``finish``: each pattern's length and its contains / prefix / suffix tests (CSR).
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    contains: tuple[np.ndarray, np.ndarray] | None = None
    prefix: tuple[np.ndarray, np.ndarray] | None = None
    suffix: tuple[np.ndarray, np.ndarray] | None = None
    joinable: bool = True

    def add(self, pred: Pred) -> None:
        index = len(self.preds)
        self.preds.append(pred)
        self.index[pred] = index
        text = str(pred.value)
        if pred.op == "eq":
            self.equals.setdefault(text, []).append(index)
        elif not text:
            self.always.append(index)
        else:
            if self.automaton is None:
                self.automaton = ahocorasick.Automaton()
            slot = self.automaton.get(text, None)
            if slot is None:
                slot = len(self.entries)
                self.entries.append(PatternEntry(len(text)))
                self.automaton.add_word(text, slot)
            entry = self.entries[slot]
            lists = {"contains": entry.contains, "startswith": entry.prefix, "endswith": entry.suffix}
            lists[pred.op].append(index)

    def finish(self) -> None:
        """Build the automaton, and the per-pattern arrays a scan reads its matches with."""
        if self.automaton is not None:
            self.automaton.make_automaton()
        self.lengths = np.array([e.length for e in self.entries], dtype=np.int64)
        self.contains = _csr([e.contains for e in self.entries])
        self.prefix = _csr([e.prefix for e in self.entries])
        self.suffix = _csr([e.suffix for e in self.entries])
        #: Values can be scanned as one text joined by ``JOIN`` when no pattern holds that character.
        self.joinable = not any(JOIN in str(p.value) for p in self.preds)


#: Joins the values of one scan into one text; a character Sigma values do not hold.
JOIN = "\uffff"


def _csr(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Lists of predicate indexes per pattern as (pointers, flat indexes)."""
    pointers = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in lists], out=pointers[1:])
    return pointers, np.array([i for x in lists for i in x], dtype=np.int64)


def keyword_pred(kw: Keyword) -> Pred | None:
    """A keyword as a test on the keyword pseudo-field, when it is a plain string test (else it is
    searched field by field). Engines answer it per field value, so ``eq`` is a whole value of
    some field, ``startswith`` the start of one."""
    if kw.op not in KEYWORD_OPS:
        return None
    return Pred(KEYWORD_FIELD, kw.op, kw.value, kw.cased)


def _walk(expr: Expr) -> Iterable[Pred]:
    if isinstance(expr, Pred):
        yield expr
    elif isinstance(expr, Keyword):
        pred = keyword_pred(expr)
        if pred is not None:
            yield pred
    elif isinstance(expr, (And, Or)):
        for arg in expr.args:
            yield from _walk(arg)
    elif isinstance(expr, Not):
        yield from _walk(expr.arg)


class Plan:
    """Field plans for every string test of a rule set, keyed by (casefolded field, cased)."""

    def __init__(self, rules: Iterable[CompiledRule]) -> None:
        rules = list(rules)
        self.fields: dict[tuple[str, bool], FieldPlan] = {}
        seen: set[Pred] = set()
        for rule in rules:
            for detection in rule.detections:
                for pred in _walk(detection.expr):
                    if pred in seen or (pred.op != "eq" and pred.op not in SCANNED_OPS):
                        continue
                    seen.add(pred)
                    key = (pred.field.casefold(), pred.cased)
                    self.fields.setdefault(key, FieldPlan()).add(pred)
        for plan in self.fields.values():
            plan.finish()
        self.prune = PruneTree.build(rules)
        ids = {pred: i for i, pred in enumerate(self.prune.preds)}
        #: For each field plan, the prune tree's number of each of its tests (-1: no Pred node).
        self.prune_ids = {key: np.array([ids.get(pred, -1) for pred in plan.preds], dtype=np.int64)
                          for key, plan in self.fields.items()}
        in_plans = {pred for plan in self.fields.values() for pred in plan.preds}
        #: The prune tree's tests no field plan answers (regexes, comparisons, presence...).
        self.other_preds = [i for i, pred in enumerate(self.prune.preds) if pred not in in_plans]

    def for_pred(self, pred: Pred) -> FieldPlan | None:
        return self.fields.get((pred.field.casefold(), pred.cased))
