"""pySigma values (after modifiers and pipelines have been applied) as geobuk predicates.

Modifiers such as ``contains``, ``windash``, ``base64offset`` or ``cidr`` have already turned the
rule's values into typed pySigma values by the time this runs; each type maps to one predicate.
"""

from __future__ import annotations

import re

from sigma.types import (
    CompareOperators,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaRegularExpressionFlag,
    SigmaString,
    SigmaTimestampPart,
    SpecialChars,
)

from geobuk.detect.ir import Expr, Keyword, Pred, or_

_COMPARE = {CompareOperators.LT: "lt", CompareOperators.LTE: "lte",
            CompareOperators.GT: "gt", CompareOperators.GTE: "gte"}
_FLAGS = {SigmaRegularExpressionFlag.IGNORECASE: "i", SigmaRegularExpressionFlag.MULTILINE: "m",
          SigmaRegularExpressionFlag.DOTALL: "s"}


class Unsupported(ValueError):
    """A construct geobuk cannot evaluate; the rule is listed with this reason."""


def string_test(s: SigmaString, cased: bool) -> tuple[str, str]:
    """(op, value) for a Sigma string with wildcards: the cheapest operator that is exact."""
    parts = list(s.s)
    placeholders = [p for p in parts if not isinstance(p, (str, SpecialChars))]
    if placeholders:
        names = ", ".join(f"%{getattr(p, 'name', p)}%" for p in placeholders)
        raise Unsupported(f"placeholder {names} has no value (give it one with a processing pipeline)")
    fold = (lambda x: x) if cased else str.casefold
    plain = [p for p in parts if isinstance(p, str)]
    specials = [i for i, p in enumerate(parts) if not isinstance(p, str)]
    if not specials:
        return "eq", fold("".join(plain))
    multi = SpecialChars.WILDCARD_MULTI
    lead = parts[0] is multi
    trail = parts[-1] is multi and len(parts) > 1
    inner = [i for i in specials if not ((i == 0 and lead) or (i == len(parts) - 1 and trail))]
    text = fold("".join(plain))
    if not inner:
        if not text:
            return "glob", ".*"
        if lead and trail:
            return "contains", text
        return ("endswith", text) if lead else ("startswith", text)
    pattern = "".join(
        re.escape(fold(p)) if isinstance(p, str) else (".*" if p is multi else ".") for p in parts)
    return "glob", pattern


def _keyword(op: str, text: str, cased: bool) -> Keyword:
    """Keywords are searched for anywhere in any field's value (as Hayabusa and Chainsaw do):
    a plain keyword is a substring, a wildcard keyword an unanchored pattern."""
    if op in ("eq", "startswith", "endswith"):
        return Keyword("contains", text, cased)
    if op == "glob":
        return Keyword("glob", f".*{text}.*", cased)
    return Keyword(op, text, cased)


def value_test(field: str | None, value: object) -> Expr:
    """The predicate for ``field`` compared with one pySigma value (``field`` None: a keyword)."""
    if isinstance(value, SigmaExpansion):
        return or_(*(value_test(field, v) for v in value.values))
    if isinstance(value, SigmaString):
        cased = isinstance(value, SigmaCasedString)
        op, text = string_test(value, cased)
        if field is None:
            return _keyword(op, text, cased)
        return Pred(field, op, text, cased)
    if isinstance(value, SigmaRegularExpression):
        flags = "".join(sorted(_FLAGS[f] for f in value.flags))
        pattern = str(value.regexp)
        return Keyword("regex", pattern, True, flags) if field is None else Pred(field, "regex", pattern,
                                                                                  True, flags)
    if isinstance(value, SigmaBool):
        text = "true" if value.boolean else "false"
        return Keyword("eq", text) if field is None else Pred(field, "eq", text)
    if isinstance(value, SigmaTimestampPart):
        if field is None:
            raise Unsupported("timestamp modifier on a keyword")
        return Pred(field, "timepart", float(value.number), flags=value.timestamp_part.name.lower())
    if isinstance(value, SigmaNumber):
        text = str(value.number)
        return Keyword("eq", text) if field is None else Pred(field, "eq", text)
    if field is None:
        raise Unsupported(f"keyword of type {type(value).__name__}")
    if isinstance(value, SigmaNull):
        return Pred(field, "null")
    if isinstance(value, SigmaExists):
        return Pred(field, "exists" if value.exists else "missing")
    if isinstance(value, SigmaCompareExpression):
        return Pred(field, _COMPARE[value.op], float(value.number.number))
    if isinstance(value, SigmaCIDRExpression):
        return Pred(field, "cidr", str(value.network))
    if isinstance(value, SigmaFieldReference):
        op = ("fieldref_startswith" if value.starts_with else
              "fieldref_endswith" if value.ends_with else "fieldref")
        return Pred(field, op, value.field)
    raise Unsupported(f"value type {type(value).__name__} on field {field}")
