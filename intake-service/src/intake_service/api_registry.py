"""The claim guide, insurers and policies: what a claim is checked against."""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import or_, select

from intake_service.at_rest import insured_id_number, insured_name, policy_values
from intake_service.cards import mask_name, mask_number
from intake_service.china_time import china_today
from intake_service.context import Intake, Page, money, page_params
from intake_service.models import insurers, policies
from intake_service.paging import next_cursor
from intake_service.regions import area_prefix, containing_areas, is_region_code, region_covers
from lipei.app import RuntimeDep
from lipei.web import CallerDep, Problem, require_ops, require_user

INSURER_CODE = r"^[a-z0-9][a-z0-9-]{1,62}$"
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
PageDep = Annotated[Page, Depends(page_params)]


class InsurerIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    public_key: str | None = Field(default=None, max_length=128)
    rotate_secret: bool = False

    @field_validator("public_key")
    @classmethod
    def _x25519_key(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("public_key must be base64") from exc
        if len(raw) != 32:
            raise ValueError("public_key must be a 32-byte X25519 key in base64")
        return value


class PolicyIn(BaseModel):
    holder_user_id: str = Field(min_length=1, max_length=128)
    insurer_code: str = Field(pattern=INSURER_CODE)
    product_name: str = Field(min_length=1, max_length=200)
    insured_name: str = Field(min_length=1, max_length=100)
    insured_id_number: str = Field(min_length=18, max_length=18)
    coverage: list[str] = Field(min_length=1)
    region_code: str
    valid_from: date
    valid_to: date
    sum_insured: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    deductible: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    reimbursement_ratio: Decimal | None = Field(default=None, ge=0, le=1, decimal_places=4)

    @field_validator("insured_id_number")
    @classmethod
    def _id_number(cls, value: str) -> str:
        value = value.upper()
        if not ID_NUMBER.match(value):
            raise ValueError("an ID number has 17 digits and a final digit or X")
        return value

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str) -> str:
        if not is_region_code(value):
            raise ValueError("a region code is a 6-digit administrative division code")
        return value

    @model_validator(mode="after")
    def _period(self) -> PolicyIn:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


