from __future__ import annotations

import pytest

from geobuk.errors import InputError
from geobuk.vet.config import load_config


def test_settings_and_weights(tmp_path):
    path = tmp_path / "vet.yaml"
    path.write_text("threshold: 30\nweights: {camera_refused: 25}\nignore_ips: [10.0.0.0/8]\n")
    config = load_config(path)
    assert config.threshold == 30 and config.weight("camera_refused") == 25 and config.weight("ip_kvm") == 35
    assert config.ignored_networks()[0].num_addresses == 2**24


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("treshold: 3\n", "unknown setting 'treshold'"),
        ("weights: {nope: 1}\n", "unknown flag 'nope'"),
        ("threshold: high\n", "setting 'threshold'"),
        ("ignore_ips: [not-an-ip]\n", "ignore_ips"),
    ],
)
def test_bad_config(tmp_path, text, message):
    path = tmp_path / "vet.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_config(path)
