"""Flags from identity links: each person in a link is told who else shares what."""

from __future__ import annotations

from collections.abc import Iterator

from geobuk.vet.catalogue import LINK_FLAGS
from geobuk.vet.data import VetData
from geobuk.vet.linking import Linkage
from geobuk.vet.model import Flag

TEMPLATES = {
    "photo": "photo within {measure} bits of the photo of {people}",
    "resume": "resume {measure} alike (estimated Jaccard of word 3-grams) with the resume of {people}",
    "email": "e-mail {value} is also given by {people}",
    "email_alias": "mailbox {value} (dots and +tags removed) is also used by {people}",
    "email_pattern": "e-mail built from the word {value} and digits, like that of {people}",
    "phone": "phone {value} is also given by {people}",
    "payment": "payment account {value} is also that of {people}",
    "github": "GitHub profile {value} is also given by {people}",
    "linkedin": "LinkedIn profile {value} is also given by {people}",
    "device": "device {value} is also used by {people}",
    "ip": "signs in from {value} like {people}",
    "address": "home address {value} is also that of {people}",
    "shipping_address": "shipping address {value} is also used by {people}",
}


def flags(data: VetData, linkage: Linkage) -> Iterator[tuple[int, Flag]]:
    ids = data.ids
    for group in linkage.groups:
        for member in group.members:
            others = [ids[m] for m in group.members if m != member]
            evidence = {"value": group.value, "people": others}
            if group.measure is not None:
                evidence["measure"] = (
                    round(group.measure, 2) if group.kind == "resume" else int(group.measure)
                )
            yield member, Flag(LINK_FLAGS[group.kind], evidence, TEMPLATES[group.kind])