def router(intake: Intake) -> APIRouter:
    r = APIRouter()
    keys = intake.keys

    @r.get("/api/v1/claim-types", tags=["guide"])
    async def claim_types(
        page: PageDep,
        caller: CallerDep,
        runtime: RuntimeDep,
        policy_id: Annotated[
            str | None,
            Query(max_length=64, description="the guide as this policy's product asks for it"),
        ] = None,
    ) -> dict[str, Any]:
        types = intake.guide.claim_types
        if policy_id is not None:
            user_id = require_user(caller)
            async with runtime.sessionmaker() as s:
                policy = (
                    await s.execute(
                        select(policies.c.insurer_code, policies.c.product_name).where(
                            policies.c.policy_id == policy_id,
                            policies.c.holder_user_id == user_id,
                        )
                    )
                ).first()
            if policy is None:
                raise Problem(404, "no such policy among yours", type="policy-not-found")
            types = intake.guide.for_product(policy.insurer_code, policy.product_name)
        items = [c.as_dict() for c in types]
        window = items[page.offset : page.offset + page.limit + 1]
        return {
            "items": window[: page.limit],
            "next_cursor": next_cursor(page.offset, page.limit, len(window)),
        }

    @r.put(
        "/ops/v1/insurers/{insurer_code}",
        tags=["ops"],
        responses={201: {"description": "registered: the answer carries the partner secret once"}},
    )
    async def put_insurer(
        insurer_code: Annotated[str, PathParam(pattern=INSURER_CODE)],
        body: InsurerIn,
        caller: CallerDep,
        runtime: RuntimeDep,
        response: Response,
    ) -> dict[str, Any]:
        require_ops(caller)
        now = runtime.clock.now()
        secret: str | None = None
        async with runtime.unit_of_work() as s:
            row = (
                await s.execute(select(insurers).where(insurers.c.insurer_code == insurer_code))
            ).first()
            values: dict[str, Any] = {"name": body.name, "updated_at": now}
            if body.public_key is not None:
                values["public_key"] = body.public_key
            if row is None or body.rotate_secret:
                secret = secrets.token_urlsafe(32)
                values["partner_secret_enc"] = keys.encrypt(secret, context=insurer_code)
            if row is None:
                values.setdefault("public_key", None)
                await s.execute(insurers.insert().values(insurer_code=insurer_code, **values))
                response.status_code = 201
            else:
                await s.execute(
                    insurers.update()
                    .where(insurers.c.insurer_code == insurer_code)
                    .values(**values)
                )
            public_key = values.get("public_key", row.public_key if row else None)
        out: dict[str, Any] = {
            "insurer_code": insurer_code,
            "name": body.name,
            "public_key": public_key,
            "ready_for_packages": public_key is not None,
        }
        if secret is not None:
            out["partner_secret"] = secret  # shown this once; stored only encrypted
        return out

    @r.get("/internal/v1/insurers/{insurer_code}/partner-secret", tags=["internal"])
    async def partner_secret(
        insurer_code: str, caller: CallerDep, runtime: RuntimeDep
    ) -> dict[str, str]:
        async with runtime.sessionmaker() as s:
            row = (
                await s.execute(select(insurers).where(insurers.c.insurer_code == insurer_code))
            ).first()
        if row is None:
            raise Problem(404, "no such insurer", type="insurer-not-found")
        return {
            "insurer_code": insurer_code,
            "partner_secret": keys.decrypt(row.partner_secret_enc, context=insurer_code),
        }

    @r.put("/ops/v1/policies/{policy_id}", tags=["ops"])
    async def put_policy(
        policy_id: str, body: PolicyIn, caller: CallerDep, runtime: RuntimeDep
    ) -> dict[str, Any]:
        require_ops(caller)
        if not 1 <= len(policy_id) <= 64:
            raise Problem(422, "a policy id has 1 to 64 characters", type="validation-error")
        unknown = [c for c in body.coverage if intake.guide.get(c) is None]
        if unknown:
            raise Problem(
                422,
                f"unknown claim types: {', '.join(unknown)}",
                type="validation-error",
                errors=[
                    {"field": "coverage", "message": f"unknown claim type {c!r}"} for c in unknown
                ],
            )
        values = body.model_dump(exclude={"insured_name", "insured_id_number"})
        values["coverage"] = json.dumps(body.coverage)
        values |= policy_values(
            keys,
            policy_id,
            insured_name=body.insured_name,
            insured_id_number=body.insured_id_number,
        )
        async with runtime.unit_of_work() as s:
            await s.execute(policies.delete().where(policies.c.policy_id == policy_id))
            await s.execute(policies.insert().values(policy_id=policy_id, **values))
            row = (await s.execute(select(policies).where(policies.c.policy_id == policy_id))).one()
        return _policy_out(intake, row)

    @r.get("/api/v1/policies", tags=["policies"])
    async def my_policies(caller: CallerDep, runtime: RuntimeDep, page: PageDep) -> dict[str, Any]:
        user_id = require_user(caller)
        async with runtime.sessionmaker() as s:
            rows = (
                await s.execute(
                    select(policies)
                    .where(policies.c.holder_user_id == user_id)
                    .order_by(policies.c.valid_from.desc(), policies.c.policy_id)
                    .offset(page.offset)
                    .limit(page.limit + 1)
                )
            ).all()
        return {
            "items": [_policy_out(intake, row) for row in rows[: page.limit]],
            "next_cursor": next_cursor(page.offset, page.limit, len(rows)),
        }

    @r.get("/internal/v1/policyholders", tags=["internal"])
    async def policyholders(
        caller: CallerDep,
        runtime: RuntimeDep,
        region_code: Annotated[str, Query(pattern=r"^\d{6}$")],
        page: PageDep,
    ) -> dict[str, Any]:
        today = china_today(runtime.clock.now())
        async with runtime.sessionmaker() as s:
            rows = (
                await s.execute(
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
                    .offset(page.offset)
                    .limit(page.limit + 1)
                )
            ).all()
        return {
            "next_cursor": next_cursor(page.offset, page.limit, len(rows)),
            "items": [
                {
                    "user_id": row.holder_user_id,
                    "policy_id": row.policy_id,
                    "insured_name": insured_name(keys, row),
                    "region_code": row.region_code,
                }
                for row in rows[: page.limit]
                if region_covers(region_code, row.region_code)
            ],
        }

    return r


def _policy_out(intake: Intake, row: Any) -> dict[str, Any]:
    name = insured_name(intake.keys, row)
    return {
        "policy_id": row.policy_id,
        "holder_user_id": row.holder_user_id,
        "insurer_code": row.insurer_code,
        "product_name": row.product_name,
        "insured_name": name,
        "insured_name_masked": mask_name(name),
        "insured_id_number_masked": mask_number(insured_id_number(intake.keys, row), 3, 4),
        "coverage": json.loads(row.coverage),
        "region_code": row.region_code,
        "valid_from": row.valid_from.isoformat(),
        "valid_to": row.valid_to.isoformat(),
        "sum_insured": money(row.sum_insured),
        "deductible": money(row.deductible),
        "reimbursement_ratio": (
            str(row.reimbursement_ratio) if row.reimbursement_ratio is not None else None
        ),
    }
