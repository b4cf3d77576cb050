"""The provider adapters against the stand-ins over real HTTP: success, token refresh, refusals,
bad values, outages (retried, then reported as transient) and signatures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from lipei_dev.broker import free_port
from lipei_dev.standins.tencentcloud import TencentCloudStandIn
from lipei_dev.standins.wechat import WeChatStandIn
from lipei_testing.servers import serving
from notify_service.channels.senders import Senders
from notify_service.settings import Settings

PHONE = "+8613800138000"
DATA = {"thing1": {"value": "医疗发票"}, "phrase3": {"value": "待重拍"}}


@dataclass
class World:
    wechat: WeChatStandIn
    tencent: TencentCloudStandIn
    wechat_url: str
    tencent_url: str

    def senders(self, **extra: object) -> Senders:
        values: dict[str, object] = {
            "wechat_api_base": self.wechat_url,
            "tencentcloud_sms_url": self.tencent_url,
            "tencentcloud_vms_url": self.tencent_url,
            "provider_backoff_seconds": 0.01,
            **extra,
        }
        settings = Settings(**values)  # type: ignore[arg-type]
        return Senders(settings)


@pytest.fixture
async def world() -> AsyncIterator[World]:
    wechat, tencent = WeChatStandIn(), TencentCloudStandIn()
    async with serving(wechat.app) as wechat_url, serving(tencent.app) as tencent_url:
        yield World(wechat, tencent, wechat_url, tencent_url)


async def test_wechat_sends_and_renews_an_expired_token(world: World) -> None:
    senders = world.senders()
    assert (await senders.wechat(openid="o-1", template_id="t-1", data=DATA)).ok
    world.wechat.expire_tokens()
    assert (await senders.wechat(openid="o-1", template_id="t-1", data=DATA)).ok
    assert [m.data["thing1"] for m in world.wechat.messages_to("o-1")] == ["医疗发票", "医疗发票"]
    await senders.close()


async def test_wechat_refusal_and_bad_values_are_permanent(world: World) -> None:
    senders = world.senders()
    world.wechat.grant_consent("o-2", "t-1", count=1)
    assert (await senders.wechat(openid="o-2", template_id="t-1", data=DATA)).ok
    refused = await senders.wechat(openid="o-2", template_id="t-1", data=DATA)
    assert (refused.ok, refused.permanent, refused.consent_refused) == (False, True, True)
    assert "43101" in (refused.error or "")
    bad = await senders.wechat(
        openid="o-3", template_id="t-2", data={"phrase3": {"value": "pending"}}
    )
    assert (bad.permanent, bad.consent_refused) == (True, False)
    assert "47003" in (bad.error or "")
    await senders.close()


async def test_an_outage_is_retried_then_reported_as_transient(world: World) -> None:
    senders = world.senders(provider_retries=2)
    world.tencent.outage(60)
    outcome = await senders.sms(phone_number=PHONE, template_id="2100001", params=["A"])
    assert (outcome.ok, outcome.permanent) == (False, False)
    assert world.tencent.requests == 3  # the first try and two retries
    world.tencent.recover()
    assert (await senders.sms(phone_number=PHONE, template_id="2100001", params=["A"])).ok
    world.wechat.outage(60)
    assert not (await senders.wechat(openid="o-1", template_id="t-1", data=DATA)).permanent
    await senders.close()


async def test_a_call_the_provider_did_not_answer_in_time_is_never_made_again(
    world: World,
) -> None:
    """The call went through but its answer came too late: a second call would ring the user
    twice, so the outcome is final and says why."""
    senders = world.senders(provider_timeout_seconds=0.2, provider_retries=2)
    world.tencent.late_answer_seconds = 0.5
    outcome = await senders.voice(phone_number=PHONE, template_id="3100001", params=["发票"])
    assert (outcome.ok, outcome.permanent) == (False, True)
    assert "may have reached the user" in (outcome.error or "")
    assert "ReadTimeout" in (outcome.error or "")
    assert world.tencent.requests == 1
    assert len(world.tencent.calls_to(PHONE)) == 1  # it did reach the user, once
    world.tencent.late_answer_seconds = 0.0
    assert (await senders.voice(phone_number=PHONE, template_id="3100001", params=["发票"])).ok
    await senders.close()


async def test_a_provider_that_cannot_be_reached_is_retried_then_transient() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    senders = World(WeChatStandIn(), TencentCloudStandIn(), closed, closed).senders(
        provider_retries=1
    )
    outcome = await senders.sms(phone_number=PHONE, template_id="2100001", params=["AB12CD"])
    assert (outcome.ok, outcome.permanent) == (False, False)
    assert "ConnectError" in (outcome.error or "")
    await senders.close()


async def test_sms_and_calls_are_signed_and_recorded(world: World) -> None:
    senders = world.senders()
    assert (await senders.sms(phone_number=PHONE, template_id="2100001", params=["AB12CD"])).ok
    assert (await senders.voice(phone_number=PHONE, template_id="3100001", params=["发票"])).ok
    assert world.tencent.sms_to(PHONE)[0].request == {
        "SmsSdkAppId": "1400000000",
        "SignName": "理赔助手",
        "TemplateId": "2100001",
        "TemplateParamSet": ["AB12CD"],
        "PhoneNumberSet": [PHONE],
    }
    assert world.tencent.calls_to(PHONE)[0].request == {
        "TemplateId": "3100001",
        "TemplateParamSet": ["发票"],
        "CalledNumber": PHONE,
        "VoiceSdkAppid": "1400000001",
        "PlayTimes": 2,
    }
    await senders.close()


async def test_wechat_sends_the_documented_subscribe_message(world: World) -> None:
    senders = world.senders(wechat_page="pages/claims/index")
    assert (await senders.wechat(openid="o-9", template_id="t-9", data=DATA)).ok
    message = world.wechat.messages_to("o-9")[0]
    assert (message.template_id, message.page) == ("t-9", "pages/claims/index")
    assert message.data == {"thing1": "医疗发票", "phrase3": "待重拍"}
    too_long = {"thing1": {"value": "一" * 21}}
    outcome = await senders.wechat(openid="o-9", template_id="t-9", data=too_long)
    assert outcome.permanent and "47003" in (outcome.error or "")
    await senders.close()


async def test_refused_numbers_and_bad_keys_are_permanent_without_retries(world: World) -> None:
    world.tencent.refuse(PHONE)
    senders = world.senders()
    for outcome in (
        await senders.sms(phone_number=PHONE, template_id="2100001", params=[]),
        await senders.voice(phone_number=PHONE, template_id="3100001", params=[]),
    ):
        assert (outcome.ok, outcome.permanent) == (False, True)
        assert "PhoneNumberInBlacklist" in (outcome.error or "")
    assert world.tencent.requests == 2
    forged = world.senders(tencentcloud_secret_key="not-the-key")
    outcome = await forged.sms(phone_number="+8613800138009", template_id="2100001", params=[])
    assert outcome.permanent and "AuthFailure.SignatureFailure" in (outcome.error or "")
    assert world.tencent.sms_to("+8613800138009") == []
    await senders.close()
    await forged.close()


async def test_the_stand_in_refuses_unsigned_and_misversioned_calls(world: World) -> None:
    async with httpx.AsyncClient(base_url=world.tencent_url) as client:
        unsigned = await client.post(
            "/", json={}, headers={"X-TC-Action": "SendSms", "X-TC-Version": "2021-01-11"}
        )
        assert unsigned.json()["Response"]["Error"]["Code"] == "AuthFailure.InvalidAuthorization"
        wrong = await client.post(
            "/", json={}, headers={"X-TC-Action": "SendSms", "X-TC-Version": "2019-07-11"}
        )
        assert wrong.json()["Response"]["Error"]["Code"] == "NoSuchVersion"


async def test_an_http_4xx_is_permanent_and_not_retried(world: World) -> None:
    senders = world.senders(wechat_api_base=world.tencent_url + "/no-such-api")
    outcome = await senders.wechat(openid="o-1", template_id="t-1", data=DATA)
    assert (outcome.ok, outcome.permanent) == (False, True)
    assert (outcome.error or "").startswith("HTTP 404")
    await senders.close()


async def test_over_wechats_rate_limit_a_send_is_refused_and_a_paced_sender_keeps_under_it(
    world: World,
) -> None:
    world.wechat.rate_limit_per_second = 5
    unpaced = world.senders(provider_retries=0)
    outcomes = await asyncio.gather(
        *(unpaced.wechat(openid=f"o-{n}", template_id="t-1", data=DATA) for n in range(20))
    )
    refused = [o for o in outcomes if not o.ok]
    assert refused and all("45011" in (o.error or "") and not o.permanent for o in refused)
    await unpaced.close()

    await asyncio.sleep(1.2)  # the stand-in's second of allowance comes back
    world.wechat.rate_limited = 0
    paced = world.senders(provider_retries=0, wechat_rate_per_second=5)
    outcomes = await asyncio.gather(
        *(paced.wechat(openid=f"p-{n}", template_id="t-1", data=DATA) for n in range(10))
    )
    assert all(o.ok for o in outcomes)
    assert world.wechat.rate_limited == 0
    assert len({m.touser for m in world.wechat.messages if m.touser.startswith("p-")}) == 10
    await paced.close()
