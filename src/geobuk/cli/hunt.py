"""``geobuk hunt``: Sigma rules and the intel store's indicators over an organisation's logs."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from geobuk.cli import console
from geobuk.cli.common import open_store
from geobuk.detect.attribution import attribution_from_store
from geobuk.detect.findings import LEVELS
from geobuk.detect.hunt import HuntResult, hunt, sort_findings
from geobuk.detect.indicators import IndicatorIndex
from geobuk.detect.results import save_run
from geobuk.detect.rulesets import BUILTIN_RULES, RuleSet, default_cache_dir, load_ruleset
from geobuk.errors import GeobukError
from geobuk.report.findings import OUTPUTS
from geobuk.sources import ReadProgress


def load_rules(rules: list[Path], builtin: bool) -> RuleSet:
    paths = ([BUILTIN_RULES] if builtin else []) + list(rules)
    if not paths:
        raise GeobukError("no rules: give --rules or drop --no-builtin-rules")
    return load_ruleset(paths, cache_dir=default_cache_dir())


def hunt_cmd(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Log files, folders (searched recursively), .gz/.zip."),
    rules: list[Path] = typer.Option(None, "--rules", "-r", help="A Sigma rule file or folder (repeatable)."),
    no_builtin: bool = typer.Option(False, "--no-builtin-rules", help="Leave out geobuk's DPRK rule pack."),
    no_intel: bool = typer.Option(False, "--no-intel", help="Do not match the store's indicators."),
    min_level: str = typer.Option("informational", "--min-level", help=f"One of {', '.join(LEVELS)}."),
    fmt: str = typer.Option("table", "--format", "-f", help=f"Output: {', '.join(OUTPUTS.names())}."),
    out: Path = typer.Option(None, "--out", "-o", help="Write the findings here instead of stdout."),
    log_format: str = typer.Option(None, "--log-format", help="Force the log format (default: detected)."),
    workers: int = typer.Option(None, "--workers", help="Processes reading logs (default: one per core; "
                                "1: in this process)."),
    show_skipped: bool = typer.Option(False, "--show-skipped", help="List every rule that could not be "
                                      "loaded, with the reason."),
    save: bool = typer.Option(True, "--save/--no-save", help="Keep the findings in the store."),
) -> None:
    """Hunt for DPRK tradecraft and indicators in logs (EVTX, JSON/JSONL, CSV).

    Exit code 0: nothing found; 1: findings; 2: an error.

    Example: geobuk hunt ./logs --rules ./sigma/rules/windows --min-level medium --format html -o hunt.html
    """
    if min_level.lower() not in LEVELS:
        raise GeobukError(f"--min-level must be one of {', '.join(LEVELS)}")
    output = OUTPUTS.get(fmt)
    ruleset = load_rules(list(rules or []), not no_builtin)
    with open_store(ctx) as store:
        index = None if no_intel else IndicatorIndex.from_table(store.indicator_table())
        attribution = attribution_from_store(store)
        with console.progress("hunting", None) as bar:
            task = bar.task_ids[0]

            def step(p: ReadProgress) -> None:
                bar.update(task, completed=p.bytes_done, total=p.bytes_total,
                           description=f"hunting {p.files_done}/{p.files_total} files, {p.events} events")

            result = hunt(paths, ruleset, indicators=index, attribution=attribution,
                          min_level=min_level.lower(), fmt=log_format, workers=workers, progress=step)
        result.findings = sort_findings(result.findings)
        parameters = {"paths": [str(p) for p in paths], "rules": [str(r) for r in rules or []],
                      "builtin_rules": not no_builtin, "intel": not no_intel, "min_level": min_level}
        summary = _summary(result, ruleset)
        if save:
            save_run(store, result.findings, parameters=parameters, summary=summary, seconds=result.seconds)
    context = {"parameters": parameters, "summary": summary,
               "skipped_rules": [str(p) for p in ruleset.problems], "problems": result.problems}
    if out:
        with out.open("w", encoding="utf-8", newline="") as stream:
            output().write(result, stream, context=context)
    else:
        output().write(result, sys.stdout, context=context)
    _report_to_stderr(result, ruleset, show_skipped)
    raise typer.Exit(1 if result.findings else 0)


def _summary(result: HuntResult, ruleset: RuleSet) -> dict:
    return {"events": result.events, "sources": result.sources, "findings": len(result.findings),
            "rules": len(ruleset.rules), "correlations": len(ruleset.correlations),
            "rules_skipped": len(ruleset.problems), "seconds": round(result.seconds, 3),
            "reading_problems": len(result.problems)}


def _report_to_stderr(result: HuntResult, ruleset: RuleSet, show_skipped: bool) -> None:
    err = console.err
    err.print(f"{result.events} events from {result.sources} sources, {len(ruleset.rules)} rules "
              f"+ {len(ruleset.correlations)} correlations, {len(result.findings)} findings "
              f"in {result.seconds:.1f} s", markup=False)
    if ruleset.problems:
        if show_skipped:
            for problem in ruleset.problems:
                err.print(f"skipped rule: {problem}", markup=False)
        else:
            err.print(f"{len(ruleset.problems)} rules could not be loaded (--show-skipped lists them "
                      "with the reason)", markup=False)
    for problem in result.problems[:20]:
        err.print(f"warning: {problem}", markup=False)
    if len(result.problems) > 20:
        err.print(f"... and {len(result.problems) - 20} more reading problems", markup=False)
