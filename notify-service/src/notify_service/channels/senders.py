"""The three channels built from settings, each call wrapped in the shared retry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from notify_service.channels.base import Outcome, with_retries
from notify_service.channels.tencentcloud import SmsSender, TencentCloudClient, VoiceSender
from notify_service.channels.wechat import WeChatSender
from notify_service.pacing import Pacer
from notify_service.settings import Settings


class Senders:
    def __init__(self, settings: Settings) -> None:
        timeout = httpx.Timeout(settings.provider_timeout_seconds)
        self._clients = [
            httpx.AsyncClient(base_url=settings.wechat_api_base, timeout=timeout),
            httpx.AsyncClient(base_url=settings.tencentcloud_sms_url, timeout=timeout),
            httpx.AsyncClient(base_url=settings.tencentcloud_vms_url, timeout=timeout),
        ]
        wechat_client, sms_client, vms_client = self._clients
        self._pacers = {
            "wechat": Pacer(settings.wechat_rate_per_second),
            "sms": Pacer(settings.sms_rate_per_second),
            "voice": Pacer(settings.voice_rate_per_second),
        }
        self._retries = settings.provider_retries
        self._backoff = settings.provider_backoff_seconds
        self._wechat = WeChatSender(
            wechat_client,
            appid=settings.wechat_appid,
            secret=settings.wechat_secret,
            page=settings.wechat_page,
        )
        credentials = {
            "secret_id": settings.tencentcloud_secret_id,
            "secret_key": settings.tencentcloud_secret_key,
            "region": settings.tencentcloud_region,
        }
        self._sms = SmsSender(
            TencentCloudClient(sms_client, service="sms", version="2021-01-11", **credentials),
            sdk_app_id=settings.sms_sdk_app_id,
            sign_name=settings.sms_sign_name,
        )
        self._voice = VoiceSender(
            TencentCloudClient(vms_client, service="vms", version="2020-09-02", **credentials),
            sdk_app_id=settings.voice_sdk_app_id,
            play_times=settings.voice_play_times,
        )

    async def wechat(
        self, *, openid: str, template_id: str, data: dict[str, dict[str, str]]
    ) -> Outcome:
        return await self._paced(
            "wechat",
            lambda: self._wechat.send(openid=openid, template_id=template_id, data=data),
        )

    async def sms(self, *, phone_number: str, template_id: str, params: list[str]) -> Outcome:
        return await self._paced(
            "sms",
            lambda: self._sms.send(
                phone_number=phone_number, template_id=template_id, params=params
            ),
        )

    async def voice(self, *, phone_number: str, template_id: str, params: list[str]) -> Outcome:
        return await self._paced(
            "voice",
            lambda: self._voice.send(
                phone_number=phone_number, template_id=template_id, params=params
            ),
        )

    async def _paced(self, channel: str, call: Callable[[], Awaitable[Outcome]]) -> Outcome:
        """The call with the shared retries, each attempt in its turn under the channel's pace."""
        pacer = self._pacers[channel]

        async def attempt() -> Outcome:
            await pacer.wait()
            return await call()

        return await with_retries(attempt, retries=self._retries, backoff_seconds=self._backoff)

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()
