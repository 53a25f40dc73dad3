"""pySigma correlation rules (Sigma correlation specification v2) as geobuk ``Correlation`` objects.

Only what geobuk can enforce exactly is compiled: a rule whose meaning would silently change (a
condition geobuk cannot test, an aggregate it does not compute) is refused with the reason, so the
analyst sees it listed as not loaded rather than trusting a correlation that never fires or fires
on the wrong thing. References stay as written (ids or names): they are resolved against the rules
of the whole hunt, which may come from other files.
"""

from __future__ import annotations

from sigma.correlations import (
    CorrelationConditionAND,
    SigmaCorrelationCondition,
    SigmaCorrelationConditionOperator,
    SigmaCorrelationRule,
    SigmaCorrelationType,
    SigmaExtendedCorrelationCondition,
    SigmaRuleReference,
)

from geobuk.detect.ir import Correlation
from geobuk.detect.sigma.values import Unsupported

#: The correlation types geobuk evaluates, by their Sigma name.
TYPES = ("event_count", "value_count", "temporal", "temporal_ordered")
TEMPORAL = ("temporal", "temporal_ordered")
_OPS = {SigmaCorrelationConditionOperator.GT: "gt", SigmaCorrelationConditionOperator.GTE: "gte",
        SigmaCorrelationConditionOperator.LT: "lt", SigmaCorrelationConditionOperator.LTE: "lte",
        SigmaCorrelationConditionOperator.EQ: "eq"}


def compile_correlation(rule: SigmaCorrelationRule, source: str) -> Correlation:
    """The correlation ``rule`` (read from ``source``) in geobuk's compiled form.

    Raises ``Unsupported`` for anything geobuk cannot honour exactly.
    """
    if rule.errors:
        raise Unsupported(str(rule.errors[0]))
    kind = _type(rule)
    rules = _references(rule, kind)
    condition, value_field = _condition(rule, kind, rules)
    return Correlation(
        id=str(rule.id) if rule.id else (rule.name or rule.title),
        title=rule.title,
        level=rule.level.name.lower() if rule.level else "informational",
        tags=tuple(str(t) for t in rule.tags),
        source=source,
        type=kind,
        rules=rules,
        group_by=_group_by(rule),
        timespan=_timespan(rule),
        condition=condition,
        value_field=value_field,
        aliases=_aliases(rule),
        generate=_generate(rule),
        name=rule.name,
        description=rule.description or "",
    )


def _type(rule: SigmaCorrelationRule) -> str:
    kind = rule.type.name.lower() if isinstance(rule.type, SigmaCorrelationType) else str(rule.type)
    if kind not in TYPES:
        raise Unsupported(f"correlation type {kind!r} is not supported (geobuk evaluates "
                          f"{', '.join(TYPES)})")
    return kind


def _references(rule: SigmaCorrelationRule, kind: str) -> tuple[str, ...]:
    """Referenced rule ids or names, in the order written (temporal_ordered depends on it).

    A rule listed twice is kept twice only for temporal_ordered, where "a then a" is a real sequence;
    elsewhere the repeat adds nothing and is dropped.
    """
    refs: list[SigmaRuleReference] | None = rule.rules
    if not refs and isinstance(rule.condition, SigmaExtendedCorrelationCondition):
        names = rule.condition.get_referenced_rules()
    else:
        names = [r.reference for r in refs or ()]
    names = [str(n) for n in names]
    if not names or not all(names):
        raise Unsupported("correlation references no rules (give them in 'rules')")
    return tuple(names) if kind == "temporal_ordered" else tuple(dict.fromkeys(names))


def _group_by(rule: SigmaCorrelationRule) -> tuple[str, ...]:
    fields = [str(f) for f in rule.group_by or ()]
    if not all(f.strip() for f in fields):
        raise Unsupported("empty field name in 'group-by'")
    return tuple(dict.fromkeys(fields))


def _timespan(rule: SigmaCorrelationRule) -> float:
    """Seconds, as pySigma reads the spec's ``<count><unit>`` (s, m, h, d, w; M and y are the average
    Gregorian month and year: 30.436875 and 365.2425 days)."""
    seconds = float(rule.timespan.seconds)
    if seconds <= 0:
        raise Unsupported(f"timespan {rule.timespan.spec!r} must be longer than zero")
    return seconds


