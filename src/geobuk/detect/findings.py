"""What a hunt reports: one finding per (rule or indicator, event), with its evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

LEVELS = ("informational", "low", "medium", "high", "critical")
LEVEL_RANK = {name: i for i, name in enumerate(LEVELS)}


@dataclass
class Finding:
    """One match. ``event`` holds the matched event's fields (its evidence).

    ``kind`` is ``sigma`` (a rule matched), ``indicator`` (a known indicator was seen) or
    ``correlation`` (a correlation rule's condition held over several events; ``related`` then
    lists the (source file, record id) of the events behind it).
    """

    kind: str
    rule_id: str
    rule_title: str
    level: str
    tags: list[str]
    actor: str | None
    indicator: dict | None
    source_file: str
    record_id: str | None
    timestamp: str | None
    host: str | None
    event: dict[str, str]
    related: list[list[str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def level_rank(level: str | None) -> int:
    return LEVEL_RANK.get((level or "informational").lower(), 0)
