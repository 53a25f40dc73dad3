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

import numpy as np
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
    values = _nonblank(values)
    given = pc.is_valid(values)
    if (pc.sum(given).as_py() or 0) < len(values) // 2:
        # Mostly blank (laptop-shipping addresses): the regex passes run on the given ones only.
        keys = _address_key(pc.filter(values, given))
        return pc.replace_with_mask(pa.nulls(len(values), pa.string()), given, keys)
    return _address_key(values)


def home_and_shipping_keys(home: Column, shipping: Column) -> tuple[pa.Array, pa.Array]:
    """(home address key, shipping address key where it differs from the home one, else null).

    A shipping address written exactly as the home one normalises to it: only the others (a few
    percent) are normalised.
    """
    home = home.combine_chunks() if isinstance(home, pa.ChunkedArray) else home
    shipping = shipping.combine_chunks() if isinstance(shipping, pa.ChunkedArray) else shipping
    home_key = address_key(home)
    differs = pc.fill_null(pc.not_equal(shipping, home), True)
    ship_key = address_key(pc.if_else(differs, shipping, ""))
    ship_only = pc.fill_null(pc.not_equal(ship_key, pc.fill_null(home_key, "")), False)
    return home_key, pc.if_else(ship_only, ship_key, pa.scalar(None, pa.string()))


def _address_key(values: pa.Array) -> pa.Array:
    s = pc.utf8_lower(values)
    s = pc.replace_substring(s, "#", " unit ")
    s = _separators_to_spaces(s)
    lists = pc.utf8_split_whitespace(s)
    encoded = pc.dictionary_encode(pc.list_flatten(lists))
    words = pa.array([ADDRESS_WORDS.get(w, w) for w in encoded.dictionary.to_pylist()], pa.string())
    short = pc.take(words, encoded.indices)
    s = pc.binary_join(pa.ListArray.from_arrays(lists.offsets, short, mask=pc.is_null(lists)), " ")
    s = pc.replace_substring_regex(s, r"\b(\d{5}) \d{4}\b", r"\1")  # ZIP+4 -> ZIP
    s = pc.replace_substring_regex(s, r"\bunit unit\b", "unit")
    s = pc.replace_substring_regex(s, _TRAILING_COUNTRY, "")
    return pc.if_else(pc.less(pc.utf8_length(s), 6), pa.scalar(None, pa.string()), s)


_NOT_WORD = np.ones(256, dtype=bool)  # ASCII bytes other than lower-case letters and digits
_NOT_WORD[list(b"abcdefghijklmnopqrstuvwxyz0123456789")] = False
_SPACE = np.uint8(ord(" "))


def string_buffers(values: pa.Array) -> tuple[pa.Buffer | None, np.ndarray, np.ndarray]:
    """A string array's (validity bitmap, offsets, data bytes), rebased to the array's own values.

    Offsets are ``int32[len + 1]`` starting at 0 and index ``data``, which holds only this array's
    bytes; the validity bitmap (None when no value is null) starts at bit 0. A slice is handled here
    once: its buffers are shared with the whole array and start at ``values.offset``, not at 0.
    """
    n = len(values)
    validity, offsets_buffer, data_buffer = values.buffers()
    if values.offset and validity is not None:
        # The bitmap of a slice starts mid-buffer: a new one for the slice, starting at bit 0.
        valid = pc.is_valid(values).to_numpy(zero_copy_only=False)
        validity = pa.py_buffer(np.packbits(valid, bitorder="little")) if values.null_count else None
    if offsets_buffer is None or not n:
        return validity, np.zeros(n + 1, dtype=np.int32), np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[values.offset : values.offset + n + 1]
    data = np.frombuffer(data_buffer or b"", dtype=np.uint8)[offsets[0] : offsets[-1]]
    if offsets[0]:
        offsets = offsets - offsets[0]
    return validity, offsets, data


def _separators_to_spaces(s: pa.Array) -> pa.Array:
    """Lower-cased text with everything but letters and digits as spaces, for splitting into words.

    ASCII values (nearly all addresses) go through a 256-entry byte table over the whole data buffer,
    several times faster than the Unicode regex; values with other characters take the regex.
    """
    validity, offsets, raw = string_buffers(s)
    if not len(raw):
        return s
    mapped = pa.py_buffer(np.where(_NOT_WORD[raw], _SPACE, raw))
    out = pa.StringArray.from_buffers(len(s), pa.py_buffer(offsets), mapped, validity, s.null_count)
    other = pc.invert(pc.fill_null(pc.string_is_ascii(s), True))
    if pc.any(other).as_py():
        unicode = pc.replace_substring_regex(pc.filter(s, other), r"[^\p{L}\p{N}]+", " ")
        out = pc.replace_with_mask(out, other, unicode)
    return out


