"""What insurers fetch through the gateway's signed partner API: packages and document bytes."""

from __future__ import annotations

from intake_service import store
from intake_service.at_rest import open_claim, open_policy
from intake_service.container import Intake
from intake_service.domain import rules
from intake_service.domain.errors import ClaimNotFound, DocumentNotFound, LinkInvalid
from intake_service.domain.links import link_valid
from intake_service.domain.records import DocumentFile
from intake_service.domain.submission import claim_package
from lipei.events import ClaimPackage
from lipei.storage import StorageError


async def package(*, intake: Intake, insurer_code: str, claim_id: str) -> ClaimPackage:
    """The claim's package again, with fresh document links."""
    async with intake.runtime.sessionmaker() as s:
        claim = await store.insurers_claim(s, claim_id=claim_id, insurer_code=insurer_code)
        # A draft was never sent: to the insurer it does not exist yet.
        if claim is None or claim.submitted_at is None:
            raise ClaimNotFound()
        docs = await store.claim_documents(s, claim_id)
        insurer = await store.get_insurer(s, claim.insurer_code)
        policy = await store.get_policy(s, claim.policy_id)
    key = rules.insurer_key(insurer, claim.insurer_code)
    if policy is None:
        raise LookupError(f"the policy of claim {claim_id} is gone")
    return claim_package(
        claim=open_claim(intake.keys, claim),
        policy=open_policy(intake.keys, policy),
        insurer_key=key,
        documents=docs,
        field_keys=intake.field_keys,
        links=intake.links,
        now=intake.runtime.clock.now(),
    )


async def document_file(
    *,
    intake: Intake,
    claim_id: str,
    document_id: str,
    expires: int,
    signature: str,
    caller_insurer: str | None,
) -> DocumentFile:
    """The link itself is the credential (the gateway passes it on unsigned): it names the
    claim's insurer, the document and its expiry under our HMAC."""
    now = int(intake.runtime.clock.now().timestamp())
    async with intake.runtime.sessionmaker() as s:
        claim = await store.get_claim(s, claim_id)
        doc = await store.get_document(s, claim_id=claim_id, document_id=document_id)
    if claim is None or not link_valid(
        intake.links.secret,
        claim.insurer_code,
        claim_id,
        document_id,
        expires,
        signature,
        now=now,
    ):
        raise LinkInvalid()
    if caller_insurer is not None and caller_insurer != claim.insurer_code:
        raise ClaimNotFound()
    if doc is None:
        raise DocumentNotFound()
    try:
        data = await intake.storage.get(doc.storage_key)
    except StorageError as exc:
        raise DocumentNotFound("the document's file is gone") from exc
    return DocumentFile(doc, data)
