"""Reading and writing intake's tables: claims, their documents, policies and insurers.

Every function works in the caller's session, so a change and its outgoing events (outbox) are
committed together. Rows come back as records (records.py), their encrypted values unopened.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake_service.domain.records import Claim, Delegation, Document, Insurer, Keying, Policy
from intake_service.domain.regions import area_prefix, containing_areas
from intake_service.models import claims, document_keyings, documents, insurers, policies
from lipei.reads import ReadSession


class IdempotencyKeyTaken(Exception):
    """Another claim of the user already holds this idempotency key."""


# --- claims ---------------------------------------------------------------------------------


def _claim(row: Row[Any] | None) -> Claim | None:
    return None if row is None else Claim(**row._mapping)


async def owned_claim(session: ReadSession, *, claim_id: str, user_id: str) -> Claim | None:
    query = select(claims).where(claims.c.claim_id == claim_id, claims.c.user_id == user_id)
    return _claim((await session.execute(query)).first())


async def insurers_claim(
    session: AsyncSession, *, claim_id: str, insurer_code: str
) -> Claim | None:
    query = select(claims).where(
        claims.c.claim_id == claim_id, claims.c.insurer_code == insurer_code
    )
    return _claim((await session.execute(query)).first())


async def get_claim(session: AsyncSession, claim_id: str) -> Claim | None:
    query = select(claims).where(claims.c.claim_id == claim_id)
    return _claim((await session.execute(query)).first())


async def claim_by_idempotency_key(
    session: AsyncSession, *, user_id: str, key: str
) -> Claim | None:
    query = select(claims).where(claims.c.user_id == user_id, claims.c.idempotency_key == key)
    return _claim((await session.execute(query)).first())


async def users_claims(
    session: AsyncSession, *, user_id: str, offset: int, limit: int
) -> list[Claim]:
    """Newest first."""
    rows = await session.execute(
        select(claims)
        .where(claims.c.user_id == user_id)
        .order_by(claims.c.created_at.desc(), claims.c.claim_id)
        .offset(offset)
        .limit(limit)
    )
    return [Claim(**row._mapping) for row in rows]


async def insert_claim(session: AsyncSession, claim: Claim) -> None:
    try:
        await session.execute(claims.insert().values(**asdict(claim)))
    except IntegrityError as exc:
        raise IdempotencyKeyTaken(claim.idempotency_key) from exc


async def mark_signed(
    session: AsyncSession,
    *,
    claim_id: str,
    signed_hash: str,
    signed_at: datetime,
    has_signature_image: bool,
) -> None:
    await session.execute(
        claims.update()
        .where(claims.c.claim_id == claim_id)
        .values(
            signed_hash=signed_hash, signed_at=signed_at, has_signature_image=has_signature_image
        )
    )


async def void_signature(session: AsyncSession, claim_id: str) -> None:
    await session.execute(
        claims.update()
        .where(claims.c.claim_id == claim_id)
        .values(signed_hash=None, signed_at=None)
    )


async def move_claim(
    session: AsyncSession, claim: Claim, *, status: str, submitted_at: datetime | None = None
) -> bool:
    """Moves the claim on if it is still as `claim` was read; False when a parallel request moved
    it first."""
    values: dict[str, Any] = {"status": status}
    if submitted_at is not None:
        values["submitted_at"] = submitted_at
    result = await session.execute(
        claims.update()
        .where(claims.c.claim_id == claim.claim_id, claims.c.status == claim.status)
        .values(**values)
    )
    return getattr(result, "rowcount", 1) == 1


async def claim_status(session: AsyncSession, claim_id: str) -> str | None:
    query = select(claims.c.status).where(claims.c.claim_id == claim_id)
    return (await session.execute(query)).scalar_one_or_none()


async def set_claim_status(session: AsyncSession, claim_id: str, status: str) -> None:
    await session.execute(
        claims.update().where(claims.c.claim_id == claim_id).values(status=status)
    )


# --- documents ------------------------------------------------------------------------------


def _document(row: Row[Any]) -> Document:
    values = dict(row._mapping)
    values["reasons"] = tuple(json.loads(values["reasons"]))
    values["masked_fields"] = json.loads(values["masked_fields"])
    values["fields_to_review"] = tuple(json.loads(values["fields_to_review"] or "[]"))
    values["keyed_fields"] = tuple(json.loads(values["keyed_fields"] or "[]"))
    return Document(**values)


def _names(names: tuple[str, ...] | list[str]) -> str:
    return json.dumps(list(names), ensure_ascii=False)


async def claim_documents(session: AsyncSession, claim_id: str) -> list[Document]:
    """In upload order."""
    rows = await session.execute(
        select(documents)
        .where(documents.c.claim_id == claim_id)
        .order_by(documents.c.uploaded_at, documents.c.document_id)
    )
    return [_document(row) for row in rows]


async def get_document(
    session: AsyncSession, *, claim_id: str, document_id: str
) -> Document | None:
    query = select(documents).where(
        documents.c.document_id == document_id, documents.c.claim_id == claim_id
    )
    row = (await session.execute(query)).first()
    return None if row is None else _document(row)


async def document_known(session: AsyncSession, *, claim_id: str, document_id: str) -> bool:
    query = select(documents.c.document_id).where(
        documents.c.document_id == document_id, documents.c.claim_id == claim_id
    )
    return (await session.execute(query)).first() is not None


async def insert_document(session: AsyncSession, document: Document) -> None:
    values = asdict(document)
    values["reasons"] = json.dumps(list(document.reasons), ensure_ascii=False)
    values["masked_fields"] = json.dumps(document.masked_fields, ensure_ascii=False)
    values["fields_to_review"] = _names(document.fields_to_review)
    values["keyed_fields"] = _names(document.keyed_fields)
    await session.execute(documents.insert().values(**values))


async def record_verdict(
    session: AsyncSession,
    document_id: str,
    *,
    status: str,
    reasons: list[dict[str, str]],
    masked_fields: dict[str, str],
    sealed_fields: str | None,
    decided_at: datetime,
    fields_to_review: list[str] | None = None,
) -> None:
    """OCR's verdict on a document."""
    await session.execute(
        documents.update()
        .where(documents.c.document_id == document_id)
        .values(
            status=status,
            reasons=json.dumps(reasons, ensure_ascii=False),
            masked_fields=json.dumps(masked_fields, ensure_ascii=False),
            sealed_fields=sealed_fields,
            decided_at=decided_at,
            fields_to_review=_names(fields_to_review or []),
        )
    )


