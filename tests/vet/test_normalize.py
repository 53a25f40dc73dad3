"""Normal forms of identifiers, checked against libphonenumber and by hand."""

from __future__ import annotations

import phonenumbers
import pyarrow as pa

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
