"""notify's HTTP surface through the gateway: preferences, the inbox, and ops disaster alerts
reaching the policyholders of a region (found through intake)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lipei.clock import MovableClock
from lipei_dev.standins.tencentcloud import TencentCloudStandIn
from lipei_dev.standins.wechat import WeChatStandIn
from lipei_testing.platform import Platform, running_platform, wait_until
from lipei_testing.servers import serving

pytestmark = pytest.mark.slow

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
ALICE_OPENID, ALICE_PHONE = "dev-openid-alice", "+8613800138002"
POLICY = {
    "holder_user_id": "dev-alice",
    "insurer_code": "demo-insurer",
    "product_name": "家庭财产险",
    "insured_name": "张三",
    "insured_id_number": "110101199003071234",
    "coverage": ["outpatient", "inpatient"],
    "region_code": "310000",
    "valid_from": "2026-01-01",
    "valid_to": "2026-12-31",
    "sum_insured": "20000.00",
}


def alert(**extra: Any) -> dict[str, Any]:
    return {
        "region_codes": ["310000"],
        "kind": "typhoon",
        "title": "台风红色预警",
        "body": "今夜到明天有强降雨和十级以上大风",
        "valid_until": (START + timedelta(days=1)).isoformat(),
        **extra,
    }


@pytest.fixture
async def world(bootstrap_servers: str, tmp_path: Path) -> AsyncIterator[dict[str, Any]]:
    wechat, tencent = WeChatStandIn(), TencentCloudStandIn()
    async with serving(wechat.app) as wechat_url, serving(tencent.app) as tencent_url:
        settings = {
            "wechat_api_base": wechat_url,
            "tencentcloud_sms_url": tencent_url,
            "tencentcloud_vms_url": tencent_url,
            "dispatch_poll_seconds": 0.1,
        }
        async with running_platform(
            bootstrap_servers=bootstrap_servers,
            tmp_dir=tmp_path,
            clock=MovableClock(START),
            services=("intake", "notify"),
            overrides={"notify": settings},
        ) as platform:
            yield {"platform": platform, "wechat": wechat, "tencent": tencent}


async def test_an_ops_alert_reaches_policyholders_of_the_region_only(
    world: dict[str, Any],
) -> None:
    platform: Platform = world["platform"]
    wechat: WeChatStandIn = world["wechat"]
    tencent: TencentCloudStandIn = world["tencent"]
    ops = await platform.login("dev-ops:olivia")
    put = await platform.client.put("/ops/v1/policies/P-1", json=POLICY, headers=ops)
    assert put.status_code == 200, put.text
    alice = await platform.login("dev:alice")
    await platform.login("dev:bob")  # signed in, but holds no policy in the region
    prefs = await platform.client.put(
        "/api/v1/me/notification-preferences", json={"phone_number": ALICE_PHONE}, headers=alice
    )
    assert prefs.status_code == 200, prefs.text

    assert (
        await platform.client.post("/ops/v1/alerts", json=alert(), headers=alice)
    ).status_code == 403
    for bad in (
        alert(kind="spring_sale"),
        alert(region_codes=["31"]),
        alert(region_codes=[]),
        alert(valid_until=(START - timedelta(hours=1)).isoformat()),
        alert(valid_until="2026-11-24T10:00:00"),
        alert(title=""),
        alert(coupon="8折"),
    ):
        response = await platform.client.post("/ops/v1/alerts", json=bad, headers=ops)
        assert response.status_code == 422, (bad, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")

    accepted = await platform.client.post("/ops/v1/alerts", json=alert(), headers=ops)
    assert accepted.status_code == 202, accepted.text

    await wait_until(lambda: len(wechat.messages_to(ALICE_OPENID)) == 1)
    message = wechat.messages_to(ALICE_OPENID)[0]
    assert message.data["thing1"] == "台风红色预警"
    assert message.data["time3"] == "2026-11-24 10:00"
    await wait_until(lambda: len(tencent.sms_to(ALICE_PHONE)) == 1)
    assert tencent.sms_to(ALICE_PHONE)[0].params[0] == "台风红色预警"
    assert wechat.messages_to("dev-openid-bob") == []
    inbox = (await platform.client.get("/api/v1/me/notifications", headers=alice)).json()
    assert inbox["items"][0]["title"] == "台风红色预警"
    assert "关好门窗" in inbox["items"][0]["body"]


async def test_preferences_are_validated_and_kept(world: dict[str, Any]) -> None:
    platform: Platform = world["platform"]
    alice = await platform.login("dev:alice")
    path = "/api/v1/me/notification-preferences"

    defaults = (await platform.client.get(path, headers=alice)).json()
    assert defaults["channels"] == {"wechat": True, "sms": True, "voice": True}
    assert defaults["quiet_hours"] == {
        "start": "21:00",
        "end": "08:00",
        "timezone": "Asia/Shanghai",
    }
    assert defaults["phone_number"] is None

    for bad in (
        {"phone_number": "13800138000"},
        {"phone_number": "+86 138 0013 8000"},
        {"quiet_hours": {"start": "25:00", "end": "08:00"}},
        {"daily_cap": 0},
        {"channels": {"fax": True}},
        {"marketing": True},
    ):
        response = await platform.client.put(path, json=bad, headers=alice)
        assert response.status_code == 422, (bad, response.text)
    assert (await platform.client.get(path, headers=alice)).json() == defaults

    changed = await platform.client.put(
        path,
        json={
            "channels": {"wechat": True, "sms": False, "voice": False},
            "quiet_hours": {"start": "22:30", "end": "07:00"},
            "phone_number": "+8613800138003",
            "daily_cap": 3,
        },
        headers=alice,
    )
    assert changed.status_code == 200, changed.text
    kept = (await platform.client.get(path, headers=alice)).json()
    assert kept["channels"] == {"wechat": True, "sms": False, "voice": False}
    assert kept["quiet_hours"]["start"] == "22:30"
    assert (kept["phone_number"], kept["daily_cap"]) == ("+8613800138003", 3)

    empty = (await platform.client.get("/api/v1/me/notifications", headers=alice)).json()
    assert empty == {"items": [], "next_cursor": None}
    bad_cursor = await platform.client.get(
        "/api/v1/me/notifications", params={"cursor": "not-ours"}, headers=alice
    )
    assert bad_cursor.status_code == 400
