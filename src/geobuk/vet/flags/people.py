"""Red flags in the HR record itself: where the laptop goes, what the phone is, how pay is received."""

from __future__ import annotations

from collections.abc import Iterator

import phonenumbers
import pyarrow.compute as pc

from geobuk.intel.observables import CRYPTO_KINDS, classify
from geobuk.vet import normalize
from geobuk.vet.data import VetData
from geobuk.vet.model import Flag

VOIP_TYPES = ("voip", "nonfixedvoip", "fixedvoip", "non-fixed voip", "fixed voip", "virtual")
_TRUE = "true"


def flags(data: VetData) -> Iterator[tuple[int, Flag]]:
    yield from shipping_differs(data)
    yield from phones(data)
    yield from education_abroad(data)
    yield from camera_refused(data)
    yield from payment(data)


def shipping_differs(data: VetData) -> Iterator[tuple[int, Flag]]:
    """The laptop goes somewhere other than home: laptop farms receive company laptops for workers
    abroad (FBI PSA I-051624; DOJ's June 2025 searches of 29 laptop farms; KnowBe4 2024)."""
    home, ship_only = normalize.home_and_shipping_keys(
        data.people.column("home_address"), data.people.column("shipping_address")
    )
    # The shipping key is given only where it differs from the home one: a flag where both are given.
    differs = pc.and_(pc.is_valid(home), pc.is_valid(ship_only))
    raw_home, raw_ship = data.column("home_address"), data.column("shipping_address")
    for i in pc.indices_nonzero(differs).to_pylist():
        yield (
            i,
            Flag(
                "shipping_differs",
                {"shipping_address": raw_ship[i], "home_address": raw_home[i]},
                "laptop ships to {shipping_address}, not to the home address {home_address}",
            ),
        )


def _phone_number(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        return None


def phones(data: VetData) -> Iterator[tuple[int, Flag]]:
    """VoIP numbers (by the HR system's carrier lookup, else libphonenumber's line type) and a
    record with three or more numbers: personas are run on disposable numbers."""
    values, rows = normalize.split_list(data.people.column("phone"))
    countries = pc.utf8_upper(data.people.column("country")).to_pylist()
    kinds = pc.utf8_lower(data.people.column("phone_type")).to_pylist()
    by_person: dict[int, list[str]] = {}
    for value, row in zip(values.to_pylist(), rows.to_pylist(), strict=True):
        by_person.setdefault(row, []).append(value)
    for i, numbers in by_person.items():
        kind = (kinds[i] or "").replace("_", " ")
        if kind and any(v.replace(" ", "") == kind.replace(" ", "") for v in VOIP_TYPES):
            yield (
                i,
                Flag(
                    "voip_phone",
                    {"phone": numbers[0], "line_type": kinds[i]},
                    "phone {phone} is a VoIP line ({line_type}, from the carrier lookup)",
                ),
            )
        else:
            for number in numbers:
                parsed = _phone_number(number, countries[i] or data.home_country)
                if (
                    parsed is not None
                    and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.VOIP
                ):
                    yield (
                        i,
                        Flag(
                            "voip_phone",
                            {"phone": number, "line_type": "VoIP range"},
                            "phone {phone} is in a VoIP number range (libphonenumber)",
                        ),
                    )
                    break
        distinct = sorted(set(numbers))
        if len(distinct) >= 3:
            yield (
                i,
                Flag(
                    "phone_changes",
                    {"phones": distinct, "count": len(distinct)},
                    "{count} phone numbers on record: {phones}",
                ),
            )


def education_abroad(data: VetData) -> Iterator[tuple[int, Flag]]:
    """Schooling abroad with a local address (Mandiant: US addresses with Asian degrees). Many honest
    staff studied abroad: the weight is low and this flag alone never reaches a threshold."""
    home = data.home_country
    if not home:
        return
    education = pc.utf8_upper(data.people.column("education_country")).to_pylist()
    country = pc.utf8_upper(data.people.column("country")).to_pylist()
    for i, (edu, where) in enumerate(zip(education, country, strict=True)):
        if edu and (where or home) == home and edu != home:
            yield (
                i,
                Flag(
                    "education_abroad",
                    {"education_country": edu, "country": where or home},
                    "educated in {education_country}, lives in {country}",
                ),
            )


def camera_refused(data: VetData) -> Iterator[tuple[int, Flag]]:
    for i, value in enumerate(data.column("camera_refused")):
        if value == _TRUE:
            yield i, Flag("camera_refused", {}, "refused or was unable to appear on camera during hiring")


def payment(data: VetData) -> Iterator[tuple[int, Flag]]:
    """Pay to a crypto address (a known-bad one weighs far more) or to someone else's account."""
    accounts = data.column("payment_account")
    holders = data.column("payment_holder")
    names = data.column("full_name")
    known = _known_addresses(data, accounts)
    for i, account in enumerate(accounts):
        if account:
            kind = classify(account)
            if kind in CRYPTO_KINDS:
                yield (
                    i,
                    Flag(
                        "crypto_payment", {"account": account, "chain": kind}, "paid to the {chain} {account}"
                    ),
                )
                if account in known:
                    yield (
                        i,
                        Flag(
                            "sanctioned_wallet",
                            {"account": account, "indicator": known[account]},
                            "payment address {account} is a known indicator: {indicator}",
                        ),
                    )
        holder = holders[i]
        if holder and names[i] and not normalize.tokens(holder) & normalize.tokens(names[i]):
            yield (
                i,
                Flag(
                    "third_party_payment",
                    {"holder": holder, "name": names[i]},
                    "pay goes to an account held by {holder}, not by {name}",
                ),
            )


def _known_addresses(data: VetData, accounts: list[str]) -> dict[str, str]:
    """Payment accounts that are indicators in the intel store (e.g. OFAC-listed wallets)."""
    index = data.indicators
    if index is None or not index.exact.num_rows:
        return {}
    values = {a for a in accounts if a and classify(a) in CRYPTO_KINDS}
    if not values:
        return {}
    exact = index.exact
    lowered = {v.lower(): v for v in values}
    out: dict[str, str] = {}
    for value, name in zip(exact.column("value").to_pylist(), exact.column("name").to_pylist(), strict=True):
        original = lowered.get((value or "").lower())
        if original:
            out[original] = name or value
    return out