def _generate(rule: SigmaCorrelationRule) -> bool:
    if not isinstance(rule.generate, bool):
        raise Unsupported("'generate' must be true or false")
    return rule.generate


def _aliases(rule: SigmaCorrelationRule) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    out = []
    for alias in rule.aliases or ():
        mapping = tuple((str(ref.reference), str(name)) for ref, name in alias.mapping.items())
        if not mapping:
            raise Unsupported(f"alias {alias.alias!r} maps no rule to a field")
        if not all(name.strip() for _, name in mapping):
            raise Unsupported(f"alias {alias.alias!r} maps a rule to an empty field name")
        out.append((str(alias.alias), mapping))
    return tuple(out)


def _condition(rule: SigmaCorrelationRule, kind: str,
               rules: tuple[str, ...]) -> tuple[tuple[str, float] | None, str | None]:
    """(operator, number) and the value_count field; None for temporal types, which always require
    every referenced rule."""
    cond = rule.condition
    if kind in TEMPORAL:
        _check_temporal(cond, rules, rule.rules or [])
        return None, None
    if not isinstance(cond, SigmaCorrelationCondition):
        raise Unsupported(f"{kind} needs a condition such as 'gte: 10'")
    op = _OPS.get(cond.op)
    if op is None:
        raise Unsupported(f"condition operator {cond.op.name.lower()!r} is not in the Sigma correlation "
                          f"specification (use gt, gte, lt, lte or eq)")
    if cond.percentile is not None:
        raise Unsupported("condition 'percentile' only applies to value_percentile, which geobuk "
                          "does not evaluate")
    number = float(cond.count)
    _check_reachable(op, number)
    return (op, number), _value_field(cond, kind)


def _value_field(cond: SigmaCorrelationCondition, kind: str) -> str | None:
    field = cond.fieldref
    if isinstance(field, list):
        if len(field) != 1:
            raise Unsupported("value_count counts the values of one field, not several")
        field = field[0]
    if kind == "event_count":
        if field:
            raise Unsupported("condition 'field' only applies to value_count")
        return None
    if not field or not str(field).strip():
        raise Unsupported("value_count needs the field whose distinct values it counts "
                          "(condition 'field')")
    return str(field)


def _check_reachable(op: str, number: float) -> None:
    """geobuk only sees events some referenced rule matched, so a window never holds zero of them:
    a condition that only zero satisfies (``lt: 1``, ``lte: 0``, ``eq: 0``) could never fire."""
    if (op == "lt" and number <= 1) or (op in ("lte", "eq") and number < 1):
        raise Unsupported(f"condition '{op}: {number:g}' can only be met by zero events, and geobuk "
                          f"counts events that matched (a correlation cannot see absence)")


def _check_temporal(cond: object, rules: tuple[str, ...], written: list[SigmaRuleReference]) -> None:
    """Temporal correlations are compiled as "every referenced rule within the timespan": the spec's
    default. A count of some of them (``gte: 2`` of three) or a boolean mix (``a and not b``) is
    refused rather than run with a different meaning."""
    if isinstance(cond, SigmaExtendedCorrelationCondition):
        if not _only_and(cond.parsed):
            raise Unsupported("extended temporal conditions with 'or' or 'not' are not supported "
                              "(only every referenced rule)")
        if set(cond.get_referenced_rules()) != set(rules):
            raise Unsupported("the temporal condition must name every referenced rule")
        return
    if not isinstance(cond, SigmaCorrelationCondition):
        raise Unsupported("temporal correlation condition must be a count or a rule expression")
    every = {len(rules), len(set(rules)), len(written)}
    op, count = cond.op, cond.count
    if not ((op in (SigmaCorrelationConditionOperator.GTE, SigmaCorrelationConditionOperator.EQ)
             and count in every)
            or (op == SigmaCorrelationConditionOperator.GT and count + 1 in every)):
        raise Unsupported(f"temporal condition '{op.name.lower()}: {count}' is not supported: geobuk "
                          f"requires every one of the {len(set(rules))} referenced rules")
    if cond.fieldref:
        raise Unsupported("condition 'field' does not apply to temporal correlations")


def _only_and(node: object) -> bool:
    if isinstance(node, SigmaRuleReference):
        return True
    return isinstance(node, CorrelationConditionAND) and all(_only_and(a) for a in node.args)
