"""A local Tencent Cloud server for SMS (`SendSms`, 2021-01-11) and voice notifications
(`SendTtsVoice`, 2020-09-02), speaking API 3.0: a signed JSON POST to `/`, answered with
`{"Response": {...}}`. It verifies the TC3-HMAC-SHA256 signature, records what it delivers,
and can be told to be down (503) for a while or to refuse a number for good."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import random
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

# Action → (API version, signing service name).
ACTIONS = {"SendSms": ("2021-01-11", "sms"), "SendTtsVoice": ("2020-09-02", "vms")}
_AUTH = re.compile(
    r"^TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>\w+)"
    r"/tc3_request, SignedHeaders=(?P<headers>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})$"
)
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MAX_SKEW_SECONDS = 300


@dataclass
class Delivered:
    action: str
    phone_number: str
    template_id: str
    params: list[str]
    at: float
    # The request body as sent, for tests of its shape.
    request: dict[str, Any] = field(default_factory=dict)


def _sign(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def expected_signature(secret_key: str, *, date: str, service: str, string_to_sign: str) -> str:
    key = _sign(_sign(_sign(("TC3" + secret_key).encode(), date), service), "tc3_request")
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


@dataclass
class TencentCloudStandIn:
    """State of the stand-in; `app` is its ASGI application."""

    secret_id: str = "standin-secret-id"
    secret_key: str = "standin-secret-key"
    delivered: list[Delivered] = field(default_factory=list)
    requests: int = 0
    _outage_until: float = 0.0
    # Seconds every answer is held back (a slow provider, for client timeouts).
    delay_seconds: float = 0.0
    # Seconds the answer is held back after the message went out (the provider acted; its
    # answer came too late for the caller).
    late_answer_seconds: float = 0.0
    # A flaky provider: this share of calls answers 503 (nothing sent), and this share sends
    # and then answers only after `flaky_hold_seconds`.
    fail_rate: float = 0.0
    timeout_rate: float = 0.0
    flaky_hold_seconds: float = 10.0
    failed_calls: int = 0
    late_calls: int = 0
    _refused: dict[str, str] = field(default_factory=dict)
    app: FastAPI = field(init=False)

    def __post_init__(self) -> None:
        self.app = _build_app(self)

    # --- knobs for tests -----------------------------------------------------------------
    def outage(self, seconds: float) -> None:
        """Answer 503 to every call for `seconds`."""
        self._outage_until = time.monotonic() + seconds

    def recover(self) -> None:
        self._outage_until = 0.0

    def flaky(self, *, fail_rate: float, timeout_rate: float, hold_seconds: float) -> None:
        """Fail (503) and answer late (after sending) shares of the calls from now on."""
        self.fail_rate, self.timeout_rate = fail_rate, timeout_rate
        self.flaky_hold_seconds = hold_seconds

    def draw(self) -> tuple[bool, float]:
        """For one call: whether it fails, and how long its answer is held after sending."""
        luck = random.random()
        if luck < self.fail_rate:
            self.failed_calls += 1
            return True, 0.0
        if luck < self.fail_rate + self.timeout_rate:
            self.late_calls += 1
            return False, self.flaky_hold_seconds
        return False, self.late_answer_seconds

    def in_outage(self) -> bool:
        return time.monotonic() < self._outage_until

    def refuse(
        self, phone_number: str, code: str = "FailedOperation.PhoneNumberInBlacklist"
    ) -> None:
        """Every message to `phone_number` fails with the permanent error `code`."""
        self._refused[phone_number] = code

    def sms_to(self, phone_number: str) -> list[Delivered]:
        return [
            d for d in self.delivered if d.action == "SendSms" and d.phone_number == phone_number
        ]

    def calls_to(self, phone_number: str) -> list[Delivered]:
        return [
            d
            for d in self.delivered
            if d.action == "SendTtsVoice" and d.phone_number == phone_number
        ]

    # --- behaviour -------------------------------------------------------------------------
    def authenticate(self, headers: dict[str, str], payload: bytes, action: str) -> str | None:
        """None when the request is signed by our key, else the API error code."""
        match = _AUTH.match(headers.get("authorization", ""))
        if match is None:
            return "AuthFailure.InvalidAuthorization"
        if match["id"] != self.secret_id:
            return "AuthFailure.SecretIdNotFound"
        try:
            timestamp = int(headers.get("x-tc-timestamp", ""))
        except ValueError:
            return "AuthFailure.InvalidAuthorization"
        if abs(time.time() - timestamp) > MAX_SKEW_SECONDS:
            return "AuthFailure.SignatureExpire"
        if datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d") != match["date"]:
            return "AuthFailure.SignatureFailure"
        if match["service"] != ACTIONS[action][1]:
            return "AuthFailure.SignatureFailure"
        signed = match["headers"].split(";")
        # Names and values lower-cased and trimmed, as API 3.0 specifies.
        canonical_headers = "".join(
            f"{name}:{headers.get(name, '').strip().lower()}\n" for name in signed
        )
        canonical_request = "\n".join(
            [
                "POST",
                "/",
                "",
                canonical_headers,
                match["headers"],
                hashlib.sha256(payload).hexdigest(),
            ]
        )
        scope = f"{match['date']}/{match['service']}/tc3_request"
        string_to_sign = "\n".join(
            [
                "TC3-HMAC-SHA256",
                str(timestamp),
                scope,
                hashlib.sha256(canonical_request.encode()).hexdigest(),
            ]
        )
        expected = expected_signature(
            self.secret_key,
            date=match["date"],
            service=match["service"],
            string_to_sign=string_to_sign,
        )
        return (
            None if hmac.compare_digest(expected, match["sig"]) else "AuthFailure.SignatureFailure"
        )

    def send_sms(self, body: dict[str, Any]) -> dict[str, Any]:
        # SignName is required for messages to mainland numbers, the only ones sent here.
        for name in ("SmsSdkAppId", "SignName", "TemplateId", "PhoneNumberSet"):
            if not body.get(name):
                return _error("MissingParameter", f"missing {name}")
        numbers, params = body["PhoneNumberSet"], body.get("TemplateParamSet") or []
        if not isinstance(numbers, list) or not isinstance(params, list):
            return _error("InvalidParameter", "PhoneNumberSet and TemplateParamSet are arrays")
        if not all(isinstance(p, str) for p in params):
            return _error("InvalidParameterValue.TemplateParameterFormatError", "strings only")
        statuses = []
        for number in numbers:
            code = self._verdict(str(number))
            if code == "Ok":
                self._record("SendSms", str(number), str(body["TemplateId"]), params, body)
            statuses.append(
                {
                    "SerialNo": secrets.token_hex(8),
                    "PhoneNumber": number,
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": "",
                    "Code": code,
                    "Message": "send success" if code == "Ok" else code,
                    "IsoCode": "CN",
                }
            )
        return {"SendStatusSet": statuses}

    def send_tts_voice(self, body: dict[str, Any]) -> dict[str, Any]:
        for name in ("TemplateId", "CalledNumber", "VoiceSdkAppid"):
            if not body.get(name):
                return _error("MissingParameter", f"missing {name}")
        number, params = str(body["CalledNumber"]), body.get("TemplateParamSet") or []
        play_times = body.get("PlayTimes", 2)
        if not isinstance(play_times, int) or not 1 <= play_times <= 3:
            return _error("InvalidParameterValue", "PlayTimes is 1, 2 or 3")
        code = self._verdict(number)
        if code != "Ok":
            return _error(code, f"cannot call {number}")
        self._record("SendTtsVoice", number, str(body["TemplateId"]), params, body)
        return {"SendStatus": {"CallId": secrets.token_hex(12), "SessionContext": ""}}

    def _verdict(self, number: str) -> str:
        if not _E164.match(number):
            return "InvalidParameterValue.IncorrectPhoneNumber"
        return self._refused.get(number, "Ok")

    def _record(
        self,
        action: str,
        number: str,
        template_id: str,
        params: list[Any],
        request: dict[str, Any],
    ) -> None:
        self.delivered.append(
            Delivered(action, number, template_id, [str(p) for p in params], time.time(), request)
        )


def _error(code: str, message: str) -> dict[str, Any]:
    return {"Error": {"Code": code, "Message": message}}


def _build_app(state: TencentCloudStandIn) -> FastAPI:
    app = FastAPI(title="Tencent Cloud stand-in", docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/")
    async def api(request: Request) -> JSONResponse:
        state.requests += 1
        if state.delay_seconds:
            await asyncio.sleep(state.delay_seconds)
        fails, hold = state.draw()
        if state.in_outage() or fails:
            return JSONResponse({"message": "service unavailable"}, status_code=503)
        request_id = secrets.token_hex(16)
        headers = {k.lower(): v for k, v in request.headers.items()}
        action = headers.get("x-tc-action", "")
        payload = await request.body()
        if action not in ACTIONS:
            result = _error("InvalidAction", f"unknown action {action!r}")
        elif headers.get("x-tc-version") != ACTIONS[action][0]:
            result = _error("NoSuchVersion", f"{action} is version {ACTIONS[action][0]}")
        elif (auth_error := state.authenticate(headers, payload, action)) is not None:
            result = _error(auth_error, "the request signature does not match")
        else:
            try:
                body = await request.json()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                result = _error("InvalidParameter", "the body must be a JSON object")
            elif action == "SendSms":
                result = state.send_sms(body)
            else:
                result = state.send_tts_voice(body)
        if hold:
            await asyncio.sleep(hold)
        return JSONResponse({"Response": {**result, "RequestId": request_id}})

    @app.get("/_standin/messages")
    async def messages() -> dict[str, Any]:
        return {
            "items": [
                {
                    "action": d.action,
                    "phone_number": d.phone_number,
                    "template_id": d.template_id,
                    "params": d.params,
                    "at": d.at,
                }
                for d in state.delivered
            ]
        }

    @app.post("/_standin/outage")
    async def start_outage(request: Request) -> dict[str, Any]:
        body = await request.json()
        state.outage(float(body.get("seconds", 0)))
        return {"ok": True}

    @app.post("/_standin/faults")
    async def faults(request: Request) -> dict[str, Any]:
        body = await request.json()
        state.flaky(
            fail_rate=float(body.get("fail_rate", 0)),
            timeout_rate=float(body.get("timeout_rate", 0)),
            hold_seconds=float(body.get("hold_seconds", 10)),
        )
        return {"ok": True}

    @app.get("/_standin/faults")
    async def fault_counts() -> dict[str, Any]:
        return {
            "requests": state.requests,
            "failed": state.failed_calls,
            "late": state.late_calls,
        }

    @app.post("/_standin/refuse")
    async def refuse(request: Request) -> dict[str, Any]:
        body = await request.json()
        state.refuse(
            str(body["phone_number"]),
            str(body.get("code", "FailedOperation.PhoneNumberInBlacklist")),
        )
        return {"ok": True}

    return app


def create_app(
    secret_id: str = "standin-secret-id", secret_key: str = "standin-secret-key"
) -> FastAPI:
    """ASGI factory (e.g. `uvicorn --factory lipei_dev.standins.tencentcloud:create_app`)."""
    return TencentCloudStandIn(secret_id=secret_id, secret_key=secret_key).app
