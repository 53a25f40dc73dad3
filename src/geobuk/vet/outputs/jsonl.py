"""JSON Lines: one line per person (``"type": "person"``), then one per cluster (``"type": "cluster"``).

Every person is written, flagged or not, so that a script sees the whole population; each line has
``person_id``, ``score``, ``flagged``, ``cluster_id`` and ``flags`` (each with ``code``, ``evidence``,
``source``...).
"""

from __future__ import annotations

from typing import Any, TextIO

import orjson

from geobuk.vet.model import VetResult
from geobuk.vet.outputs.base import OUTPUTS, VetOutput


@OUTPUTS.register
class JsonlOutput(VetOutput):
    name = "jsonl"
    description = "one JSON object per person, then per cluster"
    extension = ".jsonl"

    def write(self, result: VetResult, stream: TextIO, *, context: dict[str, Any]) -> None:
        for person in result.people:
            stream.write(orjson.dumps({"type": "person", **person.to_dict()}).decode() + "\n")
        for cluster in result.clusters:
            stream.write(orjson.dumps({"type": "cluster", **cluster.to_dict()}).decode() + "\n")
