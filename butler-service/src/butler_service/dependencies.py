"""Typed dependencies of butler-service's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from butler_service.context import Context
from butler_service.scope import Viewer, viewer
from lipei.web import CallerDep


async def _context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


async def _viewer(caller: CallerDep) -> Viewer:
    return viewer(caller)


ContextDep = Annotated[Context, Depends(_context)]
ViewerDep = Annotated[Viewer, Depends(_viewer)]
