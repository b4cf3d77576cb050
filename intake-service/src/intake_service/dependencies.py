"""Typed FastAPI dependencies of intake's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from intake_service.container import Intake


def _intake(request: Request) -> Intake:
    intake: Intake = request.app.state.intake
    return intake


IntakeDep = Annotated[Intake, Depends(_intake)]
