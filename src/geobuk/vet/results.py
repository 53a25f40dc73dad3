"""Vet results kept in the store like hunt findings (``runs`` / ``findings``, stage ``vet``).

Each person with at least one flag and each cluster becomes one finding; ``doc`` holds the person's
or cluster's full JSON (``to_dict``), so reports and sharing can reload them. The store keeps what
the report showed: with ``--redact``, the pseudonyms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geobuk.detect.results import load_findings, save_run
from geobuk.intel.store import Store
from geobuk.vet.config import VetConfig
from geobuk.vet.model import VetResult
from geobuk.vet.scoring import level

ACTOR = "Famous Chollima"  # the pack's actor for DPRK IT workers (UNC5267, Jasper Sleet)

__all__ = ["VetFinding", "findings", "load_findings", "save"]


@dataclass
class VetFinding:
    """A vet result in the shape ``detect.results.save_run`` stores."""

    kind: str
    rule_id: str
    rule_title: str
    level: str
    actor: str | None
    source_file: str | None
    record_id: str
    timestamp: str | None
    host: str | None
    doc: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.doc}


def findings(result: VetResult, config: VetConfig, source: str | None) -> list[VetFinding]:
    out = []
    def finding(kind: str, title: str, score: int, flagged: bool, record: str, doc: dict) -> VetFinding:
        return VetFinding(kind, f"vet:{kind.removeprefix('vet-')}", f"score {score}: {title}",
                          level(score, config), ACTOR if flagged else None, source, record, None, None, doc)

    for person in result.people:
        if person.flags:
            out.append(finding("vet-person", person.flags[0].title, person.score, person.flagged,
                               person.person_id, person.to_dict()))
    for cluster in result.clusters:
        out.append(finding("vet-cluster", f"{len(cluster.people)} linked people", cluster.score,
                           cluster.flagged, cluster.cluster_id, cluster.to_dict()))
    return out


def save(store: Store, result: VetResult, config: VetConfig, *, parameters: dict, source: str | None) -> str:
    """Store the run and its findings in one transaction; return the run id."""
    summary = {k: v for k, v in result.summary.items()} | {"redacted": result.redacted}
    return save_run(
        store,
        findings(result, config, source),
        parameters=parameters,
        summary=summary,
        seconds=result.seconds,
        stage="vet",
    )
