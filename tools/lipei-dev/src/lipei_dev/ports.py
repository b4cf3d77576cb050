"""Where `make run` listens: every port follows one base, so platforms can run side by side.

`LIPEI_PORT_BASE` (default 8000) places the gateway at base, the services at base+1 … base+6,
the web console at base+7, the gateway's metrics at base+9 and the provider stand-ins at
base+10/+11; `LIPEI_BROKER_PORT` (default 9092) places the local broker.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_BASE = 8000
DEFAULT_BROKER_PORT = 9092

# Offsets from the base; the defaults are the ports the services' own settings assume.
SERVICE_OFFSETS = {
    "intake_service": 1,
    "ocr_service": 2,
    "tracking_service": 3,
    "notify_service": 4,
    "assessment_service": 5,
    "butler_service": 6,
}
GATEWAY_URL_SETTINGS = {  # the gateway's setting naming each service
    "intake_service": "INTAKE_URL",
    "ocr_service": "OCR_URL",
    "tracking_service": "TRACKING_URL",
    "notify_service": "NOTIFY_URL",
    "assessment_service": "ASSESSMENT_URL",
    "butler_service": "BUTLER_URL",
}


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a port number, not {raw!r}") from None
    if not 1024 <= value <= 65535 - 11:
        raise SystemExit(f"{name} must lie between 1024 and {65535 - 11}, not {value}")
    return value


@dataclass(frozen=True)
class Ports:
    base: int = DEFAULT_BASE
    broker: int = DEFAULT_BROKER_PORT

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Ports:
        env = os.environ if env is None else env
        return cls(
            base=_port(env, "LIPEI_PORT_BASE", DEFAULT_BASE),
            broker=_port(env, "LIPEI_BROKER_PORT", DEFAULT_BROKER_PORT),
        )

    @property
    def gateway(self) -> int:
        return self.base

    @property
    def console(self) -> int:
        return self.base + 7

    @property
    def gateway_metrics(self) -> int:
        return self.base + 9

    @property
    def wechat(self) -> int:
        return self.base + 10

    @property
    def tencentcloud(self) -> int:
        return self.base + 11

    @property
    def services(self) -> dict[str, int]:
        """Each service package and its port."""
        return {package: self.base + offset for package, offset in SERVICE_OFFSETS.items()}

    def url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}"

    @property
    def gateway_url(self) -> str:
        return self.url(self.gateway)

    def gateway_env(self) -> dict[str, str]:
        """The gateway's settings that name its port, its metrics port and each service."""
        env = {
            "PORT": str(self.gateway),
            "METRICS_PORT": str(self.gateway_metrics),
            "CONSOLE_URL": self.url(self.console),
        }
        for package, port in self.services.items():
            env[GATEWAY_URL_SETTINGS[package]] = self.url(port)
        return env

    def provider_env(self) -> dict[str, str]:
        """Where notify-service finds the stand-ins, and intake (its policyholder lookup)."""
        standin = self.url(self.tencentcloud)
        return {
            "WECHAT_API_BASE": self.url(self.wechat),
            "TENCENTCLOUD_SMS_URL": standin,
            "TENCENTCLOUD_VMS_URL": standin,
            "INTAKE_URL": self.url(self.services["intake_service"]),
        }
