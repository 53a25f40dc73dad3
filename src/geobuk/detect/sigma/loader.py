"""Sigma documents (parsed YAML) to compiled rules, correlations, and the reasons for any failure."""

from __future__ import annotations

from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError
from sigma.rule import SigmaRule

from geobuk.detect.rulesets import RuleProblem, RuleSet
from geobuk.detect.sigma.compiler import compile_rule
from geobuk.detect.sigma.pipelines import variants
from geobuk.detect.sigma.values import Unsupported


def _name(rule: object) -> str:
    return str(getattr(rule, "id", None) or getattr(rule, "title", None) or "rule")


def compile_documents(documents: list[dict], source: str, pipeline: str) -> RuleSet:
    out = RuleSet()
    try:
        collection = SigmaCollection.from_dicts(documents, collect_errors=True, resolve_references=False)
    except Exception as exc:  # pySigma raises more than SigmaError on odd input (UnboundLocalError...)
        out.problems.append(RuleProblem(source, None, f"{type(exc).__name__}: {str(exc).splitlines()[0]}"))
        return out
    for rule in collection.rules:
        try:
            if isinstance(rule, SigmaCorrelationRule):
                from geobuk.detect.sigma.correlation import compile_correlation

                if rule.errors:
                    raise Unsupported(str(rule.errors[0]))
                out.correlations.append(compile_correlation(rule, source))
            elif isinstance(rule, SigmaRule):
                compiled = compile_rule(rule, variants(pipeline), source)
                if not compiled.detections:
                    raise Unsupported("no detection left after mapping to the log sources")
                out.rules.append(compiled)
            else:
                raise Unsupported(f"{type(rule).__name__} documents are not supported")
        except (Unsupported, SigmaError) as exc:
            out.problems.append(RuleProblem(source, _name(rule), str(exc).splitlines()[0]))
        except Exception as exc:  # pySigma raises many types for odd rules; never lose the others
            out.problems.append(RuleProblem(source, _name(rule), f"{type(exc).__name__}: {exc}"))
    for error in collection.errors:
        if not any(error is e for r in collection.rules for e in getattr(r, "errors", [])):
            out.problems.append(RuleProblem(source, None, str(error).splitlines()[0]))
    return out