def _email_parts(values: Column) -> tuple[pa.Array, pa.Array]:
    """(local part, domain), both null where the value is no e-mail address.

    One capture-free match (RE2 answers it with its fast automaton) and a split at the ``@``: an
    ``extract_regex`` with groups did the same several times slower.
    """
    s = pc.utf8_lower(pc.utf8_trim_whitespace(_nonblank(values)))
    s = pc.replace_substring_regex(s, r"^mailto:", "")
    valid = pc.fill_null(pc.match_substring_regex(s, r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), False)
    parts = pc.split_pattern(pc.if_else(valid, s, pa.scalar(None, pa.string())), "@", max_splits=1)
    local = pc.list_element(parts, 0)
    domain = pc.list_element(parts, 1)
    for old, new in _GMAIL_DOMAINS.items():
        domain = pc.if_else(pc.equal(domain, old), pa.scalar(new), domain)
    return local, domain


def email_keys(values: Column) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(``email_key``, ``email_alias_key``, ``email_pattern_key``), splitting the addresses once."""
    local, domain = _email_parts(values)
    untagged = _untagged(local)
    return _exact(local, domain), _alias(untagged, domain), _pattern(untagged)


def _untagged(local: pa.Array) -> pa.Array:
    """The local part without its ``+tag``."""
    return pc.replace_substring_regex(local, r"\+.*$", "")


def _exact(local: pa.Array, domain: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(local, domain, "@")


def _alias(untagged: pa.Array, domain: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(pc.replace_substring(untagged, ".", ""), domain, "@")


_PATTERN = r"^(?P<word>[a-z]+(?:[._-]?[a-z]+)*)[._-]?(?P<digits>\d{4,6})$"
_PATTERN_MATCH = re.sub(r"\?P<\w+>", "?:", _PATTERN)  # the same without captures


def _pattern(untagged: pa.Array) -> pa.Array:
    # A capture-free match first (RE2's fast automaton), the capturing extract on the matches only.
    matches = pc.fill_null(pc.match_substring_regex(untagged, _PATTERN_MATCH), False)
    parts = pc.extract_regex(pc.filter(untagged, matches), _PATTERN)
    word = pc.replace_substring_regex(pc.struct_field(parts, [0]), r"[._-]", "")
    word = pc.if_else(pc.greater_equal(pc.utf8_length(word), 5), word, pa.scalar(None, pa.string()))
    return pc.replace_with_mask(pa.nulls(len(untagged), pa.string()), matches, word)


def email_key(values: Column) -> pa.Array:
    """The address as written, lower-cased (null when it is no e-mail address)."""
    return email_keys(values)[0]


def email_alias_key(values: Column) -> pa.Array:
    """The mailbox with dots and ``+tags`` removed: ``j.o.smith+jobs@gmail.com`` -> ``josmith@gmail.com``."""
    return email_keys(values)[1]


def email_pattern_key(values: Column) -> pa.Array:
    """The word of a ``word + 4-6 digits`` local part (``devstar0917`` -> ``devstar``), any domain.

    Operators register series of mailboxes from one word and a number; the word alone links them.
    Words under 5 letters are too common to mean anything (``john1985``) and give no key.
    """
    return email_keys(values)[2]


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


def ascii_digits(values: pa.Array) -> pa.Array:
    """Only the ASCII digits of each value: what deleting RE2's ``\\D`` (ASCII-only) gives, done with
    a byte mask over the data buffer and a running count for the new offsets, at a fraction of the
    regex's cost."""
    validity, offsets, raw = string_buffers(values)
    keep = (raw >= ord("0")) & (raw <= ord("9"))
    kept = np.zeros(len(raw) + 1, dtype=np.int32)
    np.cumsum(keep, out=kept[1:])
    new_offsets = kept[offsets]
    return pa.StringArray.from_buffers(
        len(values), pa.py_buffer(new_offsets), pa.py_buffer(raw[keep]), validity, values.null_count
    )


def phone_key(values: Column, countries: Column) -> pa.Array:
    """E.164 digits without the ``+``.

    ``(212) 555-0123`` in the US and ``+1 212 555 0123`` both give ``12125550123``.

    A number written without a country code takes the calling code of the person's country, after
    dropping a national trunk ``0`` (``07700 900123`` in GB -> ``447700900123``). Extensions are
    dropped; fewer than 7 digits give no key. Tested against libphonenumber's E.164 formatting.
    """
    s = pc.utf8_lower(_nonblank(values))
    s = pc.replace_substring_regex(s, r"(?:x|ext\.?|extension)\s*\d+\s*$", "")
    trimmed = pc.utf8_trim_whitespace(s)
    double_zero = pc.starts_with(trimmed, "00")
    international = pc.or_(pc.starts_with(trimmed, "+"), double_zero)
    digits = ascii_digits(s)
    digits = pc.if_else(double_zero, pc.utf8_slice_codeunits(digits, 2), digits)
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
