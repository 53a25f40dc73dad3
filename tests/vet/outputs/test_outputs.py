"""Outputs: the JSON Lines contract, an HTML page with a drawing per cluster, a terminal table."""

from __future__ import annotations

import io
import json

from geobuk.vet.outputs import OUTPUTS


def render(fmt, result):
    stream = io.StringIO()
    OUTPUTS.get(fmt)().write(result, stream, context={"generated": "today"})
    return stream.getvalue()


def test_jsonl_contract(vetted, person):
    result = vetted(
        [
            person("E1", payment_account="US555555", camera_refused="yes"),
            person("E2", payment_account="US555555"),
            person("E3"),
        ]
    )
    lines = [json.loads(x) for x in render("jsonl", result).splitlines()]
    people = [x for x in lines if x["type"] == "person"]
    assert [p["person_id"] for p in people] == ["E1", "E2", "E3"]
    for p in people:
        assert {"person_id", "score", "flags", "cluster_id"} <= set(p)
    flag = people[0]["flags"][0]
    assert {"code", "evidence", "source"} <= set(flag) and flag["source"][0]["url"].startswith("https://")
    assert people[0]["cluster_id"] == people[1]["cluster_id"] is not None and people[2]["cluster_id"] is None
    assert [x["type"] for x in lines].count("cluster") == 1


def test_html_escapes_and_draws_clusters(vetted, person):
    result = vetted(
        [
            person("E1", full_name="<script>x</script>", payment_account="US555555"),
            person("E2", payment_account="US555555"),
        ]
    )
    page = render("html", result)
    assert "<script>x" not in page and "&lt;script&gt;" in page
    assert page.count("<svg") == 1 and "<line" in page and "payment" in page


def test_table_lists_flagged_people(vetted, person):
    text = render("table", vetted([person("E1", camera_refused="yes"), person("E2")]))
    assert "E1" in text and "camera_refused" in text and "E2" not in text.split("camera_refused")[0][-200:]
