"""Trace outputs, one module per format, all registered in ``OUTPUTS`` (see ``base``)."""

from geobuk.trace.outputs import html, jsonl, table  # noqa: F401
from geobuk.trace.outputs.base import OUTPUTS, TraceOutput

__all__ = ["OUTPUTS", "TraceOutput"]
