"""Pseudonyms for reports that leave the HR team: every identifier becomes a stable token.

A token is an HMAC-SHA256 of the value under a secret key, so the same phone number is the same
token everywhere in a report and across runs with the same key (an analyst can still see that two
people share it), while the value cannot be recovered, or guessed by hashing candidate phone numbers,
without the key. The CLI keeps one key per store (``meta`` key ``vet_pseudonym_key``).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
from typing import Any

from geobuk.vet.model import VetResult

#: Evidence fields holding identifiers -> the label their tokens carry.
IDENTIFIER_FIELDS = {
    "people": "person",
    "person": "person",
    "name": "name",
    "holder": "name",
    "phone": "phone",
    "phones": "phone",
    "email": "email",
    "value": "id",
    "home_address": "address",
    "shipping_address": "address",
    "account": "account",
    "hostname": "host",
    "ips": "ip",
    "ip": "ip",
    "session": "session",
    "github": "profile",
    "linkedin": "profile",
}
META_KEY = "vet_pseudonym_key"


def new_key() -> str:
    return secrets.token_hex(32)


class Redactor:
    def __init__(self, key: str | bytes) -> None:
        self.key = key.encode() if isinstance(key, str) else key

    def token(self, label: str, value: str) -> str:
        if not value:
            return value
        digest = hmac.new(self.key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{label}-{digest[:10]}"

    def field(self, name: str, value: Any) -> Any:
        label = IDENTIFIER_FIELDS.get(name)
        if label is None:
            return value
        if isinstance(value, list):
            return [self.token(label, str(v)) for v in value]
        return self.token(label, str(value))

    def result(self, result: VetResult) -> VetResult:
        """A copy of ``result`` with every identifier replaced by its token."""
        out = copy.deepcopy(result)
        for person in out.people:
            person.person_id = self.token("person", person.person_id)
            person.name = self.token("name", person.name) if person.name else ""
            for flag in person.flags:
                flag.evidence = {k: self.field(k, v) for k, v in flag.evidence.items()}
        for cluster in out.clusters:
            cluster.people = [self.token("person", p) for p in cluster.people]
            for link in cluster.links:
                link.people = [self.token("person", p) for p in link.people]
                link.value = self.token("id", link.value) if link.value else ""
        out.redacted = True
        return out


def store_key(store: Any) -> str:
    """The store's pseudonym key, created on first use."""
    key = store.meta(META_KEY)
    if not key:
        key = new_key()
        with store.transaction():
            store.set_meta(META_KEY, key)
    return key
