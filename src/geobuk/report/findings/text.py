"""Log values made safe and short enough to show a person.

Log values are attacker-controlled: an ESC in a command line must not repaint the analyst's terminal,
and a NUL must not hide the rest of a value in a page. Control characters are shown as escapes
(``\\x1b``) rather than dropped, since their presence is itself evidence.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def printable(text: object) -> str:
    """``text`` on one line with every control character shown as an escape (``\\x1b``, ``\\n``)."""
    value = str(text).replace("\r\n", "\n").replace("\n", "\\n").replace("\t", " ")
    return _CONTROL.sub(_escape, value)


def visible(text: object) -> str:
    """``text`` with its lines and tabs kept (a script block reads best as lines) and every other
    control character shown as an escape, for output that can show several lines."""
    return _CONTROL_BUT_LINES.sub(_escape, str(text))


def shorten(text: str, width: int) -> str:
    """``text`` cut in the middle to ``width`` characters: a command line's program and its end
    (where the payload or the URL usually is) both stay visible."""
    if len(text) <= width:
        return text
    if width < 3:
        return text[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return f"{text[:head]}…{text[len(text) - tail:]}"


def plural(count: int, word: str) -> str:
    """``1 event``, ``2 events``, ``1,234 events``."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"