async def document_for_update(
    session: AsyncSession, *, claim_id: str, document_id: str
) -> Document | None:
    """The document, locked for the rest of the transaction (two keyings of it queue up)."""
    query = (
        select(documents)
        .where(documents.c.document_id == document_id, documents.c.claim_id == claim_id)
        .with_for_update()
    )
    row = (await session.execute(query)).first()
    return None if row is None else _document(row)


async def record_keying(session: AsyncSession, document: Document, keying: Keying) -> None:
    """A person's keying: the document's keyed values and what is left, and the audit row."""
    await session.execute(
        documents.update()
        .where(documents.c.document_id == document.document_id)
        .values(
            masked_fields=json.dumps(document.masked_fields, ensure_ascii=False),
            fields_to_review=_names(document.fields_to_review),
            keyed_fields=_names(document.keyed_fields),
            keyed_sealed=document.keyed_sealed,
        )
    )
    values = asdict(keying)
    values["field_names"] = _names(keying.field_names)
    await session.execute(document_keyings.insert().values(**values))


async def keyings_count(session: AsyncSession, document_id: str) -> int:
    query = select(func.count()).where(document_keyings.c.document_id == document_id)
    return int((await session.execute(query)).scalar_one())


async def document_keyings_of(session: AsyncSession, document_id: str) -> list[Keying]:
    """The audit of a document's keyings, oldest first."""
    rows = await session.execute(
        select(document_keyings)
        .where(document_keyings.c.document_id == document_id)
        .order_by(document_keyings.c.sequence)
    )
    keyings = []
    for row in rows:
        values = dict(row._mapping)
        values["field_names"] = tuple(json.loads(values["field_names"]))
        keyings.append(Keying(**values))
    return keyings


