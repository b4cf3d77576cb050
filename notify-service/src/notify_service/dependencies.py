"""What notify's routes are handed: its own settings and the service runtime."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lipei.app import RuntimeDep
from notify_service.settings import Settings

__all__ = ["RuntimeDep", "SettingsDep"]


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]
