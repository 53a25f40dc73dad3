"""The HTML report: self-contained, everything escaped, summary first, evidence folded by actor and rule."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from geobuk.report.findings.htmlpage import HtmlOutput
from report.samples import EXCEL_ATTACK, KOREAN_HOST, POWERSHELL, SCRIPT, Result, make

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "source"}
#: Elements whose edges separate words (as they do on screen).
BLOCKS = {"div", "p", "li", "ul", "tr", "td", "th", "table", "summary", "details", "section", "h1", "h2",
          "h3", "h4", "b"}


class Page(HTMLParser):
    """Every element, in document order, with its attributes and text; each one must be closed."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.feed(text)
        self.close()
        assert not self.open, f"never closed: {[t for t, _, _ in self.open]}"

    @property
    def tags(self) -> list[tuple[str, dict[str, str | None]]]:
        return [(tag, attrs) for tag, attrs, _ in self.elements]

    def handle_starttag(self, tag, attrs):
        element = (tag, dict(attrs), [])
        self.elements.append(element)
        if tag in BLOCKS:
            self.handle_data(" ")
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        name = self.open.pop()[0]
        assert name == tag, f"<{name}> closed by </{tag}>"
        if tag in BLOCKS:
            self.handle_data(" ")

    def handle_data(self, data):
        for _, _, parts in self.open:
            parts.append(data)

    def texts(self, *, tag: str | None = None, cls: str | None = None, id: str | None = None) -> list[str]:
        """Texts of the matching elements, whitespace collapsed, in document order."""
        return [" ".join("".join(parts).split()) for name, attrs, parts in self.elements
                if (tag is None or name == tag) and (id is None or attrs.get("id") == id)
                and (cls is None or cls in (attrs.get("class") or "").split())]


def render(result, context, **options) -> str:
    stream = io.StringIO()
    HtmlOutput(**options).write(result, stream, context=context)
    return stream.getvalue()


def in_order(text: str, *parts: str) -> bool:
    positions = [text.index(p) for p in parts]
    return positions == sorted(positions)


def test_self_contained_and_script_free(result, context):
    html = render(result, context)
    page = Page(html)
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
    for _, attrs in page.tags:
        assert not any(a.startswith("on") or a in ("src", "href", "action") for a in attrs)
    assert re.search(r"<script", html, re.IGNORECASE) is None
    csp = [a["content"] for t, a in page.tags
           if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'"]
    assert html.count("<style>") == 1


def test_hostile_values_are_escaped_and_shown_as_text(result, context):
    html = render(result, context)
    page = Page(html)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    headings = page.texts(tag="h4")
    assert f"high Known indicator: {SCRIPT}" in headings
    assert f"low {POWERSHELL}" in headings
    body = " ".join(page.texts(tag="body"))
    assert EXCEL_ATTACK in body
    assert "\x1b" not in html and "SQBFAFgA\\x1b[2J" in body  # the log's ESC made visible
    assert KOREAN_HOST in html and "피싱 도메인" in html  # UTF-8 text, not entities


def test_an_attribute_cannot_be_broken_out_of(context):
    finding = make(level='high" onmouseover="alert(1)', actor='"><b>x</b>', rule_title="t", host="<h1>&")
    html = render(Result([finding]), context)
    page = Page(html)
    assert "&#34;&gt;&lt;b&gt;x&lt;/b&gt;" in html
    assert "1 host: <h1>&" in page.texts(cls="rule")[0]  # joined hosts escaped once, not twice
    assert not any(a.startswith("on") for _, attrs in page.tags for a in attrs)
    assert sum(1 for tag, _ in page.tags if tag == "b") == 9  # the summary cards' own, no more
    assert page.texts(cls="actor-title") == ['"><b>x</b> · 1 finding']
    assert {a.get("class") for t, a in page.tags if t == "div" and "rule" in (a.get("class") or "")} == {
        "rule lvl-border-informational"}


def test_summary_counts_levels_actors_and_hosts(result, context):
    page = Page(render(result, context))
    assert page.texts(cls="card") == ["6 findings", "3 critical", "1 high", "1 medium", "1 low",
                                      "0 informational", "4 rules matched", "4 hosts affected",
                                      "2 actors seen"]
    actors = page.texts(tag="tr")
    assert in_order(" | ".join(actors), "Lazarus Group critical 3", "Kimsuky high 2")
    hosts = page.texts(id="hosts")[0]
    assert in_order(hosts, "WS-01 critical 2", "WS-02 critical 1", f"{KOREAN_HOST} high 1", "@WS-03 low 1")
    assert "paths logs" in page.texts(id="parameters")[0]


def test_grouped_by_actor_then_rule_with_folded_evidence(result, context):
    html = render(result, context)
    page = Page(html)
    assert page.texts(cls="actor-title") == ["Lazarus Group · 3 findings", "Kimsuky · 2 findings",
                                             "Unattributed · 1 finding"]
    assert in_order(html, "Lazarus rundll32 payload</h4>", "Known indicator: &lt;script", "-EncodedCommand",
                    "Many failed logons</h4>")
    assert len(page.texts(tag="details", cls="event")) == 6
    assert page.texts(tag="details", cls="evidence")[0].startswith("Evidence: 3 findings")
    lazarus_rule = page.texts(cls="rule")[0]
    assert "3 events · 2 hosts: WS-01, WS-02" in lazarus_rule
    assert "first 2024-05-01T11:00:00+09:00 · last 2024-05-02T08:30:00Z" in lazarus_rule
    correlation = page.texts(cls="rule")[3]
    assert "3 events in 1 finding" in correlation and "logs/sec.evtx, record 13" in correlation


def test_evidence_is_capped_per_rule(result, context):
    page = Page(render(result, context, max_events=1))
    assert len(page.texts(tag="details", cls="event")) == 4  # one per rule
    assert "(the first 1 shown)" in page.texts(tag="details", cls="evidence")[0]
    assert "and 2 more findings" in page.texts(tag="details", cls="evidence")[0]


def test_rules_not_loaded_and_reading_problems(result, context):
    page = Page(render(result, context))
    assert page.texts(id="skipped-rules") == [f"1 rule could not be loaded rules/bad.yml: unsupported "
                                              f"modifier {SCRIPT}"]
    assert page.texts(id="problems") == ["1 reading problem logs/bad.evtx: record 5: <corrupt> chunk"]


def test_nothing_found(context):
    page = Page(render(Result([]), {}))
    body = page.texts(tag="body")[0]
    assert "Nothing was found." in body and "Every rule was loaded." in body
    assert "Every log was read without problems." in body
    assert page.texts(id="findings") == []
