"""The public sources every red flag cites: an analyst must be able to read why a flag exists.

Keys are short and stable (they are stored with results); the knowledge pack's source keys are reused
where the pack already cites the same document.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Advisory:
    key: str
    title: str
    url: str

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "title": self.title, "url": self.url}


_ALL = (
    Advisory(
        "us-dprk-it-2022",
        "US State/Treasury/FBI guidance on DPRK IT workers (May 2022)",
        "https://ofac.treasury.gov/media/923126/download?inline",
    ),
    Advisory(
        "us-rok-psa-2023",
        "US-ROK public service announcement on DPRK IT workers (October 2023)",
        "https://www.ic3.gov/PSA/2023/PSA231018",
    ),
    Advisory(
        "fbi-psa-i-051624",
        "FBI PSA I-051624: DPRK IT workers and US-based facilitators (May 2024)",
        "https://www.ic3.gov/PSA/2024/PSA240516",
    ),
    Advisory(
        "fbi-psa-i-012325",
        "FBI PSA I-012325: DPRK IT workers' data theft and extortion (January 2025)",
        "https://www.ic3.gov/PSA/2025/PSA250123",
    ),
    Advisory(
        "mandiant-unc5267",
        "Mandiant: mitigating the DPRK IT worker threat, UNC5267 (September 2024)",
        "https://cloud.google.com/blog/topics/threat-intelligence/mitigating-dprk-it-worker-threat",
    ),
    Advisory(
        "gtig-it-workers-2025",
        "Google Threat Intelligence: DPRK IT workers expanding scope (April 2025)",
        "https://cloud.google.com/blog/topics/threat-intelligence/dprk-it-workers-expanding-scope-scale",
    ),
    Advisory(
        "microsoft-jasper",
        "Microsoft: Jasper Sleet, North Korean remote IT workers (June 2025)",
        "https://www.microsoft.com/en-us/security/blog/2025/06/30/jasper-sleet-north-korean-remote-it-"
        "workers-evolving-tactics-to-infiltrate-organizations/",
    ),
    Advisory(
        "crowdstrike-famous",
        "CrowdStrike adversary profile: Famous Chollima",
        "https://www.crowdstrike.com/adversaries/famous-chollima/",
    ),
    Advisory(
        "knowbe4-2024",
        "KnowBe4: how a North Korean fake IT worker tried to infiltrate us (July 2024)",
        "https://blog.knowbe4.com/how-a-north-korean-fake-it-worker-tried-to-infiltrate-us",
    ),
    Advisory(
        "doj-2025-06",
        "US DOJ: coordinated actions against DPRK remote IT worker schemes, searches of "
        "29 laptop farms (June 2025)",
        "https://www.justice.gov/opa/pr/justice-department-announces-coordinated-nationwide-actions-"
        "combat-north-korean-remote",
    ),
)

ADVISORIES: dict[str, Advisory] = {a.key: a for a in _ALL}


def advisory(key: str) -> Advisory:
    return ADVISORIES[key]
