"""Tencent Cloud SMS (`SendSms`, 2021-01-11) and voice notification (`SendTtsVoice`,
2020-09-02): signed JSON POSTs answering `Response.SendStatusSet` / `Response.Error`."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from notify_service.channels.base import SENT, Outcome, http_outcome, permanent, transient
from notify_service.channels.tc3 import CONTENT_TYPE, authorization

# Error-code families worth another try; everything else (bad number, template, signature,
# blacklist, daily limit for the number) is permanent for this message.
_TRANSIENT_PREFIXES = ("InternalError", "RequestLimitExceeded", "FailedOperation.ServiceBusy")


def _classify(code: str, message: str) -> Outcome:
    error = f"{code}: {message}"
    return transient(error) if code.startswith(_TRANSIENT_PREFIXES) else permanent(error)


class TencentCloudClient:
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        secret_id: str,
        secret_key: str,
        region: str,
        service: str,
        version: str,
    ) -> None:
        self._client = client
        self._secret_id = secret_id
        self._secret_key = secret_key
        self._region = region
        self._service = service
        self._version = version

    async def call(self, action: str, params: dict[str, Any]) -> tuple[Outcome, dict[str, Any]]:
        payload = json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode()
        host = self._client.base_url.netloc.decode()
        timestamp = int(time.time())  # the wall clock: Tencent Cloud refuses skewed signatures
        headers = {
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": action,
            "X-TC-Version": self._version,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self._region,
            "Authorization": authorization(
                secret_id=self._secret_id,
                secret_key=self._secret_key,
                service=self._service,
                host=host,
                payload=payload,
                timestamp=timestamp,
            ),
        }
        response = await self._client.post("/", content=payload, headers=headers)
        failed = http_outcome(response)
        if failed is not None:
            return failed, {}
        body: dict[str, Any] = response.json().get("Response", {})
        error = body.get("Error")
        if isinstance(error, dict):
            return _classify(str(error.get("Code")), str(error.get("Message"))), body
        return SENT, body


class SmsSender:
    def __init__(self, api: TencentCloudClient, *, sdk_app_id: str, sign_name: str) -> None:
        self._api = api
        self._sdk_app_id = sdk_app_id
        self._sign_name = sign_name

    async def send(self, *, phone_number: str, template_id: str, params: list[str]) -> Outcome:
        outcome, body = await self._api.call(
            "SendSms",
            {
                "SmsSdkAppId": self._sdk_app_id,
                "SignName": self._sign_name,
                "TemplateId": template_id,
                "TemplateParamSet": params,
                "PhoneNumberSet": [phone_number],
            },
        )
        if not outcome.ok:
            return outcome
        statuses = body.get("SendStatusSet") or []
        if not statuses:
            return transient("SendSms answered without a status")
        status = statuses[0]
        if status.get("Code") == "Ok":
            return SENT
        return _classify(str(status.get("Code")), str(status.get("Message")))


class VoiceSender:
    def __init__(self, api: TencentCloudClient, *, sdk_app_id: str, play_times: int) -> None:
        self._api = api
        self._sdk_app_id = sdk_app_id
        self._play_times = play_times

    async def send(self, *, phone_number: str, template_id: str, params: list[str]) -> Outcome:
        outcome, body = await self._api.call(
            "SendTtsVoice",
            {
                "TemplateId": template_id,
                "TemplateParamSet": params,
                "CalledNumber": phone_number,
                "VoiceSdkAppid": self._sdk_app_id,
                "PlayTimes": self._play_times,
            },
        )
        if outcome.ok and not (body.get("SendStatus") or {}).get("CallId"):
            return transient("SendTtsVoice answered without a CallId")
        return outcome
