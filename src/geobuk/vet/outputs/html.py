"""One self-contained HTML page: flagged people and clusters with their evidence and sources, and
a drawing of each cluster. Inline CSS and SVG only, no script, no external asset; every value is
escaped (HR fields are applicant-typed) and a Content-Security-Policy forbids scripts anyway.

The template is kept in this module rather than a package data file so that it ships with any
install of the package.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any, TextIO

from jinja2 import BaseLoader, Environment, StrictUndefined

from geobuk.vet.model import VetResult
from geobuk.vet.outputs.base import OUTPUTS, VetOutput
from geobuk.vet.outputs.graph import cluster_graph

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>geobuk vet report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d1d1f;padding:0 1em}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}table{border-collapse:collapse;width:100%}
td,th{text-align:left;vertical-align:top;padding:.35em .5em;border-bottom:1px solid #eee}
.score{font-weight:700;text-align:right;width:3em}.hi{color:#fff;background:#c62828}.med{color:#c62828}
.low{color:#8a6d00}.code{font-family:ui-monospace,monospace;font-size:.9em}.src{font-size:.85em;color:#555}
.note{color:#555}.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;margin:1em 0}
svg text{font:12px system-ui,sans-serif}
</style></head><body>
<h1>Vetting report{% if redacted %} (identifiers pseudonymised){% endif %}</h1>
<p>{{ summary.people }} people, {{ summary.signins }} sign-ins, {{ summary.devices }} device rows ·
<b>{{ flagged|length }}</b> people scoring {{ summary.threshold }} or more ·
<b>{{ flagged_clusters|length }}</b> clusters scoring {{ summary.cluster_threshold }} or more ·
generated {{ generated }}.</p>
<p class="note">Scores add the documented weight of each distinct red flag (capped at 100); each flag cites
the public advisory it comes from. A score is a reason to look closer, never a verdict.</p>
{% for note in notes %}<p class="note">Note: {{ note }}</p>{% endfor %}
<h2>People</h2>
<table><tr><th>score</th><th>person</th><th>cluster</th><th>red flags</th></tr>
{% for p in people %}<tr>
<td class="score {{ p.score|band(summary.threshold) }}">{{ p.score }}</td>
<td>{{ p.person_id }}<br><span class="src">{{ p.name }}</span></td>
<td>{% if p.cluster_id %}<a href="#{{ p.cluster_id }}">{{ p.cluster_id }}</a>{% endif %}</td>
<td>{% for f in p.flags %}<div><span class="code">{{ f.code }}</span> (+{{ f.weight }}) {{ f.detail() }}
<span class="src">— {% for s in f.sources() %}<a href="{{ s.url }}">{{ s.title }}</a>
{%- if not loop.last %}; {% endif %}{% endfor %}</span></div>{% endfor %}</td>
</tr>{% endfor %}</table>
{% if hidden %}<p class="note">{{ hidden }} more people with low scores are in the JSON Lines output.</p>
{% endif %}
<h2>Clusters</h2>
{% for c in clusters %}<div class="card" id="{{ c.cluster.cluster_id }}">
<h3>{{ c.cluster.cluster_id }} · score
<span class="{{ c.cluster.score|band(summary.cluster_threshold) }}">{{ c.cluster.score }}</span>
· {{ c.cluster.people|length }} people</h3>
<svg xmlns="http://www.w3.org/2000/svg" width="{{ c.graph.width }}" height="{{ c.graph.height }}" role="img"
 aria-label="people of {{ c.cluster.cluster_id }} and what they share">
{% for x1, y1, x2, y2 in c.graph.edges %}
<line x1="{{ x1 }}" y1="{{ y1 }}" x2="{{ x2 }}" y2="{{ y2 }}" stroke="#999"/>
{% endfor %}{% for n in c.graph.people %}<circle cx="{{ n.x }}" cy="{{ n.y }}" r="6" fill="#c62828"/>
<text x="{{ n.x - 12 }}" y="{{ n.y + 4 }}" text-anchor="end">{{ n.label }} ({{ n.detail }})</text>
{% endfor %}{% for n in c.graph.attributes %}
<rect x="{{ n.x - 6 }}" y="{{ n.y - 6 }}" width="12" height="12" fill="#1565c0"/>
<text x="{{ n.x + 12 }}" y="{{ n.y + 4 }}">{{ n.label }}: {{ n.detail }}</text>
{% endfor %}</svg>
<table><tr><th>shared</th><th>value</th><th>people</th></tr>
{% for l in c.cluster.links %}<tr><td class="code">{{ l.kind }}
{%- if l.measure is not none %} ({{ '%g'|format(l.measure) }}){% endif %}</td>
<td>{{ l.value }}</td><td>{{ l.people|join(', ') }}</td></tr>{% endfor %}</table>
<p class="src">red flags among its people: {{ c.cluster.flag_codes|join(', ') }}</p>
</div>{% else %}<p>No linked people.</p>{% endfor %}
</body></html>
"""


def _band(score: int, threshold: int) -> str:
    if score >= 80:
        return "hi"
    return "med" if score >= threshold else "low"


@functools.cache
def _template():
    env = Environment(
        loader=BaseLoader(), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["band"] = _band
    return env.from_string(TEMPLATE)


@OUTPUTS.register
class HtmlOutput(VetOutput):
    name = "html"
    description = "one self-contained HTML page with a drawing of each cluster"
    extension = ".html"

    def write(self, result: VetResult, stream: TextIO, *, context: dict[str, Any]) -> None:
        limit = context.get("limit", 200) or len(result.people)
        with_flags = [p for p in result.people if p.flags]
        scores = {p.person_id: p.score for p in result.people}
        clusters = [{"cluster": c, "graph": cluster_graph(c, scores)} for c in result.clusters[:limit]]
        stream.write(
            _template().render(
                summary=result.summary,
                people=with_flags[:limit],
                hidden=max(0, len(with_flags) - limit),
                flagged=result.flagged_people,
                flagged_clusters=result.flagged_clusters,
                clusters=clusters,
                notes=result.notes,
                redacted=result.redacted,
                generated=context.get("generated") or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            )
        )
