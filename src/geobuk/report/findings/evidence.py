"""The one value that shows best why a finding fired, on one printable line.

A person scanning a table of findings reads one cell of evidence per row: the command line says more
than the image path, the image path more than the event id.
"""

from __future__ import annotations

import re

from geobuk.detect.findings import Finding
from geobuk.report.findings.text import printable, shorten

#: Fields that tell most about an event, best first (compared ignoring case, spaces, dots, dashes and
#: underscores, so Sysmon's ``CommandLine`` and ECS's ``process.command_line`` both match).
TELLING_FIELDS = (
    "CommandLine", "process.command_line", "ScriptBlockText", "powershell.file.script_block_text",
    "QueryName", "dns.question.name", "url", "url.full", "DestinationHostname", "TargetFilename",
    "file.path", "TargetObject", "registry.path", "ImageLoaded", "ServiceFileName", "ImagePath",
    "Image", "process.executable", "NewProcessName", "DestinationIp", "destination.ip",
    "PipeName", "TaskName", "Details", "ParentCommandLine",
)
#: A correlation finding's event holds its group and these summary fields, not an original event.
CORRELATION_SUMMARY = ("count", "first", "last")

_NORMALISE = re.compile(r"[\s._-]+")


def _key(name: str) -> str:
    return _NORMALISE.sub("", name).lower()


_RANK = {_key(name): i for i, name in enumerate(TELLING_FIELDS)}


def telling_field(event: dict[str, object]) -> tuple[str, str] | None:
    """The best (field, value) of ``event`` for a person, or None if it has no non-empty field.

    An event with none of ``TELLING_FIELDS`` shows its first field: something rather than nothing.
    """
    present = [(name, value) for name, value in event.items() if value not in (None, "")]
    if not present:
        return None
    ranked = [(rank, name, value) for name, value in present if (rank := _RANK.get(_key(name))) is not None]
    if ranked:
        _, name, value = min(ranked, key=lambda item: item[0])
        return name, str(value)
    name, value = present[0]
    return name, str(value)


def evidence(finding: Finding, width: int = 80) -> str:
    """One printable line of evidence for ``finding``, at most ``width`` characters.

    An indicator finding shows the indicator's value (that is what matched); a correlation shows its
    group (``User=alice``) with the event count; a rule match shows its most telling field.
    """
    if finding.indicator and finding.indicator.get("value"):
        text = f"{finding.indicator.get('type') or 'indicator'}: {finding.indicator['value']}"
    elif finding.kind == "correlation":
        group = [f"{k}={v}" for k, v in finding.event.items() if k not in CORRELATION_SUMMARY]
        count = finding.event.get("count") or (str(len(finding.related)) if finding.related else "")
        text = ", ".join(group + ([f"{count} events"] if count else []))
    else:
        found = telling_field(finding.event)
        text = f"{found[0]}: {found[1]}" if found else ""
    return shorten(printable(text), width)
