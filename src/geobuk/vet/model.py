"""What a vet run finds: flags with their evidence, links between people, clusters, scores.

Evidence is kept structured (``Flag.evidence``: field -> value) and turned into a sentence only when
shown (``Flag.detail``), so that redaction can replace identifiers in the fields and the sentence
follows. Every class has ``to_dict`` giving the JSON the outputs and the store share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geobuk.vet.advisories import ADVISORIES
from geobuk.vet.catalogue import FLAGS


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        shown = [_show(v) for v in value[:8]]
        more = f" and {len(value) - 8} more" if len(value) > 8 else ""
        return ", ".join(shown) + more
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass
class Flag:
    """One red flag on one person: ``template`` is formatted with ``evidence`` to explain it."""

    code: str
    evidence: dict[str, Any]
    template: str
    weight: int = 0

    @property
    def title(self) -> str:
        return FLAGS[self.code].title

    def detail(self) -> str:
        return self.template.format_map({k: _show(v) for k, v in self.evidence.items()})

    def sources(self) -> list[dict[str, str]]:
        return [ADVISORIES[key].to_dict() for key in FLAGS[self.code].sources]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "weight": self.weight,
            "evidence": self.detail(),
            "details": self.evidence,
            "source": self.sources(),
        }


@dataclass
class Link:
    """People sharing one identifier (``kind``, ``value``), or a near pair (photo, resume) with its
    ``measure``: Hamming distance of photo hashes, estimated Jaccard similarity of resumes."""

    kind: str
    value: str
    people: list[str]
    measure: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "value": self.value, "people": self.people}
        if self.measure is not None:
            out["measure"] = round(self.measure, 3)
        return out


@dataclass
class PersonResult:
    person_id: str
    name: str
    score: int
    flags: list[Flag]
    cluster_id: str | None = None
    flagged: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "score": self.score,
            "flagged": self.flagged,
            "cluster_id": self.cluster_id,
            "flags": [f.to_dict() for f in self.flags],
        }


@dataclass
class ClusterResult:
    cluster_id: str
    people: list[str]
    score: int
    links: list[Link]
    flag_codes: list[str]
    flagged: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "score": self.score,
            "flagged": self.flagged,
            "people": self.people,
            "flags": self.flag_codes,
            "links": [x.to_dict() for x in self.links],
        }


@dataclass
class VetResult:
    """People most at risk first, then clusters the same way; ``notes`` says what was left out and why."""

    people: list[PersonResult]
    clusters: list[ClusterResult]
    summary: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    redacted: bool = False

    @property
    def flagged_people(self) -> list[PersonResult]:
        return [p for p in self.people if p.flagged]

    @property
    def flagged_clusters(self) -> list[ClusterResult]:
        return [c for c in self.clusters if c.flagged]
