"""What the HTTP routes and consumers share: settings, keys, storage, the guide, and row shapes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Query
from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_service.at_rest import claim_description, claim_payee
from intake_service.cards import mask_number
from intake_service.checklist import DocumentState
from intake_service.field_keys import FieldKeys
from intake_service.guide import ClaimType, Guide, load_guide
from intake_service.keyring import KeyRing
from intake_service.models import claims, documents, policies
from intake_service.paging import DEFAULT_LIMIT, MAX_LIMIT, BadCursor, decode_cursor
from intake_service.settings import Settings
from intake_service.signature import content_hash
from lipei.storage import ObjectStorage, open_storage
from lipei.web import Problem


@dataclass
class Intake:
    settings: Settings
    keys: KeyRing
    field_keys: FieldKeys
    storage: ObjectStorage
    guide: Guide

    async def materials(self, session: AsyncSession, claim: Row[Any]) -> ClaimType:
        """The claim type's materials as the claim's policy product asks for them."""
        policy = (
            await session.execute(
                select(policies.c.insurer_code, policies.c.product_name).where(
                    policies.c.policy_id == claim.policy_id
                )
            )
        ).first()
        found = self.guide.get(
            claim.claim_type,
            insurer_code=policy.insurer_code if policy else "",
            product_name=policy.product_name if policy else "",
        )
        if found is None:
            raise Problem(
                422, f"unknown claim type {claim.claim_type!r}", type="unknown-claim-type"
            )
        return found

    @classmethod
    def from_settings(cls, settings: Settings) -> Intake:
        return cls(
            settings=settings,
            keys=KeyRing.parse(settings.data_keys),
            field_keys=FieldKeys.parse(settings.fields_private_key),
            storage=open_storage(settings.storage_url),
            guide=load_guide(Path(settings.claim_guide_file))
            if settings.claim_guide_file
            else load_guide(),
        )


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int


def page_params(
    cursor: str | None = Query(default=None, max_length=200),
    limit: int = Query(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> Page:
    try:
        return Page(decode_cursor(cursor), limit)
    except BadCursor as exc:
        raise Problem(
            422,
            str(exc),
            type="validation-error",
            errors=[{"field": "cursor", "message": str(exc)}],
        ) from exc


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset (SQLite hands back naive UTC times)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


async def owned_claim(session: AsyncSession, claim_id: str, user_id: str) -> Row[Any]:
    row = (
        await session.execute(
            select(claims).where(claims.c.claim_id == claim_id, claims.c.user_id == user_id)
        )
    ).first()
    if row is None:
        raise Problem(404, "no such claim", type="claim-not-found")
    return row


async def claim_documents(session: AsyncSession, claim_id: str) -> list[Row[Any]]:
    result = await session.execute(
        select(documents)
        .where(documents.c.claim_id == claim_id)
        .order_by(documents.c.uploaded_at, documents.c.document_id)
    )
    return list(result.all())


def document_states(rows: list[Row[Any]]) -> list[DocumentState]:
    return [
        DocumentState(
            document_id=r.document_id,
            doc_type=r.doc_type,
            status=r.status,
            uploaded_at=r.uploaded_at,
            reasons=tuple(json.loads(r.reasons)),
        )
        for r in rows
    ]


def claim_form(intake: Intake, claim: Row[Any]) -> dict[str, Any]:
    """The form the policyholder signs (plaintext, so a re-encryption changes nothing)."""
    payee = claim_payee(intake.keys, claim)
    return {
        "policy_id": claim.policy_id,
        "claim_type": claim.claim_type,
        "incident_date": claim.incident_date.isoformat(),
        "description": claim_description(intake.keys, claim),
        "claimed_amount": money(claim.claimed_amount),
        "payee": (
            {"account_name": payee.account_name, "bank_card_number": payee.bank_card_number}
            if payee
            else None
        ),
    }


def current_content_hash(intake: Intake, claim: Row[Any], docs: list[Row[Any]]) -> str:
    accepted = [(d.document_id, d.sha256) for d in docs if d.status == "accepted"]
    return content_hash(claim_form(intake, claim), accepted)


def claim_out(intake: Intake, row: Row[Any]) -> dict[str, Any]:
    stored = claim_payee(intake.keys, row)
    payee = None
    if stored is not None:
        payee = {
            "account_name": stored.account_name,
            "bank_card_masked": mask_number(stored.bank_card_number),
        }
    return {
        "claim_id": row.claim_id,
        "policy_id": row.policy_id,
        "insurer_code": row.insurer_code,
        "claim_type": row.claim_type,
        "incident_date": row.incident_date.isoformat(),
        "description": claim_description(intake.keys, row),
        "claimed_amount": money(row.claimed_amount),
        "payee": payee,
        "status": row.status,
        "signed": row.signed_hash is not None,
        "signed_at": iso(row.signed_at),
        "submitted_at": iso(row.submitted_at),
        "created_at": iso(row.created_at),
    }


def document_out(row: Row[Any]) -> dict[str, Any]:
    return {
        "document_id": row.document_id,
        "doc_type": row.doc_type,
        "status": row.status,
        "reasons": json.loads(row.reasons),
        "fields": json.loads(row.masked_fields),
        "content_type": row.content_type,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
        "uploaded_at": iso(row.uploaded_at),
    }
