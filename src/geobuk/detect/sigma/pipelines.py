"""Named pySigma processing pipelines: how rules' generic log sources map onto real logs.

A *variant* is a pipeline plus which rules it applies to. The ``windows`` set compiles every rule
for Sysmon (and the Windows channels), and rules whose category Windows' own auditing also records
(process creation -> Security 4688, registry -> 4657) a second time for that, with its field names.
Like pySigma's backends and pipelines, sets are found by name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from sigma.pipelines.sysmon import sysmon_pipeline
from sigma.pipelines.windows import windows_audit_pipeline, windows_logsource_pipeline
from sigma.processing.pipeline import ProcessingPipeline
from sigma.rule import SigmaRule

from geobuk.errors import GeobukError

Variant = tuple[Callable[[SigmaRule], bool], ProcessingPipeline]

AUDIT_CATEGORIES = frozenset({"process_creation", "registry_event", "registry_set", "registry_add"})


def _any_rule(rule: SigmaRule) -> bool:
    return True


def _audited(rule: SigmaRule) -> bool:
    return rule.logsource.product == "windows" and rule.logsource.category in AUDIT_CATEGORIES


def _windows() -> list[Variant]:
    return [(_any_rule, sysmon_pipeline() + windows_logsource_pipeline()),
            (_audited, windows_audit_pipeline() + windows_logsource_pipeline())]


def _none() -> list[Variant]:
    return [(_any_rule, ProcessingPipeline())]


PIPELINE_SETS: dict[str, Callable[[], list[Variant]]] = {"windows": _windows, "none": _none}


@cache
def variants(name: str) -> list[Variant]:
    try:
        return PIPELINE_SETS[name]()
    except KeyError:
        raise GeobukError(f"unknown pipeline set {name!r} (known: {', '.join(PIPELINE_SETS)})") from None
