"""Red flags: each module raises the flags of one kind of input, each flag citing its public sources."""

from __future__ import annotations

from collections.abc import Iterator

from geobuk.vet.data import VetData
from geobuk.vet.flags import devices, links, people, signins
from geobuk.vet.linking import Linkage
from geobuk.vet.model import Flag


def raise_flags(data: VetData, linkage: Linkage) -> dict[int, list[Flag]]:
    """Every flag of every person (by position in the people table), weighted by the config."""
    out: dict[int, list[Flag]] = {}
    sources: list[Iterator[tuple[int, Flag]]] = [
        people.flags(data),
        signins.flags(data),
        devices.flags(data),
        links.flags(data, linkage),
    ]
    for source in sources:
        for person, flag in source:
            flag.weight = data.config.weight(flag.code)
            out.setdefault(person, []).append(flag)
    return out
