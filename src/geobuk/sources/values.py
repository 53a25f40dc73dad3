"""One rule for turning a parsed JSON value into the text every column holds.

Every event column is a string so that a batch's schema is just its set of field names: type
inference would split one field across types (``EventID`` is a number in one record and an object
in the next) and Sigma compares text anyway. The spellings follow how Windows renders the same
value in XML, which is what Sigma rules are written against: booleans are ``true``/``false`` (not
Python's ``True``), numbers keep their JSON spelling, and a list becomes its items one per line so
``contains`` still finds any of them.
"""

from __future__ import annotations

from typing import Any

import orjson

LIST_SEPARATOR = "\n"


def as_text(value: Any) -> str | None:
    """The text of a JSON value, or None for null (a missing field, never the word ``None``)."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int or kind is float:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return None
    if kind is list:
        return LIST_SEPARATOR.join(t for t in map(as_text, value) if t is not None)
    if kind is dict:
        if "#text" in value:  # an XML element with attributes: its text is the value
            return as_text(value["#text"])
        return orjson.dumps(value).decode()
    return str(value)
