"""Hunt findings written out: a terminal table, JSON Lines, CSV and an HTML report.

Importing this package registers every built-in format in ``OUTPUTS``; the CLI looks them up by
name (``OUTPUTS.get("html")``) and calls ``write(result, stream, context=...)``.
"""

from geobuk.report.findings import csvfile, htmlpage, jsonl, table  # noqa: F401
from geobuk.report.findings.base import OUTPUTS, FindingsOutput, HuntResultLike

__all__ = ["OUTPUTS", "FindingsOutput", "HuntResultLike"]
