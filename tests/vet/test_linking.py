"""Identity links by kind, caps on common values, weak links dropped under strong ones, clusters."""

from __future__ import annotations

from geobuk.vet.config import VetConfig


def kinds(linkage):
    return {(g.kind, tuple(g.members)) for g in linkage.groups}


def test_each_exact_kind_links(linkage_of, person):
    rows = [
        person("E1", phone="(212) 555-0199", payment_account="US 99-1"),
        person("E2", phone="+1 212 555 0199", payment_account="us991"),
        person("E3", email="dev.star+jobs@gmail.com"),
        person("E4", email="devstar@googlemail.com"),
        person("E5", email="goldenfox1234@outlook.com"),
        person("E6", email="goldenfox99881@proton.me"),
        person("E7", shipping_address="9 Farm Road, Miami, FL 33101"),
        person("E8", shipping_address="9 farm rd miami fl 33101"),
        person("E9", github="https://github.com/Ghost"),
        person("E10", github="@ghost"),
    ]
    found = kinds(linkage_of(rows))
    assert ("phone", (0, 1)) in found and ("payment", (0, 1)) in found
    assert ("email_alias", (2, 3)) in found and ("email_pattern", (4, 5)) in found
    assert ("shipping_address", (6, 7)) in found and ("github", (8, 9)) in found


def test_home_address_is_a_weak_address_link_and_weak_keys_yield_to_strong(linkage_of, person):
    rows = [
        person("E1", home_address="5 Elm St, Austin, TX 78701", email="devstar2024@gmail.com"),
        person("E2", home_address="5 Elm Street, Austin, TX 78701", email="devstar2024@gmail.com"),
    ]
    found = kinds(linkage_of(rows))
    assert ("address", (0, 1)) in found and ("email", (0, 1)) in found
    assert not any(k in ("email_alias", "email_pattern") for k, _ in found)


def test_value_shared_by_too_many_is_not_a_link(linkage_of, person):
    rows = [person(f"E{k}", phone="000-000-0000") for k in range(6)]
    linkage = linkage_of(rows, config=VetConfig(max_group=5))
    assert not any(g.kind == "phone" for g in linkage.groups) and linkage.ignored == {"phone": 1}


def test_shared_ip_and_device_from_sign_ins_but_not_vpn_exits(linkage_of, person):
    rows = [person("E1"), person("E2"), person("E3")]
    signins = [
        {"user": "e1", "time": "2025-03-03T10:00:00Z", "ip": "192.0.2.7", "device_id": "D1"},
        {"user": "e2@corp.example", "time": "2025-03-03T11:00:00Z", "ip": "192.0.2.7", "device_id": "d1"},
        {"user": "e2", "time": "2025-03-03T12:00:00Z", "ip": "198.51.100.1", "is_proxy": "true"},
        {"user": "e3", "time": "2025-03-03T12:00:00Z", "ip": "198.51.100.1", "is_proxy": "true"},
    ]
    found = kinds(linkage_of(rows, signins))
    assert ("ip", (0, 1)) in found and ("device", (0, 1)) in found
    assert not any(k == "ip" and 2 in m for k, m in found)


def test_photos_resumes_and_clusters(linkage_of, person):
    template = "senior full stack developer " + " ".join(f"skill{k}" for k in range(60))
    rows = [
        person("E1", photo_hash="ffff0000ffff0000", resume_text="Ann Lee " + template),
        person("E2", photo_hash="ffff0000ffff0003", resume_text="Bo Kim " + template),
        person("E3", photo_hash="0123456789abcdef"),
        person("E4", payment_account="US7777"),
        person("E5", payment_account="US7777"),
    ]
    linkage = linkage_of(rows)
    found = kinds(linkage)
    assert ("photo", (0, 1)) in found and ("resume", (0, 1)) in found
    photo = next(g for g in linkage.groups if g.kind == "photo")
    assert photo.measure == 2
    labels = linkage.labels.tolist()
    assert labels[0] == labels[1] != labels[2] and labels[3] == labels[4] != labels[0]
