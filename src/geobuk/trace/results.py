"""Trace results kept in the store like hunt findings (``detect.results.save_run``, stage ``trace``).

One finding per recognised pattern and per endpoint reached, with the fields the ``findings`` table
indexes (rule id = pattern or ``endpoint``, level, actor, address as host, first time) and the full
record in ``to_dict``, so reports and sharing read trace runs the way they read hunts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from geobuk.detect.results import save_run
from geobuk.intel.store import Store
from geobuk.trace.follow import FollowResult


@dataclass
class TraceFinding:
    kind: str
    rule_id: str
    rule_title: str
    level: str
    actor: str | None
    source_file: str | None
    record_id: str | None
    timestamp: str | None
    host: str | None
    detail: dict

    def to_dict(self) -> dict:
        return asdict(self)


def findings_of(result: FollowResult) -> list[TraceFinding]:
    actor = result.actor["name"] if result.actor else None
    out = [
        TraceFinding(
            "trace-pattern",
            p["pattern"],
            p["title"],
            p["level"],
            actor,
            None,
            p["address"],
            p["first_time"],
            p["address"],
            p,
        )
        for p in result.patterns
    ]
    for e in result.endpoints:
        out.append(
            TraceFinding(
                "trace-endpoint",
                "endpoint",
                f"Value reached {e.name or e.address}",
                "high" if set(e.labels) & {"mixer", "exchange", "bridge"} else "medium",
                actor,
                None,
                e.address,
                None,
                e.address,
                {
                    "address": e.address,
                    "asset": e.asset,
                    "amount": e.amount,
                    "labels": e.labels,
                    "path": e.path,
                    "hops": e.hops,
                },
            )
        )
    return out


def save_follow(store: Store, result: FollowResult) -> str:
    summary = {
        "endpoints": len(result.endpoints),
        "patterns": len(result.patterns),
        "transfers": result.totals.get("transfers", 0),
        "seconds": round(result.seconds, 3),
    }
    parameters = {
        "seeds": result.seeds,
        "model": result.model,
        "direction": result.direction,
        "hops": result.hops,
    }
    return save_run(
        store,
        findings_of(result),
        parameters=parameters,
        summary=summary,  # type: ignore[arg-type]
        seconds=result.seconds,
        stage="trace",
    )
