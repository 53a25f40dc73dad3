"""Every red flag vet can raise: its code, what it means, its default weight and its public sources.

Weights are points out of 100, added per person (see ``scoring``); docs/vet.md justifies each. They
are defaults: a config file can change any of them. A flag with weight 0 is still shown as evidence
but adds nothing to a score.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlagSpec:
    code: str
    title: str
    weight: int
    sources: tuple[str, ...]


_SPECS = (
    # ------------------------------------------------------------- identifiers shared with others
    FlagSpec(
        "shared_photo",
        "near-identical photo under another identity",
        30,
        ("us-rok-psa-2023", "microsoft-jasper"),
    ),
    FlagSpec(
        "shared_payment",
        "payment account shared with another person",
        30,
        ("us-dprk-it-2022", "fbi-psa-i-051624"),
    ),
    FlagSpec("shared_email", "e-mail address shared with another person", 30, ("mandiant-unc5267",)),
    FlagSpec(
        "shared_email_alias",
        "same mailbox as another person once dots and +tags are removed",
        25,
        ("mandiant-unc5267", "us-rok-psa-2023"),
    ),
    FlagSpec(
        "shared_email_pattern",
        "e-mail built like another person's: same word, 4-6 digits",
        10,
        ("mandiant-unc5267",),
    ),
    FlagSpec(
        "shared_phone", "phone number shared with another person", 25, ("us-rok-psa-2023", "mandiant-unc5267")
    ),
    FlagSpec(
        "shared_profile",
        "GitHub or LinkedIn profile shared with another person",
        25,
        ("us-rok-psa-2023", "mandiant-unc5267"),
    ),
    FlagSpec("shared_device", "device shared with another person's account", 25, ("us-dprk-it-2022",)),
    FlagSpec(
        "shared_resume",
        "near-duplicate resume of another person",
        20,
        ("us-dprk-it-2022", "mandiant-unc5267"),
    ),
    FlagSpec(
        "shared_shipping_address",
        "laptop shipped to an address other people also use",
        20,
        ("fbi-psa-i-051624", "doj-2025-06", "knowbe4-2024"),
    ),
    FlagSpec("shared_address", "home address shared with another person", 5, ("fbi-psa-i-051624",)),
    FlagSpec("shared_ip", "signs in from the same IP address as other accounts", 10, ("us-dprk-it-2022",)),
    # ------------------------------------------------------------- HR record
    FlagSpec(
        "shipping_differs",
        "laptop shipping address differs from home address",
        15,
        ("fbi-psa-i-051624", "doj-2025-06", "knowbe4-2024"),
    ),
    FlagSpec("voip_phone", "VoIP phone number", 10, ("microsoft-jasper", "mandiant-unc5267")),
    FlagSpec("phone_changes", "several phone numbers on record", 10, ("fbi-psa-i-051624",)),
    FlagSpec("education_abroad", "education abroad with a local address", 5, ("mandiant-unc5267",)),
    FlagSpec(
        "camera_refused", "refused or could not appear on camera", 15, ("us-rok-psa-2023", "fbi-psa-i-012325")
    ),
    FlagSpec(
        "crypto_payment",
        "salary paid to a cryptocurrency address",
        20,
        ("us-dprk-it-2022", "us-rok-psa-2023"),
    ),
    FlagSpec(
        "sanctioned_wallet",
        "payment address is a known (attributed or sanctioned) indicator",
        60,
        ("us-dprk-it-2022",),
    ),
    FlagSpec(
        "third_party_payment",
        "salary paid to an account in someone else's name",
        15,
        ("us-dprk-it-2022", "fbi-psa-i-051624"),
    ),
    # ------------------------------------------------------------- sign-ins
    FlagSpec(
        "kst_hours",
        "works the hours of UTC+9 (Pyongyang) rather than of the claimed time zone",
        20,
        ("us-dprk-it-2022", "knowbe4-2024"),
    ),
    FlagSpec(
        "multi_country",
        "sign-ins from several countries in a short time",
        15,
        ("us-dprk-it-2022", "fbi-psa-i-012325"),
    ),
    FlagSpec(
        "impossible_travel",
        "consecutive sign-ins too far apart to travel between",
        20,
        ("us-dprk-it-2022", "fbi-psa-i-012325"),
    ),
    FlagSpec(
        "vpn_proxy",
        "sign-ins through VPN, proxy or hosting infrastructure",
        20,
        ("mandiant-unc5267", "microsoft-jasper", "knowbe4-2024"),
    ),
    FlagSpec(
        "intel_ip", "sign-ins from an IP address of the intel store's indicators", 30, ("mandiant-unc5267",)
    ),
    FlagSpec(
        "risky_country",
        "sign-ins from China or Russia, where DPRK IT workers are based",
        25,
        ("mandiant-unc5267", "us-dprk-it-2022"),
    ),
    FlagSpec("long_session", "session left open for a day or more", 10, ("us-dprk-it-2022",)),
    FlagSpec(
        "bulk_repo_copy",
        "copied many source repositories in a short time",
        25,
        ("fbi-psa-i-012325", "gtig-it-workers-2025"),
    ),
    # ------------------------------------------------------------- company devices
    FlagSpec(
        "remote_access_tool",
        "remote-access tool on a company device",
        15,
        ("fbi-psa-i-051624", "fbi-psa-i-012325", "mandiant-unc5267"),
    ),
    FlagSpec(
        "ip_kvm", "IP-KVM attached to a company device", 35, ("microsoft-jasper", "gtig-it-workers-2025")
    ),
)

FLAGS: dict[str, FlagSpec] = {s.code: s for s in _SPECS}

#: Link kind (see ``linking``) -> the flag each linked person gets.
LINK_FLAGS: dict[str, str] = {
    "photo": "shared_photo",
    "payment": "shared_payment",
    "email": "shared_email",
    "email_alias": "shared_email_alias",
    "email_pattern": "shared_email_pattern",
    "phone": "shared_phone",
    "github": "shared_profile",
    "linkedin": "shared_profile",
    "device": "shared_device",
    "resume": "shared_resume",
    "shipping_address": "shared_shipping_address",
    "address": "shared_address",
    "ip": "shared_ip",
}