async def clear_supplements(session: AsyncSession, claim_id: str) -> None:
    """The requested materials went out with a resubmission."""
    await session.execute(
        documents.update().where(documents.c.claim_id == claim_id).values(supplement_pending=False)
    )


# --- policies -------------------------------------------------------------------------------


def _policy(row: Row[Any]) -> Policy:
    values = dict(row._mapping)
    values["coverage"] = tuple(json.loads(values["coverage"]))
    return Policy(**values)


async def get_policy(session: AsyncSession, policy_id: str) -> Policy | None:
    row = (await session.execute(select(policies).where(policies.c.policy_id == policy_id))).first()
    return None if row is None else _policy(row)


async def insert_policy(session: AsyncSession, policy: Policy) -> None:
    values = asdict(policy)
    values["coverage"] = json.dumps(list(policy.coverage))
    await session.execute(policies.insert().values(**values))


async def replace_policy(session: AsyncSession, policy: Policy) -> Policy:
    """Returns the policy read back, amounts and ratios as the database keeps them."""
    await session.execute(policies.delete().where(policies.c.policy_id == policy.policy_id))
    await insert_policy(session, policy)
    query = select(policies).where(policies.c.policy_id == policy.policy_id)
    return _policy((await session.execute(query)).one())


async def users_policies(
    session: AsyncSession, *, user_id: str, offset: int, limit: int
) -> list[Policy]:
    """Newest period first."""
    rows = await session.execute(
        select(policies)
        .where(policies.c.holder_user_id == user_id)
        .order_by(policies.c.valid_from.desc(), policies.c.policy_id)
        .offset(offset)
        .limit(limit)
    )
    return [_policy(row) for row in rows]


async def policies_in_force_around(
    session: AsyncSession, *, region_code: str, today: date, offset: int, limit: int
) -> list[Policy]:
    """Policies in force today whose region is inside the area or contains it (a superset:
    region_covers decides)."""
    rows = await session.execute(
        select(policies)
        .where(
            or_(
                policies.c.region_code.startswith(area_prefix(region_code)),
                policies.c.region_code.in_(containing_areas(region_code)),
            ),
            policies.c.valid_from <= today,
            policies.c.valid_to >= today,
        )
        .order_by(policies.c.holder_user_id, policies.c.policy_id)
        .offset(offset)
        .limit(limit)
    )
    return [_policy(row) for row in rows]


# --- insurers -------------------------------------------------------------------------------


def _delegation_json(delegation: Delegation | None) -> str | None:
    if delegation is None:
        return None
    return json.dumps(
        {"claim_types": list(delegation.claim_types), "max_amount": f"{delegation.max_amount:.2f}"}
    )


def _delegation(text: str | None) -> Delegation | None:
    if not text:
        return None
    data = json.loads(text)
    return Delegation(tuple(data["claim_types"]), Decimal(data["max_amount"]))


async def get_insurer(session: AsyncSession, insurer_code: str) -> Insurer | None:
    query = select(insurers).where(insurers.c.insurer_code == insurer_code)
    row = (await session.execute(query)).first()
    if row is None:
        return None
    values = dict(row._mapping)
    values["instant_claims"] = _delegation(values["instant_claims"])
    return Insurer(**values)


async def insert_insurer(session: AsyncSession, insurer: Insurer) -> None:
    values = asdict(insurer)
    values["instant_claims"] = _delegation_json(insurer.instant_claims)
    await session.execute(insurers.insert().values(**values))


async def update_insurer(
    session: AsyncSession,
    insurer_code: str,
    *,
    name: str,
    updated_at: datetime,
    instant_claims: Delegation | None,
    public_key: str | None = None,
    partner_secret_enc: str | None = None,
) -> None:
    """A key or secret left out stays as it is; the delegation is replaced (None revokes it)."""
    values: dict[str, Any] = {
        "name": name,
        "updated_at": updated_at,
        "instant_claims": _delegation_json(instant_claims),
    }
    if public_key is not None:
        values["public_key"] = public_key
    if partner_secret_enc is not None:
        values["partner_secret_enc"] = partner_secret_enc
    await session.execute(
        insurers.update().where(insurers.c.insurer_code == insurer_code).values(**values)
    )
