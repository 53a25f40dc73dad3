"""Sums of money, normalised to a number and a currency code.

"2 milliards de dollars" -> 2e9 USD, "1,6 milliard de livres sterling" -> 1.6e9 GBP, "$1.7 billion"
-> 1.7e9 USD, "USD 2bn" -> 2e9 USD, "1,5 million d'euros" -> 1.5e6 EUR. A number needs a currency
(before or after it) to be an amount. Decimal and thousands separators follow the document's
language: "1,500" is 1.5 in French and 1500 in English; "1.500" the other way round. "billion" is
10^9 in English and 10^12 in French. A bare "dollars" is read as US dollars. Currencies are ISO
4217 codes; crypto-assets use their ticker (BTC, ETH, USDT), which ISO 4217 lacks.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache

from geobuk.intel.read.entities_data import load
from geobuk.intel.read.model import Fact, Span

_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_LINK = r"(?:de\s+|d['’]\s*|of\s+)"


def _alternation(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))


@cache
def _tables() -> tuple[re.Pattern, dict[str, str], dict[str, str], set[str], dict[str, dict[str, int]]]:
    data = load("amounts")
    prefix = {form.lower(): code for code, forms in data["prefix"].items() for form in forms}
    suffix = {form.lower(): code for code, forms in data["suffix"].items() for form in forms}
    codes = {form for forms in data["prefix"].values() for form in forms if form.isalpha()}
    scales: dict[str, dict[str, int]] = {}
    for lang, table in data["scales"].items():
        for factor, words in table.items():
            for word in words:
                scales.setdefault(word.lower(), {})[lang] = int(factor)
    short = set(data["short_scales"])
    long_words = _alternation([w for w in scales if w not in short])
    short_words = _alternation([w for w in scales if w in short])
    suf = _alternation(list(suffix))
    scale = (rf"(?:\s*(?P<long>{long_words})(?!\w)|(?P<glued>{short_words})(?!\w)"
             rf"|\s+(?P<spaced>{short_words})(?=\s*{_LINK}?(?:{suf})(?!\w)))")
    pattern = re.compile(
        rf"(?<![\w.,])(?:(?P<pre>{_alternation(list(prefix))})\s?)?(?P<num>{_NUMBER})(?![\d])"
        rf"(?:{scale})?(?:\s*{_LINK}?(?P<suf>{suf})(?![\w$]))?",
        re.IGNORECASE)
    return pattern, prefix, suffix, codes, scales


def parse_number(text: str, language: str | None) -> Decimal | None:
    """A number as written in ``language`` ("1 500,5" fr, "1,500.5" en)."""
    s = re.sub(r"[ \u00a0\u202f]", "", text)
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
    elif "," in s:
        thousands = re.fullmatch(r"\d{1,3}(,\d{3})+", s)
        decimal = "." if thousands and language != "fr" else ","
    elif "." in s:
        thousands = re.fullmatch(r"\d{1,3}(\.\d{3})+", s)
        decimal = "," if (language == "fr" and thousands) or s.count(".") > 1 else "."
    else:
        decimal = "."
    other = "." if decimal == "," else ","
    s = s.replace(other, "").replace(decimal, ".")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _code_ok(written: str | None, codes: set[str]) -> bool:
    """An ISO code counts only in capitals ("USD", not "usd")."""
    return not written or written.upper() not in codes or written.isupper()


def find_amounts(text: str, language: str | None) -> list[Fact]:
    """One fact per sum of money; value is the normalised number, type the currency."""
    pattern, prefix, suffix, codes, scales = _tables()
    facts = []
    for m in pattern.finditer(text):
        pre, suf = m.group("pre"), m.group("suf")
        if not (pre or suf) or not (_code_ok(pre, codes) and _code_ok(suf, codes)):
            continue
        currency = prefix[pre.lower()] if pre else suffix[suf.lower()]
        number = parse_number(m.group("num"), language)
        if number is None:
            continue
        word = (m.group("long") or m.group("glued") or m.group("spaced") or "").lower()
        if word:
            factors = scales[word]
            number *= factors.get(language or "en") or factors.get("any") or factors.get("en")
        value = float(number)
        start, end = m.start(), m.end()
        written = text[start:end]
        normal = str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
        facts.append(Fact("amount", normal, Span(start, end, written), currency,
                          {"value": value, "currency": currency, "text": written}))
    return facts
