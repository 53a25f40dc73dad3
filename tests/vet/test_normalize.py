"""Normal forms of identifiers, checked against libphonenumber and by hand."""

from __future__ import annotations

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.vet import normalize


def test_phone_key_equals_libphonenumber_e164():
    numbers = [
        ("(212) 555-0123", "US"),
        ("+1 212 555 0123", "US"),
        ("1-212-555-0123", "US"),
        ("07700 900123", "GB"),
        ("+44 7700 900123", "US"),
        ("0044 7700 900123", "DE"),
        ("030 1234567", "DE"),
        ("212.555.0123 ext 12", "US"),
    ]
    keys = normalize.phone_key(
        pa.array([n for n, _ in numbers]), pa.array([c for _, c in numbers])
    ).to_pylist()
    for (number, country), key in zip(numbers, keys, strict=True):
        parsed = phonenumbers.parse(number, country)
        assert key == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:], number
    assert normalize.phone_key(pa.array(["12"]), pa.array(["US"])).to_pylist() == [None]


def test_email_keys():
    emails = pa.array(
        [
            "J.O.Smith+jobs@GoogleMail.com",
            "josmith@gmail.com",
            "devstar0917@proton.me",
            "john1985@x.example",
            "not an address",
        ]
    )
    assert normalize.email_key(emails).to_pylist()[:2] == ["j.o.smith+jobs@gmail.com", "josmith@gmail.com"]
    assert normalize.email_alias_key(emails).to_pylist()[:2] == ["josmith@gmail.com"] * 2
    assert normalize.email_pattern_key(emails).to_pylist() == [None, None, "devstar", None, None]
    assert normalize.email_key(emails).to_pylist()[4] is None


def test_address_key_spellings_meet():
    keys = normalize.address_key(
        pa.array(
            [
                "12 Oak Street, Apt. 4, Springfield, IL 62701-1234, USA",
                "12 oak st #4 springfield il 62701",
                "13 Oak Street, Springfield",
            ]
        )
    )
    assert keys[0] == keys[1] and keys[0] != keys[2]


def test_payment_and_profiles():
    assert normalize.payment_key(pa.array(["us12 3456-7890"])).to_pylist() == ["US1234567890"]
    assert normalize.profile_key(
        pa.array(["https://github.com/Dev0917/", "@dev0917"]), "github"
    ).to_pylist() == ["dev0917", "dev0917"]
    assert normalize.profile_key(
        pa.array(["https://www.linkedin.com/in/ann-lee-1/"]), "linkedin"
    ).to_pylist() == ["ann-lee-1"]


def test_separators_by_byte_table_split_as_the_unicode_regex():
    values = pa.array(
        ["12 oak st., apt#4", "große straße 5, münchen", "1 rue de l'église", "x_y-z/9", None, "", "åb–cd"]
    )
    fast = pc.utf8_split_whitespace(normalize._separators_to_spaces(values))
    regex = pc.utf8_split_whitespace(pc.replace_substring_regex(values, r"[^\p{L}\p{N}]+", " "))
    assert fast.to_pylist() == regex.to_pylist()
    assert fast[1].as_py() == ["große", "straße", "5", "münchen"]


def test_address_key_same_on_mostly_blank_columns():
    addresses = ["12 Oak Street, Apt. 4", "", "9 Farm Road, Miami, FL 33101-1234", "", "", "", ""]
    sparse = normalize.address_key(pa.array(addresses)).to_pylist()  # under half given: filtered path
    dense = [normalize.address_key(pa.array([a, "x y z w v"])).to_pylist()[0] for a in addresses]
    assert sparse == dense and sparse[0] == "12 oak st unit 4" and sparse[1] is None


def test_email_keys_at_once_equal_one_by_one():
    emails = pa.array(
        ["J.O.Smith+jobs@GoogleMail.com", "gold.fox-12345+x@a.io", "ann@x", "mailto:Zed99999@b.example", None]
    )
    exact, alias, pattern = normalize.email_keys(emails)
    assert exact.to_pylist() == normalize.email_key(emails).to_pylist()
    assert alias.to_pylist() == normalize.email_alias_key(emails).to_pylist()
    assert pattern.to_pylist() == normalize.email_pattern_key(emails).to_pylist()
    assert pattern.to_pylist() == [None, "goldfox", None, None, None]
    assert exact.to_pylist()[3] == "zed99999@b.example"


def test_ascii_digits_equal_deleting_non_digits_by_regex():
    values = pa.array(["(212) 555-0123", None, "", "+44 7700 900123", "٣٤٥ 12", "x1y2", "abc", "0"] * 3)
    for sliced in (values, values.slice(3, 10)):
        fast = normalize.ascii_digits(sliced)
        fast.validate(full=True)
        assert fast.to_pylist() == pc.replace_substring_regex(sliced, r"\D", "").to_pylist()
    assert normalize.ascii_digits(values).to_pylist()[:5] == ["2125550123", None, "", "447700900123", "12"]


def test_home_and_shipping_keys_equal_both_columns_normalised():
    """The shortcut (shipping addresses written as the home one are not normalised) changes nothing:
    a shipping key is given exactly where both full columns' keys are given and differ."""
    home = ["12 Oak Street, Apt. 4", "12 Oak Street", "1 Elm Rd", None, "", "9 Farm Road", "ab", "5 Pine Ln"]
    ship = ["12 oak st #4", "12 Oak Street", "44 Bay Avenue", "3 Bay Ave", "3 Bay Ave", None, "7 Hill Dr", ""]
    home_key, ship_only = normalize.home_and_shipping_keys(pa.array(home), pa.array(ship))
    full_home = normalize.address_key(pa.array(home)).to_pylist()
    full_ship = normalize.address_key(pa.array(ship)).to_pylist()
    assert home_key.to_pylist() == full_home
    pairs = list(zip(full_home, full_ship, strict=True))
    assert ship_only.to_pylist() == [s if s and s != (h or "") else None for h, s in pairs]
    given = zip(home_key.to_pylist(), ship_only.to_pylist(), strict=True)
    flagged = [i for i, (h, s) in enumerate(given) if h and s]
    assert flagged == [i for i, (h, s) in enumerate(pairs) if h and s and h != s] == [2]


def test_string_buffers_rebase_a_slice():
    values = pa.array(["ab", None, "cde", "", None, "f", "gh", "ij", "k", None, "lm"]).slice(3, 7)
    validity, offsets, data = normalize.string_buffers(values)
    rebuilt = pa.StringArray.from_buffers(
        len(values), pa.py_buffer(offsets), pa.py_buffer(data), validity, values.null_count
    )
    assert offsets[0] == 0 and len(offsets) == len(values) + 1
    assert bytes(data) == b"fghijk"
    assert rebuilt.to_pylist() == values.to_pylist() == ["", None, "f", "gh", "ij", "k", None]
