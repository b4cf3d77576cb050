"""Who may see whose conversation: a butler only their own users (another butler's user, or
an unknown one, is a 404), ops every user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from butler_service import store
from butler_service.domain.errors import Forbidden, NotFound
from lipei.web import Caller, require_user

BUTLER_ROLE = "butler"


@dataclass(frozen=True)
class Viewer:
    """A butler (their id) or ops (no id: sees all)."""

    butler_id: str | None

    @property
    def is_ops(self) -> bool:
        return self.butler_id is None

    def may_see(self, butler_id: str | None) -> bool:
        return self.is_ops or butler_id == self.butler_id


def viewer(caller: Caller) -> Viewer:
    if BUTLER_ROLE in caller.roles and caller.user_id:
        return Viewer(butler_id=caller.user_id)
    if caller.is_ops:
        return Viewer(butler_id=None)
    raise Forbidden("this needs the butler or the ops role")


def policyholder(caller: Caller) -> str:
    """The signed-in policyholder; a butler has no butler of their own."""
    user_id = require_user(caller)
    if BUTLER_ROLE in caller.roles:
        raise Forbidden("butlers write through the butler API")
    return user_id


async def visible_user(session: AsyncSession, who: Viewer, user_id: str) -> Row[Any]:
    """The user's conversation row, if `who` may see it."""
    found = await store.conversation(session, user_id)
    if found is None or not who.may_see(found.butler_id):
        raise NotFound("user")
    return found
