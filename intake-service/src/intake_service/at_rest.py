"""The personal values intake keeps encrypted at rest (keyring.py), written and read in one place.

Names, ID numbers and free text are bound to their row's primary key (the AES-GCM context), so a
value copied into another row does not open. Card numbers were first stored unbound and stay so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table

from intake_service.domain.records import Claim, OpenClaim, OpenPolicy, Payee, Policy
from intake_service.models import claims, insurers, policies
from lipei.keyring import KeyRing


@dataclass(frozen=True)
class EncryptedColumn:
    table: Table
    primary_key: Column[Any]
    column: Column[Any]
    bound: bool  # whether the row's primary key is the encryption context


# Every encrypted column, for key rotation (rekey.py).
ENCRYPTED_COLUMNS: tuple[EncryptedColumn, ...] = (
    EncryptedColumn(insurers, insurers.c.insurer_code, insurers.c.partner_secret_enc, True),
    EncryptedColumn(policies, policies.c.policy_id, policies.c.insured_id_number_enc, True),
    EncryptedColumn(policies, policies.c.policy_id, policies.c.insured_name_enc, True),
    EncryptedColumn(claims, claims.c.claim_id, claims.c.payee_card_enc, False),
    EncryptedColumn(claims, claims.c.claim_id, claims.c.payee_name_enc, True),
    EncryptedColumn(claims, claims.c.claim_id, claims.c.description_enc, True),
)


def policy_values(
    keys: KeyRing, policy_id: str, *, insured_name: str, insured_id_number: str
) -> dict[str, Any]:
    """The encrypted columns of a policy row."""
    return {
        "insured_name_enc": keys.encrypt(insured_name, context=policy_id),
        "insured_id_number_enc": keys.encrypt(insured_id_number, context=policy_id),
    }


def insured_name(keys: KeyRing, policy: Any) -> str:
    return keys.decrypt(policy.insured_name_enc, context=policy.policy_id)


def insured_id_number(keys: KeyRing, policy: Any) -> str:
    return keys.decrypt(policy.insured_id_number_enc, context=policy.policy_id)


def claim_values(
    keys: KeyRing, claim_id: str, *, description: str, payee: Payee | None
) -> dict[str, Any]:
    """The encrypted columns of a claim row."""
    return {
        "description_enc": keys.encrypt(description, context=claim_id),
        "payee_name_enc": keys.encrypt(payee.account_name, context=claim_id) if payee else None,
        "payee_card_enc": keys.encrypt(payee.bank_card_number) if payee else None,
    }


def claim_description(keys: KeyRing, claim: Any) -> str:
    return keys.decrypt(claim.description_enc, context=claim.claim_id)


def claim_payee(keys: KeyRing, claim: Any) -> Payee | None:
    if not claim.payee_card_enc:
        return None
    return Payee(
        account_name=keys.decrypt(claim.payee_name_enc, context=claim.claim_id),
        bank_card_number=keys.decrypt(claim.payee_card_enc),
    )


def open_claim(keys: KeyRing, claim: Claim) -> OpenClaim:
    return OpenClaim(claim, claim_description(keys, claim), claim_payee(keys, claim))


def open_policy(keys: KeyRing, policy: Policy) -> OpenPolicy:
    return OpenPolicy(policy, insured_name(keys, policy), insured_id_number(keys, policy))
