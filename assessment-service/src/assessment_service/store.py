"""All of assessment-service's SQL: assessments, the ledger, the invoice register and the
per-policy lock. Every function works in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_service.domain.facts import InvoiceKey
from assessment_service.domain.ledger import Entry, YearLedger
from assessment_service.models import assessments, invoice_register, ledger_claims, policy_locks
from assessment_service.records import LedgerClaim, StoredAssessment


def _insert(session: AsyncSession, table: Table) -> Any:
    """INSERT with ON CONFLICT, in the dialect of the session's database."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def lock_policy(session: AsyncSession, policy_id: str, now: datetime) -> None:
    """Take the policy's lock for the rest of the transaction: a second transaction of the same
    policy waits here until this one ends (a row lock on PostgreSQL; SQLite has one writer)."""
    statement = _insert(session, policy_locks).values(policy_id=policy_id, touched_at=now)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[policy_locks.c.policy_id], set_={"touched_at": now}
        )
    )


# --- the ledger -----------------------------------------------------------------------------


def _ledger_claim(row: Row[Any]) -> LedgerClaim:
    return LedgerClaim(**row._mapping)


async def ledger_claim(session: AsyncSession, claim_id: str) -> LedgerClaim | None:
    row = (
        await session.execute(select(ledger_claims).where(ledger_claims.c.claim_id == claim_id))
    ).first()
    return None if row is None else _ledger_claim(row)


async def year_ledger(session: AsyncSession, policy_id: str, year_start: date) -> YearLedger:
    """The approved claims of one policy year (summed here, in Decimal, not by the database)."""
    rows = await session.execute(
        select(ledger_claims).where(
            ledger_claims.c.policy_id == policy_id,
            ledger_claims.c.year_start == year_start,
            ledger_claims.c.status == "approved",
        )
    )
    return YearLedger(
        tuple(
            Entry(r.claim_id, r.deductible_used, r.approved_amount)
            for r in sorted(rows, key=lambda r: r.claim_id)
        )
    )


async def put_ledger_claim(session: AsyncSession, claim: LedgerClaim) -> None:
    values = asdict(claim)
    statement = _insert(session, ledger_claims).values(**values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=[ledger_claims.c.claim_id], set_=values)
    )


# --- the invoice register -------------------------------------------------------------------


async def _holder(session: AsyncSession, key: InvoiceKey) -> str | None:
    query = select(invoice_register.c.claim_id).where(
        invoice_register.c.invoice_code == key[0], invoice_register.c.invoice_number == key[1]
    )
    return (await session.execute(query)).scalar_one_or_none()


async def register_invoices(
    session: AsyncSession, claim_id: str, keys: Iterable[InvoiceKey], now: datetime
) -> set[InvoiceKey]:
    """Registers the claim's invoices; returns those another claim holds."""
    taken: set[InvoiceKey] = set()
    for key in sorted(set(keys)):
        # On PostgreSQL this waits for a claim inserting the same key right now, and then
        # inserts nothing if that claim committed: the key, not a read before, decides.
        statement = (
            _insert(session, invoice_register)
            .values(
                invoice_code=key[0], invoice_number=key[1], claim_id=claim_id, registered_at=now
            )
            .on_conflict_do_nothing(
                index_elements=[invoice_register.c.invoice_code, invoice_register.c.invoice_number]
            )
        )
        inserted = await session.execute(statement)
        if getattr(inserted, "rowcount", 1) != 1 and await _holder(session, key) != claim_id:
            taken.add(key)
    return taken


async def release_invoices(session: AsyncSession, claim_id: str) -> None:
    await session.execute(delete(invoice_register).where(invoice_register.c.claim_id == claim_id))


# --- assessments ----------------------------------------------------------------------------


async def insert_assessment(session: AsyncSession, assessment: StoredAssessment) -> None:
    await session.execute(assessments.insert().values(**asdict(assessment)))


async def get_assessment(session: AsyncSession, claim_id: str) -> StoredAssessment | None:
    row = (
        await session.execute(select(assessments).where(assessments.c.claim_id == claim_id))
    ).first()
    return None if row is None else StoredAssessment(**row._mapping)


async def delete_assessment(session: AsyncSession, claim_id: str) -> None:
    """Before the claim is assessed again (keyed fields on a referred claim)."""
    await session.execute(delete(assessments).where(assessments.c.claim_id == claim_id))
