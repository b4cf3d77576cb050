"""A person keys in fields of an accepted document from its picture: ops for any claim, a butler
for their own users' claims (butler-service checks the assignment; intake checks the owner).

The values are checked as OCR checks what it reads, sealed to intake's key like OCR's values,
and every keying is kept in the audit. Keying the same values again changes nothing. Once no
field of a submitted claim is left to key, the insurer gets the package again with the keyed
values, and, while nobody has decided the claim, the instant assessment gets its facts again.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from intake_service import store
from intake_service.container import Intake
from intake_service.domain import keying
from intake_service.domain.errors import ClaimNotFound, Conflict, DocumentNotFound
from intake_service.domain.records import Claim, Document, Keying
from intake_service.domain.submission import keyed_values, read_fields
from intake_service.services.outgoing import outgoing
from lipei.events import ClaimDocumentFieldsKeyed
from lipei.sealing import seal_json

# A claim keyed complete while in these gets the instant assessment's facts again.
_UNDECIDED = frozenset({"submitted", "under_review"})


class DocumentNotKeyable(Conflict):
    code = "document-not-keyable"
    default_detail = "only an accepted document's fields are keyed in"


class ClaimClosed(Conflict):
    code = "claim-closed"
    default_detail = "the claim was withdrawn: nothing is keyed in any more"


@dataclass(frozen=True)
class Keyer:
    """Who keys: an ops user, or a butler acting for one of their users (`for_user`)."""

    person_id: str
    role: Literal["ops", "butler"]
    for_user: str | None = None


async def key_fields(
    *,
    intake: Intake,
    keyer: Keyer,
    claim_id: str,
    document_id: str,
    values: Mapping[str, Any],
) -> Document:
    now = intake.runtime.clock.now()
    async with intake.runtime.unit_of_work() as s:
        claim = await store.get_claim(s, claim_id)
        if claim is None or (keyer.for_user is not None and claim.user_id != keyer.for_user):
            raise ClaimNotFound()
        doc = await store.document_for_update(s, claim_id=claim_id, document_id=document_id)
        if doc is None:
            raise DocumentNotFound()
        if doc.status != "accepted":
            raise DocumentNotKeyable(
                f"this document is {doc.status}: only an accepted document's fields are keyed in"
            )
        if claim.status == "withdrawn":
            raise ClaimClosed()
        new = keying.checked(doc.doc_type, values)
        before = keyed_values(intake.field_keys, doc)
        keying.check_consistent(
            doc.doc_type, new, {**read_fields(intake.field_keys, doc), **before, **new}
        )
        if all(before.get(name) == value for name, value in new.items()):
            return doc  # keyed already, as it is now: nothing changes, nothing is audited again
        keyed = _keyed(intake, doc, {**before, **new}, new)
        sequence = await store.keyings_count(s, document_id) + 1
        await store.record_keying(s, keyed, _audit(intake, keyer, keyed, new, sequence, now))
        await _announce(intake, s, claim, keyed, keyer, sorted(new), now)
    return keyed


def _keyed(
    intake: Intake, doc: Document, all_keyed: dict[str, str], new: dict[str, str]
) -> Document:
    return dataclasses.replace(
        doc,
        masked_fields={**doc.masked_fields, **keying.masked(doc.doc_type, new)},
        fields_to_review=tuple(f for f in doc.fields_to_review if f not in new),
        keyed_fields=tuple(sorted(all_keyed)),
        keyed_sealed=seal_json(intake.field_keys.public_key, all_keyed),
    )


def _audit(
    intake: Intake,
    keyer: Keyer,
    doc: Document,
    new: dict[str, str],
    sequence: int,
    now: datetime,
) -> Keying:
    return Keying(
        keying_id=str(uuid.uuid4()),
        claim_id=doc.claim_id,
        document_id=doc.document_id,
        sequence=sequence,
        field_names=tuple(sorted(new)),
        sealed_values=seal_json(intake.field_keys.public_key, new),
        keyed_by=keyer.person_id,
        keyed_role=keyer.role,
        keyed_at=now,
    )


async def _announce(
    intake: Intake,
    s: AsyncSession,
    claim: Claim,
    doc: Document,
    keyer: Keyer,
    names: list[str],
    now: datetime,
) -> None:
    """The keying event; for a claim with its insurer and nothing left to key, with the facts
    of the assessment, and the package once more."""
    docs = await store.claim_documents(s, claim.claim_id)
    left = sum(len(d.fields_to_review) for d in docs if d.status == "accepted")
    event = ClaimDocumentFieldsKeyed(
        claim_id=claim.claim_id,
        user_id=claim.user_id,
        document_id=doc.document_id,
        doc_type=doc.doc_type,
        keyed_fields=names,
        all_keyed_fields=list(doc.keyed_fields),
        fields_to_review=list(doc.fields_to_review),
        claim_fields_to_review=left,
        masked_fields=doc.masked_fields,
        keyed_by=keyer.person_id,
        keyed_role=keyer.role,
        keyed_at=now,
    )
    if left == 0 and claim.submitted_at is not None:
        # The insurer gets the claim complete; the assessment only while nobody decided it.
        sent = await outgoing(intake, s, claim, docs, now)
        if claim.status in _UNDECIDED:
            event = event.model_copy(
                update={
                    "insurer_code": claim.insurer_code,
                    "claim_type": claim.claim_type,
                    "policy_id": claim.policy_id,
                    "submitted_at": claim.submitted_at,
                    "claimed_amount": claim.claimed_amount,
                    "assessment": sent.facts,
                }
            )
        await intake.runtime.outbox.add(s, event, time=now)
        await intake.runtime.outbox.add(s, sent.package, topic=sent.topic, time=now)
        return
    await intake.runtime.outbox.add(s, event, time=now)


async def keyings(*, intake: Intake, claim_id: str, document_id: str) -> list[Keying]:
    """The audit of a document's keyings (ops)."""
    async with intake.runtime.sessionmaker() as s:
        if await store.get_document(s, claim_id=claim_id, document_id=document_id) is None:
            raise DocumentNotFound()
        return await store.document_keyings_of(s, document_id)
