"""Assembling a claim's package for its insurer from what intake stores."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_service.at_rest import claim_description, claim_payee, insured_id_number, insured_name
from intake_service.context import Intake, money
from intake_service.links import document_path
from intake_service.models import insurers, policies
from intake_service.package import PackageDocument, build_package
from lipei.events import ClaimPackage
from lipei.web import Problem

log = logging.getLogger(__name__)


async def ready_insurer(session: AsyncSession, insurer_code: str) -> Row[Any]:
    """The claim's insurer, if it can receive packages (registered with a public key)."""
    row = (
        await session.execute(select(insurers).where(insurers.c.insurer_code == insurer_code))
    ).first()
    if row is None or not row.public_key:
        raise Problem(
            409,
            f"insurer {insurer_code} is not ready to receive claims yet (no encryption key is "
            "registered); please try again later",
            type="insurer-not-ready",
        )
    return row


def _ocr_fields(intake: Intake, doc: Row[Any]) -> dict[str, Any]:
    if not doc.sealed_fields:
        return {}
    try:
        fields = intake.field_keys.open(doc.sealed_fields)
    except Exception:
        # Sealed to a key no longer in the ring: the insurer still gets the document itself
        # through its link.
        log.warning("cannot open the sealed fields of document %s", doc.document_id)
        return {}
    return fields if isinstance(fields, dict) else {}


async def claim_package(
    session: AsyncSession,
    intake: Intake,
    claim: Row[Any],
    docs: list[Row[Any]],
    *,
    now: datetime,
) -> ClaimPackage:
    insurer = await ready_insurer(session, claim.insurer_code)
    policy = (
        await session.execute(select(policies).where(policies.c.policy_id == claim.policy_id))
    ).one()
    expires = int(now.timestamp()) + intake.settings.document_link_ttl_seconds

    def make_link(document_id: str) -> tuple[str, int]:
        path = document_path(
            intake.settings.document_link_secret,
            claim.insurer_code,
            claim.claim_id,
            document_id,
            expires,
        )
        return path, expires

    stored_payee = claim_payee(intake.keys, claim)
    payee = None
    if stored_payee is not None:
        payee = {
            "account_name": stored_payee.account_name,
            "bank_card_number": stored_payee.bank_card_number,
        }
    return build_package(
        claim={
            "claim_id": claim.claim_id,
            "insurer_code": claim.insurer_code,
            "claim_type": claim.claim_type,
            "incident_date": claim.incident_date.isoformat(),
            "description": claim_description(intake.keys, claim),
            "claimed_amount": money(claim.claimed_amount),
        },
        policy={
            "policy_id": policy.policy_id,
            "product_name": policy.product_name,
            "region_code": policy.region_code,
            "coverage": json.loads(policy.coverage),
            "valid_from": policy.valid_from.isoformat(),
            "valid_to": policy.valid_to.isoformat(),
            "sum_insured": money(policy.sum_insured),
            "deductible": money(policy.deductible),
            "reimbursement_ratio": (
                str(policy.reimbursement_ratio) if policy.reimbursement_ratio is not None else None
            ),
            "insured_name": insured_name(intake.keys, policy),
            "insured_id_number": insured_id_number(intake.keys, policy),
        },
        payee=payee,
        documents=[
            PackageDocument(
                document_id=d.document_id,
                doc_type=d.doc_type,
                sha256=d.sha256,
                content_type=d.content_type,
                size_bytes=d.size_bytes,
                masked_fields=json.loads(d.masked_fields),
                fields=_ocr_fields(intake, d),
            )
            for d in docs
            if d.status == "accepted"
        ],
        insurer_public_key=insurer.public_key,
        make_link=make_link,
        submitted_at=claim.submitted_at or now,
    )
