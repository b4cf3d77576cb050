"""A local WeChat server: mini-program login, access tokens and subscription messages.

It follows WeChat's documented request and response shapes, so the real adapters talk to it
unchanged. Test behaviour is chosen by the login code's prefix (`invalid-`, `ratelimit-`,
`risky-`) and by the methods on `WeChatStandIn` (consents, outages, token expiry).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

# jscode2session answers chosen by the code's prefix.
CODE_ERRORS: dict[str, tuple[int, str]] = {
    "invalid-": (40029, "invalid code"),
    "ratelimit-": (45011, "api minute-quota reach limit mustslower retry next minute"),
    "risky-": (40226, "high risk user"),
}

_CHINESE = re.compile(r"^[\u4e00-\u9fff]+$")
_AMOUNT = re.compile(r"^[¥￥]?\d+(\.\d{1,2})?元?$")
_TIME = re.compile(r"^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?(\s+\d{1,2}:\d{2}(:\d{2})?)?$")
_DATE = re.compile(r"^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?$")
_CHARACTER_STRING = re.compile(r"^[A-Za-z0-9_\-.:]+$")


def value_error(key: str, value: str) -> str | None:
    """Why a template value breaks WeChat's rule for its key's kind (`thing3` → thing), or None."""
    kind = re.sub(r"\d+$", "", key)
    if kind == "thing":
        return None if 0 < len(value) <= 20 else "thing must be 1-20 characters"
    if kind == "phrase":
        return None if _CHINESE.match(value) and len(value) <= 5 else "phrase: up to 5 Chinese"
    if kind == "amount":
        return None if _AMOUNT.match(value) else "amount must be a number with up to 2 decimals"
    if kind == "time":
        return None if _TIME.match(value) else "time must be a date with an optional time"
    if kind == "date":
        return None if _DATE.match(value) else "date must be a date"
    if kind == "character_string":
        ok = _CHARACTER_STRING.match(value) and len(value) <= 32
        return None if ok else "character_string: up to 32 letters, digits or symbols"
    if kind in ("number", "letter", "symbol", "name", "phone_number", "car_number"):
        return None if 0 < len(value) <= 32 else f"{kind} must be 1-32 characters"
    return f"unknown value kind {kind!r}"


@dataclass
class SentMessage:
    touser: str
    template_id: str
    page: str | None
    data: dict[str, str]
    at: float


@dataclass
class WeChatStandIn:
    """State of the stand-in; `app` is its ASGI application."""

    appid: str = "wx-standin-app"
    secret: str = "standin-secret"
    # False: every user accepts every template without limit; True: consents are counted down.
    limited_consents: bool = False
    messages: list[SentMessage] = field(default_factory=list)
    _consents: dict[tuple[str, str], int] = field(default_factory=dict)
    _tokens: dict[str, float] = field(default_factory=dict)
    _outage_until: float = 0.0
    login_calls: int = 0
    # Subscription messages accepted per second (0: no limit); beyond it WeChat's frequency
    # error 45011, as the real API answers an application over its quota.
    rate_limit_per_second: float = 0.0
    rate_limited: int = 0
    _bucket: float = 0.0
    _bucket_at: float = 0.0
    app: FastAPI = field(init=False)

    def __post_init__(self) -> None:
        self.app = _build_app(self)

    # --- knobs for tests -----------------------------------------------------------------
    def openid_for(self, code: str) -> str:
        """The openid a login code stands for: stable per code, different per app."""
        digest = hashlib.sha256(f"{self.appid}:{code}".encode()).hexdigest()
        return "o" + digest[:27]

    def grant_consent(self, openid: str, template_id: str, count: int = 1) -> None:
        """The user tapped "allow" `count` times for this template (one message each)."""
        self.limited_consents = True
        key = (openid, template_id)
        self._consents[key] = self._consents.get(key, 0) + count

    def consents_left(self, openid: str, template_id: str) -> int:
        return self._consents.get((openid, template_id), 0)

    def outage(self, seconds: float) -> None:
        """Answer 503 to everything for `seconds`."""
        self._outage_until = time.monotonic() + seconds

    def expire_tokens(self) -> None:
        self._tokens.clear()

    def messages_to(self, openid: str) -> list[SentMessage]:
        return [m for m in self.messages if m.touser == openid]

    def in_outage(self) -> bool:
        return time.monotonic() < self._outage_until

    def _over_rate(self) -> bool:
        """A token bucket holding one second's worth of sends."""
        if self.rate_limit_per_second <= 0:
            return False
        now = time.monotonic()
        rate = self.rate_limit_per_second
        self._bucket = min(rate, self._bucket + (now - self._bucket_at) * rate)
        self._bucket_at = now
        if self._bucket < 1:
            self.rate_limited += 1
            return True
        self._bucket -= 1
        return False

    def stats(self, template_id: str | None = None) -> dict[str, Any]:
        """Counts for a load run: messages, distinct recipients, the most any one got."""
        chosen = [m for m in self.messages if template_id is None or m.template_id == template_id]
        per_user: dict[str, int] = {}
        for message in chosen:
            per_user[message.touser] = per_user.get(message.touser, 0) + 1
        return {
            "messages": len(chosen),
            "recipients": len(per_user),
            "most_to_one": max(per_user.values(), default=0),
            "first_at": min((m.at for m in chosen), default=None),
            "last_at": max((m.at for m in chosen), default=None),
            "rate_limited": self.rate_limited,
        }

    # --- behaviour -------------------------------------------------------------------------
    def session(self, appid: str, secret: str, code: str, grant_type: str) -> dict[str, Any]:
        self.login_calls += 1
        if appid != self.appid or secret != self.secret:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if grant_type != "authorization_code":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        if not code:
            return {"errcode": 41008, "errmsg": "missing code"}
        for prefix, (errcode, errmsg) in CODE_ERRORS.items():
            if code.startswith(prefix):
                return {"errcode": errcode, "errmsg": errmsg}
        return {
            "openid": self.openid_for(code),
            "session_key": secrets.token_urlsafe(16),
            "unionid": "u" + self.openid_for(code)[1:],
        }

    def token(self, grant_type: str, appid: str, secret: str) -> dict[str, Any]:
        if grant_type != "client_credential":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        if appid != self.appid or secret != self.secret:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        token = secrets.token_urlsafe(24)
        self._tokens[token] = time.monotonic() + 7200
        return {"access_token": token, "expires_in": 7200}

    def send(self, access_token: str, body: Any) -> dict[str, Any]:
        expiry = self._tokens.get(access_token)
        if expiry is None or expiry < time.monotonic():
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        if not isinstance(body, dict):
            return {"errcode": 47001, "errmsg": "data format error"}
        touser, template_id = body.get("touser"), body.get("template_id")
        data = body.get("data")
        if not isinstance(touser, str) or not touser:
            return {"errcode": 40003, "errmsg": "invalid openid"}
        if not isinstance(template_id, str) or not template_id:
            return {"errcode": 40037, "errmsg": "invalid template_id"}
        if not isinstance(data, dict):
            return {"errcode": 47001, "errmsg": "data format error"}
        if self._over_rate():
            return {"errcode": 45011, "errmsg": CODE_ERRORS["ratelimit-"][1]}
        values: dict[str, str] = {}
        for key, item in data.items():
            value = item.get("value") if isinstance(item, dict) else None
            if not isinstance(value, str):
                return {"errcode": 47003, "errmsg": f"argument invalid! data.{key}.value empty"}
            problem = value_error(str(key), value)
            if problem:
                errmsg = f"argument invalid! data.{key}.value: {problem}"
                return {"errcode": 47003, "errmsg": errmsg}
            values[str(key)] = value
        if self.limited_consents:
            left = self._consents.get((touser, template_id), 0)
            if left <= 0:
                return {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
            self._consents[(touser, template_id)] = left - 1
        page = body.get("page")
        self.messages.append(
            SentMessage(
                touser=touser,
                template_id=template_id,
                page=page if isinstance(page, str) else None,
                data=values,
                at=time.time(),
            )
        )
        return {"errcode": 0, "errmsg": "ok", "msgid": len(self.messages)}


def _build_app(state: WeChatStandIn) -> FastAPI:
    app = FastAPI(title="WeChat stand-in", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def outage(request: Request, call_next: Any) -> Any:
        if state.in_outage() and not request.url.path.startswith("/_standin/"):
            return JSONResponse({"errcode": -1, "errmsg": "system busy"}, status_code=503)
        return await call_next(request)

    @app.get("/sns/jscode2session")
    async def jscode2session(
        appid: str = "", secret: str = "", js_code: str = "", grant_type: str = ""
    ) -> dict[str, Any]:
        return state.session(appid, secret, js_code, grant_type)

    @app.get("/cgi-bin/token")
    async def token(grant_type: str = "", appid: str = "", secret: str = "") -> dict[str, Any]:
        return state.token(grant_type, appid, secret)

    @app.post("/cgi-bin/message/subscribe/send")
    async def send(request: Request, access_token: str = "") -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            return {"errcode": 47001, "errmsg": "data format error"}
        return state.send(access_token, body)

    @app.get("/_standin/stats")
    async def stats(template_id: str | None = None) -> dict[str, Any]:
        return state.stats(template_id)

    @app.get("/_standin/messages")
    async def messages(touser: str | None = None) -> dict[str, Any]:
        return {
            "items": [
                {
                    "touser": m.touser,
                    "template_id": m.template_id,
                    "page": m.page,
                    "data": m.data,
                    "at": m.at,
                }
                for m in state.messages
                if touser is None or m.touser == touser
            ]
        }

    @app.post("/_standin/outage")
    async def start_outage(request: Request) -> dict[str, Any]:
        body = await request.json()
        state.outage(float(body.get("seconds", 0)))
        return {"ok": True}

    @app.post("/_standin/consents")
    async def consents(request: Request) -> dict[str, Any]:
        body = await request.json()
        count = int(body.get("count", 1))
        state.grant_consent(str(body["openid"]), str(body["template_id"]), count)
        return {"ok": True}

    return app


def create_app(appid: str = "wx-standin-app", secret: str = "standin-secret") -> FastAPI:
    """ASGI factory (e.g. `uvicorn --factory lipei_dev.standins.wechat:create_app`)."""
    return WeChatStandIn(appid=appid, secret=secret).app
