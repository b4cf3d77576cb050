"""Typed dependencies of tracking-service's routes: its settings, the tracker and the butler
queue's rules."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from tracking_service.domain.attention import AttentionRules
from tracking_service.handlers import Tracker
from tracking_service.settings import Settings


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _tracker(request: Request) -> Tracker:
    tracker: Tracker = request.app.state.tracker
    return tracker


SettingsDep = Annotated[Settings, Depends(_settings)]
TrackerDep = Annotated[Tracker, Depends(_tracker)]


async def _attention_rules(settings: SettingsDep) -> AttentionRules:
    return AttentionRules(
        large_amount=settings.attention_large_amount,
        serious_claim_types=frozenset(settings.attention_claim_types),
        due_soon=timedelta(hours=settings.attention_due_soon_hours),
    )


AttentionRulesDep = Annotated[AttentionRules, Depends(_attention_rules)]
