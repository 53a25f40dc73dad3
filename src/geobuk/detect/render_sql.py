"""The compiled expression tree rendered as SQL, for engines other than geobuk's own (DuckDB here,
Spark SQL over Parquet for users who outgrow one machine).

The SQL keeps the tree's semantics exactly: tests on an absent field are false (so ``NOT`` of them is
true), string tests are case-insensitive unless cased, and log values are text. Only functions
common to DuckDB and Spark SQL are used (``lower``, ``instr``, ``left``/``right``, ``length``,
``coalesce``, ``concat_ws``), except for regular expressions, whose operator differs by dialect.
"""

from __future__ import annotations

from collections.abc import Iterable

from geobuk.detect.ir import And, Const, Detection, Expr, Keyword, Not, Or, Pred
from geobuk.detect.plan import SEPARATOR

REGEX = {"duckdb": "regexp_matches({col}, {pattern})", "spark": "({col} RLIKE {pattern})"}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class SqlRenderer:
    """Renders expressions over a table whose columns are ``columns`` (all text)."""

    def __init__(self, columns: Iterable[str], dialect: str = "duckdb") -> None:
        self.columns = {c.casefold().replace(" ", ""): c for c in columns}
        self.dialect = dialect

    def _col(self, field: str) -> str | None:
        name = self.columns.get(field.casefold().replace(" ", ""))
        return None if name is None else '"' + name.replace('"', '""') + '"'

    def _regex(self, col: str, pattern: str, flags: str = "") -> str:
        prefixed = f"(?{flags}){pattern}" if flags else pattern
        return REGEX[self.dialect].format(col=col, pattern=_quote(prefixed))

    def _string_test(self, col: str, op: str, value: str, cased: bool, flags: str = "") -> str:
        data = col if cased else f"lower({col})"
        v = _quote(value)
        if op == "eq":
            return f"{data} = {v}"
        if op == "contains":
            return f"instr({data}, {v}) > 0"
        if op == "startswith":
            return f"left({data}, {len(value)}) = {v}"
        if op == "endswith":
            return f"right({data}, {len(value)}) = {v}"
        if op == "glob":
            return self._regex(data, f"^(?:{value})$", "s")
        if op == "regex":
            return self._regex(col, value, flags)
        raise ValueError(op)

    def pred(self, p: Pred) -> str:
        col = self._col(p.field)
        if p.op == "missing":
            return "TRUE" if col is None else f"{col} IS NULL"
        if p.op == "null":
            return "TRUE" if col is None else f"({col} IS NULL OR {col} = '')"
        if col is None:
            return "FALSE"
        if p.op == "exists":
            return f"{col} IS NOT NULL"
        if p.op in ("lt", "lte", "gt", "gte"):
            sign = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[p.op]
            return f"TRY_CAST({col} AS DOUBLE) {sign} {float(p.value)!r}"
        if p.op.startswith("fieldref"):
            other = self._col(str(p.value))
            if other is None:
                return "FALSE"
            a, b = f"lower({col})", f"lower({other})"
            if p.op == "fieldref":
                return f"{a} = {b}"
            side = "left" if p.op == "fieldref_startswith" else "right"
            return f"{side}({a}, length({b})) = {b}"
        if p.op in ("cidr", "timepart"):
            raise NotImplementedError(f"{p.op} is not rendered to SQL yet")
        return self._string_test(col, p.op, str(p.value), p.cased, p.flags)

    def keyword(self, k: Keyword) -> str:
        searchable = [self._col(c) for c in self.columns.values() if not c.startswith("_")]
        raw = "concat('{sep}', concat_ws('{sep}', {cols}), '{sep}')".format(
            sep=SEPARATOR, cols=", ".join(c for c in searchable if c) or "''")
        if k.op == "contains":
            return self._string_test(raw, "contains", k.value, k.cased)
        return "(" + " OR ".join(f"COALESCE({self._string_test(c, k.op, k.value, k.cased, k.flags)}, FALSE)"
                                 for c in searchable if c) + ")" if searchable else "FALSE"

    def expr(self, e: Expr) -> str:
        if isinstance(e, Pred):
            return f"COALESCE({self.pred(e)}, FALSE)"
        if isinstance(e, Keyword):
            return f"COALESCE({self.keyword(e)}, FALSE)"
        if isinstance(e, And):
            return "(" + " AND ".join(self.expr(a) for a in e.args) + ")"
        if isinstance(e, Or):
            return "(" + " OR ".join(self.expr(a) for a in e.args) + ")"
        if isinstance(e, Not):
            return f"(NOT {self.expr(e.arg)})"
        if isinstance(e, Const):
            return "TRUE" if e.value else "FALSE"
        raise TypeError(e)

    def detection(self, d: Detection) -> str:
        parts = []
        for field, values in (("Channel", d.logfilter.channels), ("EventID", d.logfilter.event_ids)):
            if values:
                col = self._col(field)
                if col is None:
                    return "FALSE"
                listed = ", ".join(_quote(v) for v in sorted(values))
                parts.append(f"COALESCE(lower({col}) IN ({listed}), FALSE)")
        parts.append(self.expr(d.expr))
        return "(" + " AND ".join(parts) + ")"
