"""intake-service's internal API, as the butler service uses it: keying in a document's fields
for one of a butler's users. intake checks the claim is that user's and the values themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from butler_service.scope import BUTLER_ROLE, Viewer
from butler_service.settings import Settings
from lipei.web import INTERNAL_TOKEN_HEADER, ROLES_HEADER, USER_HEADER


@dataclass(frozen=True)
class IntakeAnswer:
    status: int
    body: dict[str, Any]


class IntakeUnavailable(Exception):
    """intake did not answer, or failed: the keying may be tried again."""


class IntakeClient:
    def __init__(self, http: httpx.AsyncClient, *, internal_token: str) -> None:
        self._http = http
        self._token = internal_token

    @classmethod
    def from_settings(cls, settings: Settings) -> IntakeClient:
        http = httpx.AsyncClient(
            base_url=settings.intake_url, timeout=settings.intake_timeout_seconds
        )
        return cls(http, internal_token=settings.internal_token)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def key_fields(
        self,
        who: Viewer,
        person_id: str,
        *,
        user_id: str,
        claim_id: str,
        document_id: str,
        fields: dict[str, Any],
    ) -> IntakeAnswer:
        """intake's answer as it is (the document, or its problem); a 5xx or no answer raises."""
        headers = {
            INTERNAL_TOKEN_HEADER: self._token,
            USER_HEADER: person_id,
            ROLES_HEADER: "ops" if who.is_ops else BUTLER_ROLE,
        }
        path = f"/internal/v1/users/{user_id}/claims/{claim_id}/documents/{document_id}/fields"
        try:
            response = await self._http.put(path, json={"fields": fields}, headers=headers)
        except httpx.HTTPError as exc:
            raise IntakeUnavailable(type(exc).__name__) from exc
        if response.status_code >= 500:
            raise IntakeUnavailable(f"intake answered {response.status_code}")
        return IntakeAnswer(response.status_code, response.json())
