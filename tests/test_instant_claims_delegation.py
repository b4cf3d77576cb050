"""An insurer's instant-claims delegation on `PUT /ops/v1/insurers/{code}`: kept and answered when
valid, a 422 naming the field when not (and then nothing changes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lipei_testing.platform import running_platform

pytestmark = pytest.mark.slow


async def test_the_delegation_is_validated_and_kept(bootstrap_servers: str, tmp_path: Path) -> None:
    async with running_platform(
        bootstrap_servers=bootstrap_servers, tmp_dir=tmp_path, services=("intake",)
    ) as platform:
        ops = await platform.login("dev-ops:olivia")
        url = "/ops/v1/insurers/delegating"

        async def put(instant_claims: Any) -> Any:
            body = {"name": "授权保险", "instant_claims": instant_claims}
            return await platform.client.put(url, json=body, headers=ops)

        for bad, field in [
            ({"claim_types": ["outpatient"], "max_amount": "-1.00"}, "max_amount"),
            ({"claim_types": ["outpatient"], "max_amount": "两千"}, "max_amount"),
            ({"claim_types": ["outpatient"], "max_amount": "NaN"}, "max_amount"),
            ({"claim_types": ["outpatient"], "max_amount": "10.001"}, "max_amount"),
            ({"claim_types": ["horoscope"], "max_amount": "100.00"}, "claim_types"),
            ({"claim_types": [], "max_amount": "100.00"}, "claim_types"),
        ]:
            answer = await put(bad)
            assert answer.status_code == 422, (bad, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
            assert any(e["field"].endswith(field) for e in answer.json()["errors"]), answer.json()
        # Nothing was registered by the refusals: the first good request creates the insurer.
        created = await put({"claim_types": ["outpatient", "outpatient"], "max_amount": "2000"})
        assert created.status_code == 201, created.text
        assert created.json()["instant_claims"] == {
            "claim_types": ["outpatient"],
            "max_amount": "2000.00",
        }
        # A registration without it revokes the delegation.
        revoked = await platform.client.put(url, json={"name": "授权保险"}, headers=ops)
        assert revoked.status_code == 200, revoked.text
        assert "instant_claims" not in revoked.json()
