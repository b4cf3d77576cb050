"""What intake refuses, as domain errors. Each names its problem type (`code`) and says why.

The kinds are what is wrong: something is not found, conflicts with the claim's state, or is not
acceptable as given. problems.py turns each kind into an HTTP status, in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class IntakeError(Exception):
    code: ClassVar[str]
    default_detail: ClassVar[str] = ""

    def __init__(self, detail: str | None = None, *, errors: Sequence[FieldError] = ()) -> None:
        self.detail = detail or self.default_detail
        self.errors = tuple(errors)
        super().__init__(self.detail)

    def extra(self) -> dict[str, Any]:
        """Members of the problem besides its detail and field errors."""
        return {}


class NotFound(IntakeError):
    """Not there, or not the caller's (which the caller is not told apart)."""


class Conflict(IntakeError):
    """Not possible in the claim's current state."""


class Refused(IntakeError):
    """Not acceptable as given; `errors` names the fields at fault."""


class Forbidden(IntakeError):
    """The credential presented does not allow it."""


class FieldRefused(Refused):
    """One field's value is refused: the detail is also the field's message."""

    field: ClassVar[str]

    def __init__(self, detail: str | None = None) -> None:
        detail = detail or self.default_detail
        super().__init__(detail, errors=[FieldError(self.field, detail)])


# --- not found ------------------------------------------------------------------------------


class ClaimNotFound(NotFound):
    code = "claim-not-found"
    default_detail = "no such claim"


class PolicyNotFound(NotFound):
    code = "policy-not-found"
    default_detail = "no such policy among yours"


class InsurerNotFound(NotFound):
    code = "insurer-not-found"
    default_detail = "no such insurer"


class DocumentNotFound(NotFound):
    code = "document-not-found"
    default_detail = "no such document"


# --- the claim's state ----------------------------------------------------------------------


class ClaimNotEditable(Conflict):
    code = "not-editable"


class NotSubmittable(Conflict):
    code = "not-submittable"


class NotWithdrawable(Conflict):
    code = "not-withdrawable"


class ClaimIncomplete(Conflict):
    """Says everything still needed at once, so the policyholder is told all of it."""

    code = "claim-incomplete"

    def __init__(self, detail: str, *, still_needed: list[dict[str, Any]]) -> None:
        super().__init__(detail)
        self.still_needed = still_needed

    def extra(self) -> dict[str, Any]:
        return {"still_needed": self.still_needed}


class DocumentsProcessing(Conflict):
    code = "documents-processing"
    default_detail = "some documents are still being checked; sign once they are done"


class SignatureRequired(Conflict):
    code = "signature-required"
    default_detail = "sign the claim before submitting it"


class SignatureVoid(Conflict):
    code = "signature-void"
    default_detail = "the claim changed after it was signed; please sign it again"


class NoSupplement(Conflict):
    code = "no-supplement"
    default_detail = "upload the requested materials before submitting again"


class InsurerNotReady(Conflict):
    code = "insurer-not-ready"

    def __init__(self, insurer_code: str) -> None:
        super().__init__(
            f"insurer {insurer_code} is not ready to receive claims yet (no encryption key is "
            "registered); please try again later"
        )


class ClaimChanged(Conflict):
    """A parallel request moved the claim first (e.g. a double-tapped submit): only one wins."""

    code = "claim-changed"
    default_detail = "the claim changed meanwhile; reload it"


# --- refused as given -----------------------------------------------------------------------


class UnknownPolicy(FieldRefused):
    code = "unknown-policy"
    field = "policy_id"
    default_detail = "no such policy among yours"


class UnknownClaimType(Refused):
    code = "unknown-claim-type"

    def __init__(self, claim_type: str, *, field: str | None = None) -> None:
        detail = f"unknown claim type {claim_type!r}"
        super().__init__(detail, errors=[FieldError(field, detail)] if field else ())


class ClaimTypeNotCovered(FieldRefused):
    code = "claim-type-not-covered"
    field = "claim_type"


class IncidentDateNotCovered(FieldRefused):
    code = "incident-date-not-covered"
    field = "incident_date"


class IncidentInFuture(FieldRefused):
    code = "incident-in-future"
    field = "incident_date"
    default_detail = "the incident date is in the future"


class NotAgreed(FieldRefused):
    code = "not-agreed"
    field = "agreed"
    default_detail = "the declaration must be agreed to sign"


class IdempotencyKeyReused(Refused):
    code = "idempotency-key-reused"

    def __init__(self) -> None:
        super().__init__(
            "this Idempotency-Key was already used for a different request",
            errors=[FieldError("Idempotency-Key", "used with another body")],
        )


class UnknownDocType(Refused):
    code = "unknown-doc-type"

    def __init__(self, doc_type: str) -> None:
        super().__init__(
            f"unknown document type {doc_type!r}",
            errors=[FieldError("doc_type", "unknown document type")],
        )


class InvalidPolicy(Refused):
    code = "validation-error"


class InvalidInsurer(Refused):
    code = "validation-error"


# --- credentials ----------------------------------------------------------------------------


class LinkInvalid(Forbidden):
    code = "link-invalid"
    default_detail = "this download link is not valid or has expired; fetch the package again"
