"""HTTP routes where a person keys in document fields OCR could not place: ops directly, a
butler through butler-service (which checks the user is theirs), and the keying audit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from intake_service import views
from intake_service.dependencies import IntakeDep
from intake_service.domain.errors import Forbidden
from intake_service.schemas import DocumentOut, FieldsIn, KeyingList
from intake_service.services.keying import Keyer, key_fields, keyings
from lipei.web import Caller, CallerDep, require_ops

router = APIRouter(tags=["keying"])

Id = Annotated[str, Path(min_length=1, max_length=128)]

_ANSWERS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such claim or document (or, for a butler, not their user's)"},
    409: {"description": "the document is not accepted, or the claim was withdrawn"},
    422: {"description": "a field not of the document's type, or a value failing its checks"},
}


class ButlerOnly(Forbidden):
    code = "forbidden"
    default_detail = "this needs the butler or the ops role"


def _person(caller: Caller) -> str:
    return caller.user_id or "ops"


@router.put("/ops/v1/claims/{claim_id}/documents/{document_id}/fields", responses=_ANSWERS)
async def ops_key_fields(
    claim_id: Id, document_id: Id, body: FieldsIn, caller: CallerDep, intake: IntakeDep
) -> DocumentOut:
    """Key in fields of an accepted document from its picture: those OCR could not place leave
    `fields_to_review` and join `keyed_fields`; a field OCR read may be corrected the same way.
    Keying the same values again changes nothing."""
    require_ops(caller)
    keyed = await key_fields(
        intake=intake,
        keyer=Keyer(_person(caller), "ops"),
        claim_id=claim_id,
        document_id=document_id,
        values=body.fields,
    )
    return views.document(keyed)


@router.put(
    "/internal/v1/users/{user_id}/claims/{claim_id}/documents/{document_id}/fields",
    tags=["internal"],
    responses=_ANSWERS,
)
async def butler_key_fields(
    user_id: Id,
    claim_id: Id,
    document_id: Id,
    body: FieldsIn,
    caller: CallerDep,
    intake: IntakeDep,
) -> DocumentOut:
    """butler-service keys for a user's butler (or ops): the claim must be that user's."""
    if caller.is_ops:
        keyer = Keyer(_person(caller), "ops", for_user=user_id)
    elif "butler" in caller.roles and caller.user_id:
        keyer = Keyer(caller.user_id, "butler", for_user=user_id)
    else:
        raise ButlerOnly()
    keyed = await key_fields(
        intake=intake, keyer=keyer, claim_id=claim_id, document_id=document_id, values=body.fields
    )
    return views.document(keyed)


@router.get("/ops/v1/claims/{claim_id}/documents/{document_id}/keyings")
async def keying_audit(
    claim_id: Id, document_id: Id, caller: CallerDep, intake: IntakeDep
) -> KeyingList:
    """Who keyed which fields of the document, and when (values stay sealed)."""
    require_ops(caller)
    found = await keyings(intake=intake, claim_id=claim_id, document_id=document_id)
    return views.keyings(found)
