"""intake-service's internal API, as notify uses it: who holds a policy in a region."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from lipei.web import INTERNAL_TOKEN_HEADER
from notify_service.settings import Settings

# intake's largest page.
PAGE_SIZE = 100


class IntakeRefused(Exception):
    """intake answered 4xx: asking again will not help."""


@dataclass(frozen=True)
class PolicyholderPage:
    user_ids: list[str]
    next_cursor: str | None


class IntakeClient:
    """Calls intake with the internal token; 5xx and network errors raise `httpx.HTTPError`
    (worth retrying), 4xx raises `IntakeRefused`."""

    def __init__(self, http: httpx.AsyncClient, *, internal_token: str) -> None:
        self._http = http
        self._headers = {INTERNAL_TOKEN_HEADER: internal_token}

    @classmethod
    def from_settings(cls, settings: Settings) -> IntakeClient:
        http = httpx.AsyncClient(
            base_url=settings.intake_url, timeout=settings.provider_timeout_seconds
        )
        return cls(http, internal_token=settings.internal_token)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def policyholder_page(
        self, region_code: str, cursor: str | None, limit: int = PAGE_SIZE
    ) -> PolicyholderPage:
        """One page (up to `limit`) of the users whose policies cover `region_code` today."""
        params = {
            "region_code": region_code,
            "limit": str(min(limit, PAGE_SIZE)),
            **({"cursor": cursor} if cursor else {}),
        }
        response = await self._http.get(
            "/internal/v1/policyholders", params=params, headers=self._headers
        )
        if 400 <= response.status_code < 500:
            raise IntakeRefused(f"intake refused region {region_code}: {response.status_code}")
        response.raise_for_status()
        page = response.json()
        return PolicyholderPage(
            user_ids=[str(item["user_id"]) for item in page.get("items", [])],
            next_cursor=page.get("next_cursor") or None,
        )
