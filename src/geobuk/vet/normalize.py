"""Identifiers in the one form they are compared in, computed over whole columns with Arrow.

People write the same phone, e-mail or address many ways; an operator reusing one mailbox or one
laptop-farm address across personas varies the spelling on purpose (dots and ``+tags`` in Gmail
addresses, "Street" vs "St."). Each function takes a text column and returns the key column that
linking groups on (null where the value gives no key), vectorised so that a million people take
seconds.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

Column = pa.Array | pa.ChunkedArray

#: Address words and their usual abbreviation (USPS Publication 28 style), applied after lower-casing.
ADDRESS_WORDS = {
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "drive": "dr",
    "boulevard": "blvd",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "terrace": "ter",
    "highway": "hwy",
    "parkway": "pkwy",
    "circle": "cir",
    "square": "sq",
    "trail": "trl",
    "mount": "mt",
    "fort": "ft",
    "saint": "st",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "apartment": "unit",
    "apt": "unit",
    "suite": "unit",
    "ste": "unit",
    "number": "unit",
    "no": "unit",
    "floor": "fl",
}
#: Country names that trail an address and carry nothing once the country column exists.
_TRAILING_COUNTRY = r"\s+(?:usa|us|united states(?: of america)?|uk|united kingdom)$"
_GMAIL_DOMAINS = {"googlemail.com": "gmail.com"}


def _nonblank(values: Column) -> pa.Array:
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return pc.if_else(pc.equal(pc.utf8_length(values), 0), pa.scalar(None, pa.string()), values)


def address_key(values: Column) -> pa.Array:
    """``12 Oak Street, Apt. 4`` and ``12 oak st #4`` -> ``12 oak st unit 4``.

    Words are abbreviated through the column's dictionary of distinct words (a few thousand even for
    a million addresses), not by one regex pass per word.
    """
    s = pc.utf8_lower(_nonblank(values))
    s = pc.replace_substring_regex(s, "#", " unit ")
    s = pc.replace_substring_regex(s, r"[^\p{L}\p{N}]+", " ")
    lists = pc.utf8_split_whitespace(s)
    encoded = pc.dictionary_encode(pc.list_flatten(lists))
    words = pa.array([ADDRESS_WORDS.get(w, w) for w in encoded.dictionary.to_pylist()], pa.string())
    short = pc.take(words, encoded.indices)
    s = pc.binary_join(pa.ListArray.from_arrays(lists.offsets, short, mask=pc.is_null(lists)), " ")
    s = pc.replace_substring_regex(s, r"\b(\d{5}) \d{4}\b", r"\1")  # ZIP+4 -> ZIP
    s = pc.replace_substring_regex(s, r"\bunit unit\b", "unit")
    s = pc.replace_substring_regex(s, _TRAILING_COUNTRY, "")
    return pc.if_else(pc.less(pc.utf8_length(s), 6), pa.scalar(None, pa.string()), s)


def _email_parts(values: Column) -> tuple[pa.Array, pa.Array]:
    s = pc.utf8_lower(pc.utf8_trim_whitespace(_nonblank(values)))
    s = pc.replace_substring_regex(s, r"^mailto:", "")
    parts = pc.extract_regex(s, r"^(?P<local>[^@\s]+)@(?P<domain>[^@\s]+\.[^@\s]+)$")
    local = pc.struct_field(parts, [0])
    domain = pc.struct_field(parts, [1])
    for old, new in _GMAIL_DOMAINS.items():
        domain = pc.if_else(pc.equal(domain, old), pa.scalar(new), domain)
    valid = pc.is_valid(parts)
    null = pa.scalar(None, pa.string())
    return pc.if_else(valid, local, null), pc.if_else(valid, domain, null)


def email_key(values: Column) -> pa.Array:
    """The address as written, lower-cased (null when it is no e-mail address)."""
    local, domain = _email_parts(values)
    return pc.binary_join_element_wise(local, domain, "@")


def email_alias_key(values: Column) -> pa.Array:
    """The mailbox with dots and ``+tags`` removed: ``j.o.smith+jobs@gmail.com`` -> ``josmith@gmail.com``."""
    local, domain = _email_parts(values)
    local = pc.replace_substring(pc.replace_substring_regex(local, r"\+.*$", ""), ".", "")
    return pc.binary_join_element_wise(local, domain, "@")


def email_pattern_key(values: Column) -> pa.Array:
    """The word of a ``word + 4-6 digits`` local part (``devstar0917`` -> ``devstar``), any domain.

    Operators register series of mailboxes from one word and a number; the word alone links them.
    Words under 5 letters are too common to mean anything (``john1985``) and give no key.
    """
    local, _ = _email_parts(values)
    local = pc.replace_substring_regex(local, r"\+.*$", "")
    parts = pc.extract_regex(local, r"^(?P<word>[a-z]+(?:[._-]?[a-z]+)*)[._-]?(?P<digits>\d{4,6})$")
    word = pc.replace_substring_regex(pc.struct_field(parts, [0]), r"[._-]", "")
    keep = pc.and_(pc.is_valid(parts), pc.greater_equal(pc.utf8_length(word), 5))
    return pc.if_else(keep, word, pa.scalar(None, pa.string()))


@cache
def calling_code(country: str) -> str:
    """``US`` -> ``1``; "" when the country is unknown."""
    code = phonenumbers.country_code_for_region((country or "").upper())
    return str(code) if code else ""


def split_list(values: Column, separators: str = r"[;|,/]") -> tuple[pa.Array, pa.Array]:
    """A cell holding several values (``a; b``) as (flat values, row of each), blanks dropped."""
    values = _nonblank(values)
    lists = pc.split_pattern_regex(values, separators)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    rows = pc.list_parent_indices(lists)
    keep = pc.greater(pc.utf8_length(flat), 0)
    return pc.filter(flat, keep), pc.filter(rows, keep)


def phone_key(values: Column, countries: Column) -> pa.Array:
    """E.164 digits without the ``+``.

    ``(212) 555-0123`` in the US and ``+1 212 555 0123`` both give ``12125550123``.

    A number written without a country code takes the calling code of the person's country, after
    dropping a national trunk ``0`` (``07700 900123`` in GB -> ``447700900123``). Extensions are
    dropped; fewer than 7 digits give no key. Tested against libphonenumber's E.164 formatting.
    """
    s = pc.utf8_lower(_nonblank(values))
    s = pc.replace_substring_regex(s, r"(?:x|ext\.?|extension)\s*\d+\s*$", "")
    international = pc.or_(
        pc.starts_with(pc.utf8_trim_whitespace(s), "+"), pc.starts_with(pc.utf8_trim_whitespace(s), "00")
    )
    digits = pc.replace_substring_regex(s, r"\D", "")
    digits = pc.if_else(
        pc.starts_with(pc.utf8_trim_whitespace(s), "00"), pc.utf8_slice_codeunits(digits, 2), digits
    )
    countries = countries.combine_chunks() if isinstance(countries, pa.ChunkedArray) else countries
    unique = pc.unique(countries).to_pylist()
    codes = pc.take(
        pa.array([calling_code(c or "") for c in unique], pa.string()),
        pc.index_in(countries, pa.array(unique, pa.string())),
    )
    national = pc.replace_substring_regex(digits, r"^0", "")
    # North American numbers are often written with their "1" but no "+": 1 212 555 0123.
    already = pc.and_(
        pc.and_(pc.equal(codes, "1"), pc.starts_with(digits, "1")), pc.equal(pc.utf8_length(digits), 11)
    )
    local = pc.if_else(already, digits, pc.binary_join_element_wise(codes, national, ""))
    key = pc.if_else(international, digits, local)
    return pc.if_else(pc.less(pc.utf8_length(key), 7), pa.scalar(None, pa.string()), key)


def payment_key(values: Column) -> pa.Array:
    """Account numbers without spaces and dashes, upper-cased (Ethereum addresses lower-cased)."""
    s = pc.replace_substring_regex(pc.utf8_trim_whitespace(_nonblank(values)), r"[\s-]", "")
    eth = pc.match_substring_regex(s, r"^0[xX][0-9a-fA-F]{40}$")
    base58 = pc.match_substring_regex(s, r"^(?:T|1|3|bc1)[1-9A-HJ-NP-Za-km-z]{25,61}$")
    s = pc.if_else(eth, pc.utf8_lower(s), pc.if_else(base58, s, pc.utf8_upper(s)))
    return pc.if_else(pc.less(pc.utf8_length(s), 5), pa.scalar(None, pa.string()), s)


def profile_key(values: Column, site: str) -> pa.Array:
    """A GitHub or LinkedIn handle out of a URL or ``@handle``.

    ``https://github.com/Dev0917/`` gives ``dev0917``.
    """
    s = pc.utf8_lower(pc.utf8_trim_whitespace(_nonblank(values)))
    if site == "linkedin":
        s = pc.replace_substring_regex(s, r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(?:in|pub)/", "")
    else:
        s = pc.replace_substring_regex(s, r"^(?:https?://)?(?:www\.)?github\.com/", "")
    s = pc.replace_substring_regex(s, r"^@|[/?#].*$", "")
    return pc.if_else(pc.less(pc.utf8_length(s), 2), pa.scalar(None, pa.string()), s)


def tokens(text: str) -> set[str]:
    """Lower-case words of a name, for comparing an account holder with a person."""
    return set(re.findall(r"[^\W\d_]+", text.casefold()))
