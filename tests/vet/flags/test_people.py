"""HR-record flags: raised on the tradecraft, silent on the ordinary."""

from __future__ import annotations

from geobuk.vet.flags import people


def codes(data):
    return {(i, f.code) for i, f in people.flags(data)}


def test_each_hr_flag(data_for, person):
    rows = [
        person("E1", shipping_address="1 Farm Lane, Miami, FL 33101"),
        person("E2", phone_type="nonFixedVoip"),
        person("E3", phone="+44 56 0123 4567", country="GB"),
        person("E4", phone="+1 212 555 0001; +1 212 555 0002; +1 212 555 0003"),
        person("E5", education_country="SG"),
        person("E6", camera_refused="yes"),
        person("E7", payment_account="TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"),
        person("E8", full_name="Ann Lee", payment_holder="Joe Bloggs"),
        person("E9"),
    ]
    found = codes(data_for(rows))
    assert found == {
        (0, "shipping_differs"),
        (1, "voip_phone"),
        (2, "voip_phone"),
        (3, "phone_changes"),
        (4, "education_abroad"),
        (5, "camera_refused"),
        (6, "crypto_payment"),
        (7, "third_party_payment"),
    }


def test_same_address_spelled_differently_is_no_flag(data_for, person):
    rows = [person("E1", home_address="5 Elm Street, Austin, TX", shipping_address="5 elm st austin tx")]
    assert codes(data_for(rows)) == set()


def test_sanctioned_wallet_from_the_store(data_for, store, person):
    from geobuk.intel.importing import import_files
    from geobuk.vet.run import indicators_of

    wallet = "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"
    ioc = store.path.parent / "iocs.txt"
    ioc.write_text(f"{wallet};OFAC-listed DPRK wallet\n")
    import_files(store, [ioc])
    data = data_for([person("E1", payment_account=wallet)], indicators=indicators_of(store))
    flags = [f for _, f in people.flags(data)]
    assert {f.code for f in flags} == {"crypto_payment", "sanctioned_wallet"}
    assert "OFAC-listed" in next(f for f in flags if f.code == "sanctioned_wallet").detail()
