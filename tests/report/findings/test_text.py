"""Log values shown to a person: control characters escaped, long values cut in the middle."""

from __future__ import annotations

from geobuk.report.findings.text import plural, printable, shorten, visible


def test_printable_is_one_line_without_control_characters():
    assert printable("a\x1b[2Jb\r\nc\td\x00\x9b") == "a\\x1b[2Jb\\nc d\\x00\\x9b"
    assert printable("서버 <b> [bold]") == "서버 <b> [bold]"


def test_visible_keeps_lines_and_escapes_the_rest():
    assert visible("line1\nline2\tx\x1b\x07") == "line1\nline2\tx\\x1b\\x07"


def test_shorten_keeps_both_ends():
    text = "powershell.exe -nop -w hidden -enc " + "A" * 100 + " http://203.0.113.5/x"
    short = shorten(text, 40)
    assert len(short) == 40
    assert short.startswith("powershell.exe") and short.endswith("203.0.113.5/x")
    assert "…" in short
    assert shorten("short", 40) == "short"
    assert shorten("abcdef", 2) == "ab"


def test_plural():
    assert [plural(n, "event") for n in (0, 1, 2, 1234)] == ["0 events", "1 event", "2 events",
                                                             "1,234 events"]
