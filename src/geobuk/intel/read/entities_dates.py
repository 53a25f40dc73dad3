"""Dates in English and French, normalised to ISO 8601 at the precision the text gives.

"2024-07-25" and "25 juillet 2024" -> 2024-07-25 (day); "June 2023", "juillet 2024", "fin juin 2023"
-> 2023-06 (month, ``data["part"]`` "end" for "fin"); "en 2019", "since 2006" -> 2019 (year).
``data["precision"]`` is "day", "month" or "year".

A date without its year ("fin juin", "le 25 juillet") takes the year of the document's
publication date (``data["year_from"] = "published"``), the year before when the month comes after
the publication month (news tells the past); with no publication date it is written in the ISO
8601 form without year ("--06", "--07-25"). A weekday ("jeudi", "on Thursday") is read against the
publication date: the latest such day on or before it when the day is known, else the publication's
month or year with ``data["weekday"]``; with no publication date it gives no fact.

English month and day names must be capitalised (English writes them so; "may" and "march" are
ordinary words); French ones may not be. A bare number is a year only after a cue ("en", "since")
or in a range ("de 2017 à 2019"), and between 1980 and 2039.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from geobuk.intel.read.entities_data import load
from geobuk.intel.read.model import Fact, Span

YEARS = (1980, 2039)


@dataclass(frozen=True)
class _Words:
    months: dict[str, int]
    french_months: frozenset[str]
    weekdays: dict[str, int]
    french_weekdays: frozenset[str]
    parts: dict[str, str]
    patterns: dict[str, re.Pattern]


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _month_alternation(months: dict[str, int]) -> str:
    """Month names; an abbreviation ("sept", "juil") may take a dot, a full name may not ("juin.")."""
    forms = []
    for word in sorted(months, key=len, reverse=True):
        short = any(o != word and o.startswith(word) and months[o] == months[word] for o in months)
        forms.append(re.escape(word) + (r"\.?" if short else ""))
    return "|".join(forms)


@cache
def _words() -> _Words:
    data = load("dates")
    months = {**data["months"]["en"], **data["months"]["fr"]}
    weekdays = {**data["weekdays"]["en"], **data["weekdays"]["fr"]}
    parts = {w: name for name, ws in data["parts"].items() for w in ws}
    month, day_name = _month_alternation(months), _alt(weekdays)
    part = _alt(parts)
    ordinal = _alt(data["ordinals"]["fr"])
    day = rf"(?P<day>{ordinal}|[0-3]?\d)(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:19|20)\d\d)"
    mon = rf"(?P<month>{month})"
    part_g = rf"(?:(?P<part>{part})(?:\s*-\s*|\s+))?"
    cue_year = _alt(data["year_cues"]["fr"] + data["year_cues"]["en"])
    b, e = r"(?<![\w-])", r"(?![\w])"
    no_year = r"(?!\s*(?:de\s+|of\s+)?,?\s*\d)"
    patterns = {
        "iso_day": re.compile(rf"{b}(?P<year>\d{{4}})-(?P<month>\d\d)-(?P<day>\d\d){e}"),
        "iso_month": re.compile(rf"{b}(?P<year>\d{{4}})-(?P<month>\d\d)(?![\w-])"),
        "numeric": re.compile(rf"{b}(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<year>\d{{4}}){e}"),
        "day_month_year": re.compile(rf"{b}{day}\s+{mon}\s+{year}{e}", re.IGNORECASE),
        "month_day_year": re.compile(rf"{b}{mon}\s+{day},?\s+{year}{e}", re.IGNORECASE),
        "month_year": re.compile(rf"{b}{part_g}{mon}\s+(?:(?:de|of)\s+)?{year}{e}", re.IGNORECASE),
        "day_month": re.compile(rf"{b}{day}\s+{mon}(?!\s*(?:de\s+|of\s+)?\d){e}", re.IGNORECASE),
        "month_day": re.compile(rf"{b}{mon}\s+{day}(?!\s*,?\s*\d){e}", re.IGNORECASE),
        "part_month": re.compile(rf"{b}(?P<part>{part})(?:\s*-\s*|\s+)(?:(?:de|du|of)\s+)?{mon}{e}{no_year}",
                                 re.IGNORECASE),
        "cue_month": re.compile(rf"{b}(?:en|in|since|depuis|dès|courant|until|jusqu'en|au mois de|in early"
                                rf"|in late|in mid)\s+{mon}{e}{no_year}", re.IGNORECASE),
        "year_range": re.compile(rf"{b}(?:{_alt(data['range_open'])})\s+(?P<y1>(?:19|20)\d\d)\s*"
                                 rf"(?:{_alt(data['range_close'])})\s*(?P<y2>(?:19|20)\d\d){e}",
                                 re.IGNORECASE),
        "part_year": re.compile(rf"{b}(?P<part>{part})(?:\s*-\s*|\s+){year}{e}", re.IGNORECASE),
        "cue_year": re.compile(rf"{b}(?:{cue_year})\s+{year}{e}", re.IGNORECASE),
        "weekday": re.compile(rf"{b}(?P<weekday>{day_name}){e}", re.IGNORECASE),
    }
    return _Words(months, frozenset(data["months"]["fr"]), weekdays, frozenset(data["weekdays"]["fr"]),
                  parts, patterns)


@dataclass
class _Found:
    start: int
    end: int
    value: str
    data: dict


def _published(published: str | None) -> tuple[int | None, int | None, int | None]:
    if not published:
        return None, None, None
    m = re.match(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", published)
    if not m:
        return None, None, None
    return tuple(int(x) if x else None for x in m.groups())  # type: ignore[return-value]


def _valid(year: int, month: int, day: int | None = None) -> bool:
    if not (1 <= month <= 12 and 1900 <= year <= 2099):
        return False
    return day is None or 1 <= day <= calendar.monthrange(year, month)[1]


def _month_ok(word: str, w: _Words) -> bool:
    """French month names may be lower case; English ones are capitalised."""
    key = word.lower().rstrip(".")
    return key in w.french_months or word[:1].isupper()


def _day(text: str) -> int:
    return 1 if not text[:1].isdigit() else int(re.match(r"\d+", text).group())


class _Reader:
    def __init__(self, text: str, published: str | None, language: str | None) -> None:
        self.text = text
        self.language = language
        self.pub = _published(published)
        self.w = _words()
        self.found: list[_Found] = []
        self.rejected: list[tuple[int, int]] = []  # impossible dates: nothing inside them counts

    def add(self, m: re.Match, value: str, precision: str, **data) -> None:
        self.found.append(_Found(m.start(), m.end(), value, {"precision": precision, **data}))

    def year_for(self, month: int) -> tuple[int | None, dict]:
        year, pub_month, _ = self.pub
        if year is None:
            return None, {"year_known": False}
        if pub_month is not None and month > pub_month:
            year -= 1
        return year, {"year_from": "published"}

    def run(self) -> list[_Found]:
        p = self.w.patterns
        for m in p["iso_day"].finditer(self.text):
            y, mo, d = int(m["year"]), int(m["month"]), int(m["day"])
            if _valid(y, mo, d):
                self.add(m, f"{y:04d}-{mo:02d}-{d:02d}", "day")
            else:
                self.rejected.append((m.start(), m.end()))
        for m in p["iso_month"].finditer(self.text):
            y, mo = int(m["year"]), int(m["month"])
            if _valid(y, mo):
                self.add(m, f"{y:04d}-{mo:02d}", "month")
        for m in p["numeric"].finditer(self.text):
            self._numeric(m)
        for name in ("day_month_year", "month_day_year"):
            for m in p[name].finditer(self.text):
                self._full(m)
        for m in p["month_year"].finditer(self.text):
            if _month_ok(m["month"], self.w):
                mo, y = self.w.months[m["month"].lower().rstrip(".")], int(m["year"])
                if _valid(y, mo):
                    self.add(m, f"{y:04d}-{mo:02d}", "month", **self._part(m))
        for name in ("day_month", "month_day"):
            for m in p[name].finditer(self.text):
                self._day_no_year(m)
        for name in ("part_month", "cue_month"):
            for m in p[name].finditer(self.text):
                self._month_no_year(m)
        self._years()
        self._weekdays()
        return [f for f in self.found if not any(a <= f.start and f.end <= b for a, b in self.rejected)]

    def _part(self, m: re.Match) -> dict:
        part = m.groupdict().get("part")
        return {"part": self.w.parts[part.lower()]} if part else {}

    def _numeric(self, m: re.Match) -> None:
        """dd/mm/yyyy, or mm/dd/yyyy in English; a number above 12 settles which is the day."""
        a, b, y = int(m["a"]), int(m["b"]), int(m["year"])
        if a > 12 >= b or (b <= 12 and a <= 12 and self.language != "en"):
            day, month = a, b
        else:
            day, month = b, a
        if _valid(y, month, day):
            self.add(m, f"{y:04d}-{month:02d}-{day:02d}", "day")

    def _full(self, m: re.Match) -> None:
        if not _month_ok(m["month"], self.w):
            return
        mo, y, d = self.w.months[m["month"].lower().rstrip(".")], int(m["year"]), _day(m["day"])
        if _valid(y, mo, d):
            self.add(m, f"{y:04d}-{mo:02d}-{d:02d}", "day")
        else:
            self.rejected.append((m.start(), m.end()))

    def _day_no_year(self, m: re.Match) -> None:
        if not _month_ok(m["month"], self.w):
            return
        mo, d = self.w.months[m["month"].lower().rstrip(".")], _day(m["day"])
        year, data = self.year_for(mo)
        if year is None:
            if 1 <= d <= 31:
                self.add(m, f"--{mo:02d}-{d:02d}", "day", **data)
        elif _valid(year, mo, d):
            self.add(m, f"{year:04d}-{mo:02d}-{d:02d}", "day", **data)

    def _month_no_year(self, m: re.Match) -> None:
        if not _month_ok(m["month"], self.w):
            return
        mo = self.w.months[m["month"].lower().rstrip(".")]
        year, data = self.year_for(mo)
        value = f"--{mo:02d}" if year is None else f"{year:04d}-{mo:02d}"
        self.add(m, value, "month", **self._part(m), **data)

    def _years(self) -> None:
        p = self.w.patterns
        for m in p["year_range"].finditer(self.text):
            for group in ("y1", "y2"):
                y = int(m[group])
                if YEARS[0] <= y <= YEARS[1]:
                    self.found.append(_Found(m.start(group), m.end(group), f"{y:04d}", {"precision": "year"}))
        for name in ("part_year", "cue_year"):
            for m in p[name].finditer(self.text):
                y = int(m["year"])
                if YEARS[0] <= y <= YEARS[1]:
                    self.add(m, f"{y:04d}", "year", **self._part(m))

    def _weekdays(self) -> None:
        year, month, day = self.pub
        if year is None:
            return
        for m in self.w.patterns["weekday"].finditer(self.text):
            word = m["weekday"]
            if word.lower() not in self.w.french_weekdays and not word[:1].isupper():
                continue
            wd = self.w.weekdays[word.lower()]
            data = {"weekday": calendar.day_name[wd].lower(), "year_from": "published"}
            if day is not None:
                pub = dt.date(year, month, day)
                when = pub - dt.timedelta(days=(pub.weekday() - wd) % 7)
                self.add(m, when.isoformat(), "day", **data)
            elif month is not None:
                self.add(m, f"{year:04d}-{month:02d}", "month", **data)
            else:
                self.add(m, f"{year:04d}", "year", **data)


def find_dates(text: str, published: str | None = None, language: str | None = None) -> list[Fact]:
    """One fact per date, the most precise reading winning where readings overlap."""
    found = _Reader(text, published, language).run()
    rank = {"day": 0, "month": 1, "year": 2}
    found.sort(key=lambda f: (f.start, -(f.end - f.start), rank[f.data["precision"]]))
    facts: list[Fact] = []
    last_end = -1
    for f in found:
        if f.start >= last_end:
            facts.append(Fact("date", f.value, Span(f.start, f.end, text[f.start:f.end]), None, f.data))
            last_end = f.end
    return facts


def parse_date(text: str) -> str | None:
    """The ISO date a short phrase states ("25 juillet 2024", "July 2024", "2024-07"), if it states one.

    Used for publication lines and metadata, where the phrase is the whole value.
    """
    facts = [f for f in find_dates(text) if not f.value.startswith("--")]
    return facts[0].value if facts else None
