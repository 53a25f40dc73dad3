"""JSON lines: one screened address a line; a follow result as one record per line by ``type``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

import orjson

from geobuk.trace.follow import FollowResult
from geobuk.trace.outputs.base import OUTPUTS, TraceOutput
from geobuk.trace.screen import ScreenRow


def _line(stream: TextIO, record: dict) -> None:
    stream.write(orjson.dumps(record).decode())
    stream.write("\n")


@OUTPUTS.register
class JsonLinesOutput(TraceOutput):
    name = "jsonl"
    description = "JSON lines"

    def write_screen(self, rows: Sequence[ScreenRow], stream: TextIO) -> None:
        for row in rows:
            _line(stream, row.to_dict())

    def write_follow(self, result: FollowResult, stream: TextIO) -> None:
        data = result.to_dict()
        _line(
            stream,
            {
                "type": "summary",
                **{
                    k: data[k]
                    for k in ("seeds", "model", "direction", "hops", "actor", "totals", "problems", "seconds")
                },
            },
        )
        for kind, key in (
            ("endpoint", "endpoints"),
            ("pattern", "patterns"),
            ("held", "held"),
            ("step", "timeline"),
        ):
            for item in data[key]:
                _line(stream, {"type": kind, **item})
