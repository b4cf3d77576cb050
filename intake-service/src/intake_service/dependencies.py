"""Typed FastAPI dependencies of intake's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from intake_service.container import Intake


# async: a sync dependency would cost every request a hop through the thread pool.
async def _intake(request: Request) -> Intake:
    intake: Intake = request.app.state.intake
    return intake


IntakeDep = Annotated[Intake, Depends(_intake)]
