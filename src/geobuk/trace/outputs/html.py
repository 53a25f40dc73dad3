"""A self-contained HTML page of a follow: the flow as an inline SVG Sankey, then the tables."""

from __future__ import annotations

from typing import TextIO

from jinja2 import Environment, PackageLoader, select_autoescape

from geobuk.trace.follow import FollowResult
from geobuk.trace.outputs.base import OUTPUTS, TraceOutput
from geobuk.trace.outputs.sankey import sankey_svg

_ENV = Environment(
    loader=PackageLoader("geobuk.trace", "templates"), autoescape=select_autoescape(["html", "j2"])
)


@OUTPUTS.register
class HtmlOutput(TraceOutput):
    name = "html"
    description = "one HTML page with the flow drawn as a Sankey diagram"
    supports = frozenset({"follow"})

    def write_follow(self, result: FollowResult, stream: TextIO) -> None:
        names = {e.address: e.name for e in result.endpoints if e.name}
        for h in result.held:
            if h.get("actor"):
                names.setdefault(h["address"], h["actor"])
        svg = sankey_svg(result.flows, names)
        stream.write(_ENV.get_template("follow.html.j2").render(r=result, svg=svg))
