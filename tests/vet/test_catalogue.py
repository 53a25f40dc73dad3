from __future__ import annotations

from geobuk.vet.advisories import ADVISORIES
from geobuk.vet.catalogue import FLAGS, LINK_FLAGS


def test_every_flag_cites_known_public_sources_and_weighs_0_to_100():
    for spec in FLAGS.values():
        assert spec.sources and all(s in ADVISORIES for s in spec.sources), spec.code
        assert 0 <= spec.weight <= 100
    assert set(LINK_FLAGS.values()) <= set(FLAGS)
    assert all(a.url.startswith("https://") for a in ADVISORIES.values())
