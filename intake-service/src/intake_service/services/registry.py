"""The claim guide, insurers and policies: what a claim is checked against."""

from __future__ import annotations

import secrets

from intake_service import store
from intake_service.at_rest import insured_name, open_policy, policy_values
from intake_service.container import Intake
from intake_service.domain.errors import (
    FieldError,
    InsurerNotFound,
    InvalidInsurer,
    InvalidPolicy,
    PolicyNotFound,
)
from intake_service.domain.guide import ClaimType
from intake_service.domain.records import (
    Delegation,
    Insurer,
    InsurerRegistration,
    Listing,
    OpenPolicy,
    Policy,
    Policyholder,
)
from intake_service.domain.regions import region_covers
from intake_service.schemas import InsurerIn, PolicyIn
from lipei.clock import china_today
from lipei.paging import Page


async def claim_types(
    *, intake: Intake, user_id: str | None, policy_id: str | None
) -> tuple[ClaimType, ...]:
    """The guide; for one of the user's policies, as that policy's product asks for it."""
    if policy_id is None:
        return intake.guide.claim_types
    async with intake.runtime.sessionmaker() as s:
        policy = await store.get_policy(s, policy_id)
    if policy is None or policy.holder_user_id != user_id:
        raise PolicyNotFound()
    return intake.guide.for_product(policy.insurer_code, policy.product_name)


def _delegation(intake: Intake, insurer: InsurerIn) -> Delegation | None:
    """The authority delegated for instant claims, over claim types the guide knows."""
    given = insurer.instant_claims
    if given is None:
        return None
    unknown = [t for t in given.claim_types if intake.guide.get(t) is None]
    if unknown:
        raise InvalidInsurer(
            f"unknown claim types: {', '.join(unknown)}",
            errors=[
                FieldError("instant_claims.claim_types", f"unknown claim type {t!r}")
                for t in unknown
            ],
        )
    return Delegation(tuple(dict.fromkeys(given.claim_types)), given.max_amount)


async def register_insurer(
    *, intake: Intake, insurer_code: str, insurer: InsurerIn
) -> InsurerRegistration:
    """Registers the insurer or updates it. A new insurer, or one asking to rotate, gets a new
    partner secret: answered this once, stored only encrypted. The instant-claims delegation is
    what this registration says: left out, nothing is decided in the insurer's name."""
    delegation = _delegation(intake, insurer)
    now = intake.runtime.clock.now()
    async with intake.runtime.unit_of_work() as s:
        existing = await store.get_insurer(s, insurer_code)
        secret: str | None = None
        if existing is None:
            secret = secrets.token_urlsafe(32)
            await store.insert_insurer(
                s,
                Insurer(
                    insurer_code=insurer_code,
                    name=insurer.name,
                    public_key=insurer.public_key,
                    partner_secret_enc=intake.keys.encrypt(secret, context=insurer_code),
                    updated_at=now,
                    instant_claims=delegation,
                ),
            )
        else:
            if insurer.rotate_secret:
                secret = secrets.token_urlsafe(32)
            await store.update_insurer(
                s,
                insurer_code,
                name=insurer.name,
                updated_at=now,
                instant_claims=delegation,
                public_key=insurer.public_key,
                partner_secret_enc=intake.keys.encrypt(secret, context=insurer_code)
                if secret
                else None,
            )
    public_key = insurer.public_key
    if public_key is None and existing is not None:
        public_key = existing.public_key
    return InsurerRegistration(
        insurer_code=insurer_code,
        name=insurer.name,
        public_key=public_key,
        partner_secret=secret,
        created=existing is None,
        instant_claims=delegation,
    )


async def partner_secret(*, intake: Intake, insurer_code: str) -> str:
    """For the gateway, which checks partner signatures with it."""
    async with intake.runtime.sessionmaker() as s:
        insurer = await store.get_insurer(s, insurer_code)
    if insurer is None:
        raise InsurerNotFound()
    return intake.keys.decrypt(insurer.partner_secret_enc, context=insurer_code)


def _check_policy(intake: Intake, policy_id: str, body: PolicyIn) -> None:
    if not 1 <= len(policy_id) <= 64:
        raise InvalidPolicy("a policy id has 1 to 64 characters")
    unknown = [c for c in body.coverage if intake.guide.get(c) is None]
    if unknown:
        raise InvalidPolicy(
            f"unknown claim types: {', '.join(unknown)}",
            errors=[FieldError("coverage", f"unknown claim type {c!r}") for c in unknown],
        )


async def put_policy(*, intake: Intake, policy_id: str, body: PolicyIn) -> OpenPolicy:
    """Creates or replaces the policy as the insurer issued it."""
    _check_policy(intake, policy_id, body)
    values = body.model_dump(exclude={"insured_name", "insured_id_number"})
    values["coverage"] = tuple(body.coverage)
    values |= policy_values(
        intake.keys,
        policy_id,
        insured_name=body.insured_name,
        insured_id_number=body.insured_id_number,
    )
    async with intake.runtime.unit_of_work() as s:
        stored = await store.replace_policy(s, Policy(policy_id=policy_id, **values))
    return OpenPolicy(stored, body.insured_name, body.insured_id_number)


async def users_policies(*, intake: Intake, user_id: str, page: Page) -> Listing[OpenPolicy]:
    async with intake.runtime.sessionmaker() as s:
        found = await store.users_policies(
            s, user_id=user_id, offset=page.start, limit=page.limit + 1
        )
    return Listing(
        [open_policy(intake.keys, p) for p in found[: page.limit]], page.next_cursor(len(found))
    )


async def policyholders(*, intake: Intake, region_code: str, page: Page) -> Listing[Policyholder]:
    """Who holds a policy in force today in the region (or in an area containing it)."""
    today = china_today(intake.runtime.clock.now())
    async with intake.runtime.sessionmaker() as s:
        found = await store.policies_in_force_around(
            s, region_code=region_code, today=today, offset=page.start, limit=page.limit + 1
        )
    return Listing(
        [
            Policyholder(
                user_id=p.holder_user_id,
                policy_id=p.policy_id,
                insured_name=insured_name(intake.keys, p),
                region_code=p.region_code,
            )
            for p in found[: page.limit]
            if region_covers(region_code, p.region_code)
        ],
        page.next_cursor(len(found)),
    )
