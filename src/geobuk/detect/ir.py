"""The compiled form of a detection: a small, engine-neutral expression tree.

Sigma semantics are fixed here once, so every engine agrees: string tests are case-insensitive
unless ``cased`` (their values are lower-cased at compile time, engines lower-case the data), a
field that is absent never matches a test (so ``Not`` of a test on an absent field is true), and
numbers in logs are text (``EventID`` "4688") compared as text unless the operator is numeric.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Union

#: String operators on one field's value.
STRING_OPS = ("eq", "contains", "startswith", "endswith", "glob", "regex")
#: Operators that need no value, compare numbers, or compare with another field.
OTHER_OPS = ("exists", "missing", "null", "cidr", "lt", "lte", "gt", "gte", "timepart",
             "fieldref", "fieldref_startswith", "fieldref_endswith")


class Pred(NamedTuple):
    """A test on one field. ``value`` is lower-cased unless ``cased``; regexes carry their flags in
    ``flags``; ``timepart`` compares one part of a timestamp (``flags``: minute, hour, day, week,
    month or year) with ``value``.

    A named tuple, not a dataclass: engines key their per-batch answers by predicate, hundreds of
    thousands of lookups a batch, and a rule set holds tens of thousands of them to unpickle; a
    tuple hashes and loads in C."""

    field: str
    op: str
    value: str | float | None = None
    cased: bool = False
    flags: str = ""

    def __reduce__(self) -> tuple:
        # Unpickled by tuple.__new__ (C) instead of the class's generated Python-level __new__:
        # a quarter off the 60,000 predicates of a SigmaHQ rule set.
        return (tuple.__new__, (Pred, tuple(self)))


@dataclass(frozen=True)
class Keyword:
    """A value searched for in any field (Sigma keyword rules)."""

    op: str
    value: str
    cased: bool = False
    flags: str = ""


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: deep trees hash in O(1)
class And:
    args: tuple[Expr, ...]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: deep trees hash in O(1)
class Or:
    args: tuple[Expr, ...]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: deep trees hash in O(1)
class Not:
    arg: Expr


@dataclass(frozen=True)
class Const:
    value: bool


Expr = Union[Pred, Keyword, And, Or, Not, Const]  # noqa: UP007 (a runtime alias for isinstance users)


def and_(*args: Expr) -> Expr:
    """An And with constants folded and nested Ands flattened."""
    flat: list[Expr] = []
    for arg in args:
        if isinstance(arg, Const):
            if not arg.value:
                return Const(False)
            continue
        flat.extend(arg.args if isinstance(arg, And) else (arg,))
    if not flat:
        return Const(True)
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def or_(*args: Expr) -> Expr:
    """An Or with constants folded and nested Ors flattened."""
    flat: list[Expr] = []
    for arg in args:
        if isinstance(arg, Const):
            if arg.value:
                return Const(True)
            continue
        flat.extend(arg.args if isinstance(arg, Or) else (arg,))
    if not flat:
        return Const(False)
    return flat[0] if len(flat) == 1 else Or(tuple(dict.fromkeys(flat)))


def not_(arg: Expr) -> Expr:
    if isinstance(arg, Const):
        return Const(not arg.value)
    if isinstance(arg, Not):
        return arg.arg
    return Not(arg)


def fields_of(expr: Expr) -> set[str]:
    """Every field an expression reads (for choosing columns, and for field references)."""
    if isinstance(expr, Pred):
        out = {expr.field}
        if expr.op.startswith("fieldref"):
            out.add(str(expr.value))
        return out
    if isinstance(expr, (And, Or)):
        return set().union(*(fields_of(a) for a in expr.args))
    if isinstance(expr, Not):
        return fields_of(expr.arg)
    return set()


def has_keywords(expr: Expr) -> bool:
    if isinstance(expr, Keyword):
        return True
    if isinstance(expr, (And, Or)):
        return any(has_keywords(a) for a in expr.args)
    if isinstance(expr, Not):
        return has_keywords(expr.arg)
    return False


@dataclass(frozen=True)
class LogFilter:
    """Which events a detection can match at all, by channel and event id (empty = any).

    Engines use it to hand each detection only the events it can match; the detection's own
    expression does not repeat these tests.
    """

    channels: frozenset[str] = frozenset()
    event_ids: frozenset[str] = frozenset()

    @property
    def key(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(sorted(self.channels)), tuple(sorted(self.event_ids))


@dataclass(frozen=True)
class Detection:
    """One way a rule can match: a log filter and an expression (a rule may have several)."""

    logfilter: LogFilter
    expr: Expr


@dataclass
class CompiledRule:
    """A rule ready to run: metadata for findings, and its detections."""

    id: str
    title: str
    level: str
    tags: tuple[str, ...]
    source: str
    detections: tuple[Detection, ...]
    description: str = ""
    references: tuple[str, ...] = ()
    falsepositives: tuple[str, ...] = ()
    name: str | None = None
    generate: bool = True
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Correlation:
    """A Sigma correlation rule, compiled: which rule matches to group, count and time-bound.

    ``rules`` are the referenced rules' ids or names, resolved when the hunt runs. ``condition`` is
    (operator, number) with operator one of gt/gte/lt/lte/eq (None for temporal types);
    ``value_field`` is the field whose distinct values ``value_count`` counts; ``aliases`` maps an
    alias field name to {referenced rule id or name: that rule's field}.
    """

    id: str
    title: str
    level: str
    tags: tuple[str, ...]
    source: str
    type: str
    rules: tuple[str, ...]
    group_by: tuple[str, ...]
    timespan: float
    condition: tuple[str, float] | None = None
    value_field: str | None = None
    aliases: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    generate: bool = False
    name: str | None = None
    description: str = ""
