"""A Sankey picture of a follow as inline SVG: columns are hops, band widths are tainted amounts.

Only the heaviest flows of the largest asset are drawn (``MAX_FLOWS``); the rest are summed in the
caption. Node height is the larger of what entered and what left it, so bands stack without overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

MAX_FLOWS = 60
WIDTH, COLUMN, NODE_WIDTH, GAP, HEIGHT = 1100, 190, 12, 10, 560


@dataclass
class Box:
    name: str
    column: int
    size: float
    y: float = 0.0
    height: float = 0.0
    out_used: float = 0.0
    in_used: float = 0.0


def _short(address: str) -> str:
    return address if len(address) <= 16 else f"{address[:8]}…{address[-6:]}"


def sankey_svg(flows: list[dict], labels: dict[str, str]) -> str:
    """SVG markup for ``flows`` ({from, to, asset, amount, hop}); ``labels`` names known addresses."""
    if not flows:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25">'
            "no tainted transfers</text></svg>"
        )
    totals: dict[str, float] = {}
    for f in flows:
        totals[f["asset"]] = totals.get(f["asset"], 0.0) + f["amount"]
    asset = max(totals, key=totals.get)
    chosen = sorted((f for f in flows if f["asset"] == asset), key=lambda f: -f["amount"])[:MAX_FLOWS]
    boxes: dict[str, Box] = {}
    for f in chosen:
        src = boxes.setdefault(f["from"], Box(f["from"], f["hop"] - 1, 0.0))
        src.column = min(src.column, f["hop"] - 1)
        dst = boxes.setdefault(f["to"], Box(f["to"], f["hop"], 0.0))
        dst.column = max(dst.column, src.column + 1)
    inflow: dict[str, float] = {}
    outflow: dict[str, float] = {}
    for f in chosen:
        outflow[f["from"]] = outflow.get(f["from"], 0.0) + f["amount"]
        inflow[f["to"]] = inflow.get(f["to"], 0.0) + f["amount"]
    for box in boxes.values():
        box.size = max(inflow.get(box.name, 0.0), outflow.get(box.name, 0.0))
    columns: dict[int, list[Box]] = {}
    for box in boxes.values():
        columns.setdefault(box.column, []).append(box)
    scale = min((HEIGHT - GAP * (len(c) - 1)) / max(sum(b.size for b in c), 1e-12) for c in columns.values())
    for column in columns.values():
        y = 20.0
        for box in sorted(column, key=lambda b: -b.size):
            box.y, box.height = y, max(box.size * scale, 1.0)
            y += box.height + GAP
    width = max(WIDTH, (max(columns) + 1) * COLUMN + 220)
    height = max(b.y + b.height for b in boxes.values()) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" font-family="sans-serif" font-size="11">'
    ]
    for f in chosen:
        src, dst = boxes[f["from"]], boxes[f["to"]]
        band = max(f["amount"] * scale, 0.8)
        x0, x1 = 20 + src.column * COLUMN + NODE_WIDTH, 20 + dst.column * COLUMN
        y0, y1 = src.y + src.out_used + band / 2, dst.y + dst.in_used + band / 2
        src.out_used += band
        dst.in_used += band
        mid = (x0 + x1) / 2
        parts.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}" '
            f'stroke="#c0392b" stroke-opacity="0.35" stroke-width="{band:.2f}" fill="none">'
            f"<title>{escape(f['from'])} → {escape(f['to'])}: {f['amount']:,.6g} {escape(asset)}</title>"
            "</path>"
        )
    for box in boxes.values():
        x = 20 + box.column * COLUMN
        known = labels.get(box.name)
        colour = "#2c3e50" if not known else "#8e44ad"
        parts.append(
            f'<rect x="{x}" y="{box.y:.1f}" width="{NODE_WIDTH}" height="{box.height:.1f}" '
            f'fill="{colour}"><title>{escape(box.name)}</title></rect>'
        )
        text = escape(known or _short(box.name))
        parts.append(
            f'<text x="{x + NODE_WIDTH + 4}" y="{box.y + min(box.height / 2, 12) + 4:.1f}">{text}</text>'
        )
    parts.append(
        f'<text x="20" y="{height - 12:.0f}">{escape(asset)}: {len(chosen)} of {len(flows)} flows drawn'
        "</text></svg>"
    )
    return "\n".join(parts)
