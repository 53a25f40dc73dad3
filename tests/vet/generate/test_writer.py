from __future__ import annotations

import json

from geobuk.vet.generate.writer import generate


def test_files_in_reader_formats(tmp_path):
    files = generate(40, 2, tmp_path, photo_files=False)
    entra = json.loads(files["entra"].read_text())
    okta = json.loads(files["okta"].read_text())
    assert {"userPrincipalName", "createdDateTime", "ipAddress", "location", "deviceDetail"} <= set(entra[0])
    assert {"actor", "published", "client", "securityContext", "eventType"} <= set(okta[0])
    assert files["people"].read_text().startswith("person_id,full_name,email,phone,home_address")
    assert "Astrill VPN exit" in files["indicators"].read_text()
    assert json.loads(files["truth"].read_text())["operators"]
