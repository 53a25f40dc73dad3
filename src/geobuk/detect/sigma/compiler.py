"""pySigma rules to compiled rules: pipelines applied, condition tree turned into ``ir`` expressions.

A rule is compiled once per log-source variant (Sysmon and Security auditing for process creation,
say): each variant becomes one ``Detection`` with its own channel/event-id filter, so a rule written
for ``process_creation`` matches Sysmon event 1 and Security event 4688 alike.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.exceptions import SigmaError
from sigma.processing.pipeline import ProcessingPipeline
from sigma.rule import SigmaRule

from geobuk.detect.ir import (
    CompiledRule,
    Const,
    Detection,
    Expr,
    LogFilter,
    Or,
    Pred,
    and_,
    not_,
    or_,
)
from geobuk.detect.sigma.values import Unsupported, value_test

FILTER_FIELDS = {"channel": "Channel", "eventid": "EventID"}


def condition_expr(node: object) -> Expr:
    """A pySigma condition tree (after ``postprocess``) as an expression."""
    if isinstance(node, ConditionAND):
        return and_(*(condition_expr(a) for a in node.args))
    if isinstance(node, ConditionOR):
        return or_(*(condition_expr(a) for a in node.args))
    if isinstance(node, ConditionNOT):
        return not_(condition_expr(node.args[0]))
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return value_test(node.field, node.value)
    if isinstance(node, ConditionValueExpression):
        return value_test(None, node.value)
    if node is None:
        return Const(True)
    raise Unsupported(f"condition element {type(node).__name__}")


def _filter_values(expr: Expr, field: str) -> frozenset[str] | None:
    """Values of ``field == v`` (or an Or of them) if ``expr`` is exactly that, else None."""
    items = expr.args if isinstance(expr, Or) else (expr,)
    values = []
    for item in items:
        if not (isinstance(item, Pred) and item.op == "eq" and item.field.casefold() == field):
            return None
        values.append(str(item.value).casefold())
    return frozenset(values)


def split_logfilter(expr: Expr) -> tuple[LogFilter, Expr]:
    """Take the top-level channel and event-id tests out of an expression into a ``LogFilter``."""
    conjuncts = list(expr.args) if type(expr).__name__ == "And" else [expr]
    found: dict[str, frozenset[str]] = {}
    rest: list[Expr] = []
    for item in conjuncts:
        for key in FILTER_FIELDS:
            if key not in found and (values := _filter_values(item, key)) is not None:
                found[key] = values
                break
        else:
            rest.append(item)
    logfilter = LogFilter(found.get("channel", frozenset()), found.get("eventid", frozenset()))
    return logfilter, and_(*rest)


def compile_variant(rule: SigmaRule, pipeline: ProcessingPipeline) -> list[Detection]:
    """The detections of one rule under one processing pipeline (the rule is copied, not changed)."""
    rule = copy.deepcopy(rule)
    pipeline.apply(rule)
    detections = []
    for condition in rule.detection.parsed_condition:
        logfilter, expr = split_logfilter(condition_expr(condition.parsed))
        if not (isinstance(expr, Const) and not expr.value):
            detections.append(Detection(logfilter, expr))
    return detections


def compile_rule(rule: SigmaRule, variants: list[tuple[Callable[[SigmaRule], bool], ProcessingPipeline]],
                 source: str) -> CompiledRule:
    """Compile ``rule`` under every pipeline variant that accepts it.

    A variant that cannot express the rule (fields its log source does not record) is skipped; the
    rule fails only if no variant can express it.
    """
    if rule.errors:
        raise Unsupported(str(rule.errors[0]))
    detections: list[Detection] = []
    failures: list[Exception] = []
    for accepts, pipeline in variants:
        if accepts(rule):
            try:
                detections.extend(compile_variant(rule, pipeline))
            except (SigmaError, Unsupported) as exc:  # this log source cannot express the rule
                failures.append(exc)
    if not detections and failures:
        raise failures[0]
    unique = tuple(dict.fromkeys(detections))
    return CompiledRule(
        id=str(rule.id) if rule.id else rule.title, title=rule.title,
        level=rule.level.name.lower() if rule.level else "informational",
        tags=tuple(str(t) for t in rule.tags), source=source, detections=unique,
        description=rule.description or "", references=tuple(rule.references or ()),
        falsepositives=tuple(rule.falsepositives or ()), name=getattr(rule, "name", None),
        extra={"actor": (rule.custom_attributes or {}).get("actor")},
    )
