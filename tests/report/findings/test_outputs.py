"""Every format is a registered plugin the CLI can find by name and write to any text stream."""

from __future__ import annotations

import io

import pytest

from geobuk.detect.hunt import HuntResult, sort_findings
from geobuk.errors import GeobukError
from geobuk.report.findings import OUTPUTS, FindingsOutput
from report.samples import Result


def test_the_four_formats_are_registered():
    assert sorted(OUTPUTS.names()) == ["csv", "html", "jsonl", "table"]
    for output in OUTPUTS:
        assert issubclass(output, FindingsOutput)
        assert output.description and output.extension.startswith(".")


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(GeobukError, match="jsonl"):
        OUTPUTS.get("pdf")


@pytest.mark.parametrize("name", ["table", "jsonl", "csv", "html"])
def test_every_format_writes_its_findings_and_handles_none(name, result, context):
    full, empty = io.StringIO(), io.StringIO()
    OUTPUTS.get(name)().write(result, full, context=context)
    OUTPUTS.get(name)().write(Result([]), empty, context={})
    assert "Lazarus rundll32 payload" in full.getvalue()
    assert "Lazarus rundll32 payload" not in empty.getvalue()


def test_the_samples_are_in_hunt_order_and_a_real_hunt_result_is_written(findings, context):
    # The outputs trust the caller's order; the samples must be in the order the CLI gives them.
    assert sort_findings(reversed(findings)) == findings
    hunt_result = HuntResult(findings=findings, problems=["p"], events=9, sources=1, seconds=0.1)
    for output in OUTPUTS:
        stream = io.StringIO()
        output().write(hunt_result, stream, context=context)
        assert "Lazarus rundll32 payload" in stream.getvalue()
