"""The Kafka contract (EVENTS.md) as pydantic models: topics, event types and their data.

Each model's `event_type` is its CloudEvents `type`; `TOPIC_OF` says where it is published.
Fields may be added freely; names given in EVENTS.md never change.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

# Money travels as a decimal string in yuan ("484.50"), never a float.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda d: f"{d:.2f}", return_type=str, when_used="always"),
    Field(json_schema_extra={"type": "string", "pattern": r"^-?\d+\.\d{2}$"}),
]
# A share such as a reimbursement ratio, as a decimal string ("0.8000").
Ratio = Annotated[
    Decimal,
    PlainSerializer(lambda d: str(d), return_type=str, when_used="always"),
    Field(json_schema_extra={"type": "string", "pattern": r"^\d+(\.\d+)?$"}),
]
# `decided_by` of a decision the platform took under the insurer's delegated authority.
INSTANT_DECIDER = "lipei-instant"

CLAIMS_TOPIC = "lipei.claims.v1"
DOCUMENTS_TOPIC = "lipei.documents.v1"
DECISIONS_TOPIC = "lipei.decisions.v1"
ASSESSMENTS_TOPIC = "lipei.assessments.v1"
CLAIM_STATUS_TOPIC = "lipei.claim-status.v1"
NOTIFICATIONS_TOPIC = "lipei.notifications.v1"
ALERTS_TOPIC = "lipei.alerts.v1"
CONVERSATIONS_TOPIC = "lipei.conversations.v1"
DISPUTES_TOPIC = "lipei.disputes.v1"


def insurer_topic(insurer_code: str) -> str:
    return f"lipei.insurer.{insurer_code}.v1"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


ClaimStatus = Literal[
    "draft",
    "submitted",
    "under_review",
    "materials_requested",
    "approved",
    "paid",
    "rejected",
    "withdrawn",
]


class Event(BaseModel):
    """Base of every event's data. Subclasses set `event_type` and `topic`."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]

    def subject(self) -> str | None:
        """CloudEvents `subject` and Kafka key: the claim id where there is one."""
        claim_id = getattr(self, "claim_id", None)
        return str(claim_id) if claim_id is not None else None


# --- lipei.claims.v1 (intake) -------------------------------------------------------------


class ClaimEvent(Event):
    topic: ClassVar[str] = CLAIMS_TOPIC
    claim_id: str
    user_id: str


class ClaimDrafted(ClaimEvent):
    event_type: ClassVar[str] = "claim.drafted"
    policy_id: str
    insurer_code: str
    claim_type: str
    incident_date: date
    claimed_amount: Money | None = None
    drafted_at: datetime


class ClaimDocumentUploaded(ClaimEvent):
    event_type: ClassVar[str] = "claim.document.uploaded"
    document_id: str
    doc_type: str
    storage_key: str
    sha256: str
    content_type: str
    size_bytes: int
    uploaded_at: datetime


class ClaimSigned(ClaimEvent):
    event_type: ClassVar[str] = "claim.signed"
    content_hash: str
    signed_at: datetime


class InvoiceFacts(BaseModel):
    """One accepted medical invoice as the instant assessment reads it. A field OCR could not
    read is null. No name travels: intake says only whether the payer is the insured."""

    document_id: str
    invoice_code: str | None = None
    invoice_number: str | None = None
    issue_date: date | None = None
    total_amount: Money | None = None
    insurance_paid: Money | None = None
    self_paid: Money | None = None
    visit_type: str | None = None
    # null when the payer's name was not read
    payer_is_insured: bool | None = None


class PolicyTerms(BaseModel):
    """The policy's terms the arithmetic needs (no names, no ID numbers)."""

    policy_id: str
    coverage: list[str]
    valid_from: date
    valid_to: date
    sum_insured: Money
    deductible: Money | None = None
    reimbursement_ratio: Ratio | None = None


class InstantClaims(BaseModel):
    """The authority an insurer delegates to the platform: claim types and the largest amount."""

    claim_types: list[str]
    max_amount: Money


class AssessmentFacts(BaseModel):
    """What intake alone can see, reduced to what the instant assessment needs: identity checks
    are answered as booleans, so names and ID numbers stay in intake."""

    incident_date: date
    policy: PolicyTerms
    invoices: list[InvoiceFacts] = []
    # null when the claim has no accepted ID card or its name was not read
    id_card_is_insured: bool | None = None
    # the insurer's delegation when the claim was submitted; null: nothing is delegated
    delegation: InstantClaims | None = None


class ClaimSubmitted(ClaimEvent):
    event_type: ClassVar[str] = "claim.submitted"
    insurer_code: str
    claim_type: str
    claimed_amount: Money | None = None
    submitted_at: datetime
    policy_id: str | None = None
    assessment: AssessmentFacts | None = None


class ClaimMaterialsSupplemented(ClaimEvent):
    event_type: ClassVar[str] = "claim.materials.supplemented"
    document_ids: list[str]
    doc_types: list[str] = []
    supplemented_at: datetime


class ClaimWithdrawn(ClaimEvent):
    event_type: ClassVar[str] = "claim.withdrawn"
    reason: str | None = None
    withdrawn_at: datetime


class ClaimDocumentFieldsKeyed(ClaimEvent):
    """A person (ops or the user's butler) keyed in fields of an accepted document that OCR could
    not place, or corrected ones it read. Values travel masked only; the full values stay sealed
    in intake and reach the insurer in the claim package."""

    event_type: ClassVar[str] = "claim.document.fields_keyed"
    document_id: str
    doc_type: str
    # the names keyed this time, and what the whole document now holds from a person
    keyed_fields: list[str]
    all_keyed_fields: list[str] = []
    # what is still left for a person on this document, and on the whole claim
    fields_to_review: list[str] = []
    claim_fields_to_review: int = 0
    # display-safe values of the document after the keying (sensitive ones masked)
    masked_fields: dict[str, str] = {}
    keyed_by: str
    keyed_role: Literal["ops", "butler"]
    keyed_at: datetime
    # Set when the claim was already submitted and nothing is left to key on it: the facts of the
    # instant assessment with the keyed values, so a referred claim is assessed again.
    insurer_code: str | None = None
    claim_type: str | None = None
    policy_id: str | None = None
    submitted_at: datetime | None = None
    claimed_amount: Money | None = None
    assessment: AssessmentFacts | None = None


# --- lipei.documents.v1 (ocr) -------------------------------------------------------------


class Reason(BaseModel):
    """A machine reason code and its zh-CN text, e.g. `blurry` / 照片模糊，请重新拍摄."""

    code: str
    message: str


class DocumentVerdict(Event):
    topic: ClassVar[str] = DOCUMENTS_TOPIC
    claim_id: str
    document_id: str
    user_id: str | None = None
    doc_type: str
    detected_doc_type: str | None = None
    # Display-safe values: sensitive fields masked (EVENTS.md forbids plaintext IDs here).
    masked_fields: dict[str, str] = {}
    # The full fields, sealed to intake-service's public key (base64 libsodium sealed box).
    sealed_fields: str | None = None
    timings_ms: dict[str, float] = {}


class DocumentAccepted(DocumentVerdict):
    event_type: ClassVar[str] = "document.accepted"
    accepted_at: datetime
    # Fields a claim needs that could not be read on a sharp, complete photo: a person keys them
    # in from the picture instead of the user retaking it.
    fields_to_review: list[str] = []


class DocumentRejected(DocumentVerdict):
    event_type: ClassVar[str] = "document.rejected"
    reasons: list[Reason]
    rejected_at: datetime


# --- lipei.insurer.{code}.v1 (intake) -----------------------------------------------------


class ClaimPackage(Event):
    """The full structured claim for one insurer; sensitive values sealed to its public key."""

    event_type: ClassVar[str] = "claim.package"
    topic: ClassVar[str] = "lipei.insurer.{insurer_code}.v1"
    claim_id: str
    insurer_code: str
    claim_type: str
    submitted_at: datetime
    form: dict[str, Any]
    policy: dict[str, Any]
    payee: dict[str, Any] | None = None
    documents: list[dict[str, Any]]
    # Which encryption scheme sealed the `sealed` values, so insurers know how to open them.
    encryption: dict[str, str] = {"scheme": "libsodium-sealedbox-x25519", "encoding": "base64"}


# --- lipei.decisions.v1 (insurers, partner API) ---------------------------------------------


class MaterialRequest(BaseModel):
    doc_type: str
    reason: str


class Decision(Event):
    topic: ClassVar[str] = DECISIONS_TOPIC
    claim_id: str
    insurer_code: str
    decided_at: datetime
    # `lipei-instant` when assessment-service decided under the insurer's delegated authority
    decided_by: str | None = None


class DecisionAcknowledged(Decision):
    event_type: ClassVar[str] = "claim.decision.acknowledged"


class DecisionMaterialsRequested(Decision):
    event_type: ClassVar[str] = "claim.decision.materials_requested"
    materials: list[MaterialRequest] = Field(min_length=1)


class DecisionApproved(Decision):
    event_type: ClassVar[str] = "claim.decision.approved"
    approved_amount: Money


class DecisionRejected(Decision):
    event_type: ClassVar[str] = "claim.decision.rejected"
    reason: str = Field(min_length=1)


class DecisionPaid(Decision):
    event_type: ClassVar[str] = "claim.decision.paid"
    paid_amount: Money
    paid_at: datetime


# --- lipei.assessments.v1 (assessment; a copy on the insurer's own topic) -------------------


class AssessmentLine(BaseModel):
    """One invoice of an assessment: what it counts for (total less what social insurance paid)."""

    document_id: str
    invoice_code: str | None = None
    invoice_number: str | None = None
    total_amount: Money | None = None
    insurance_paid: Money | None = None
    eligible_amount: Money


class ClaimAssessed(Event):
    """The instant assessment of a submitted claim: approved in the insurer's name, or referred
    to a person with the reasons."""

    event_type: ClassVar[str] = "claim.assessed"
    topic: ClassVar[str] = ASSESSMENTS_TOPIC
    claim_id: str
    insurer_code: str
    outcome: Literal["approved", "referred"]
    payable_amount: Money
    reasons: list[Reason] = []
    lines: list[AssessmentLine] = []
    deductible_applied: Money
    reimbursement_ratio: Ratio
    rules_version: str
    assessed_at: datetime


# --- lipei.claim-status.v1 (tracking) ------------------------------------------------------


class ClaimStatusChanged(Event):
    event_type: ClassVar[str] = "claim.status.changed"
    topic: ClassVar[str] = CLAIM_STATUS_TOPIC
    claim_id: str
    user_id: str | None = None
    from_: ClaimStatus | None = Field(default=None, alias="from")
    to: ClaimStatus
    at: datetime
    next_action: str | None = None
    cause: str | None = None


class ClaimDeadlineBreached(Event):
    event_type: ClassVar[str] = "claim.deadline.breached"
    topic: ClassVar[str] = CLAIM_STATUS_TOPIC
    claim_id: str
    user_id: str | None = None
    insurer_code: str | None = None
    kind: str
    due_at: datetime


# --- lipei.notifications.v1 (notify) -------------------------------------------------------


class NotificationEvent(Event):
    topic: ClassVar[str] = NOTIFICATIONS_TOPIC
    notification_id: str
    user_id: str
    channel: Literal["wechat", "sms", "voice", "inbox"]
    trigger: str
    claim_id: str | None = None
    at: datetime


class NotificationSent(NotificationEvent):
    event_type: ClassVar[str] = "notification.sent"


class NotificationFailed(NotificationEvent):
    event_type: ClassVar[str] = "notification.failed"
    error: str
    permanent: bool


class NotificationEscalated(NotificationEvent):
    event_type: ClassVar[str] = "notification.escalated"
    from_channel: str
    # why: the reminder was not acted on in time, or the channel before cannot reach the user
    reason: str | None = Field(default=None, max_length=500)


# --- lipei.alerts.v1 (ops API) ---------------------------------------------------------------


class AlertIssued(Event):
    event_type: ClassVar[str] = "alert.issued"
    topic: ClassVar[str] = ALERTS_TOPIC
    alert_id: str
    region_codes: list[str] = Field(min_length=1)
    kind: str
    title: str
    body: str
    valid_until: datetime
    issued_at: datetime

    def subject(self) -> str | None:
        # Alerts are keyed by region (EVENTS.md); the first region orders one alert's messages.
        return self.region_codes[0]


# --- lipei.conversations.v1 (butler) ---------------------------------------------------------


class ConversationEvent(Event):
    """Something happened in a user's conversation with their butler. Never the text: it may
    hold ID numbers and diagnoses, and stays encrypted in butler-service."""

    topic: ClassVar[str] = CONVERSATIONS_TOPIC
    user_id: str

    def subject(self) -> str | None:
        # Keyed by user, so one conversation's events keep their order.
        return self.user_id


class ConversationMessagePosted(ConversationEvent):
    event_type: ClassVar[str] = "conversation.message.posted"
    message_id: str
    author: Literal["user", "butler", "assistant"]
    at: datetime
    butler_id: str | None = None
    claim_id: str | None = None


class ConversationComplaintOpened(ConversationEvent):
    event_type: ClassVar[str] = "conversation.complaint.opened"
    complaint_id: str
    butler_id: str | None = None
    claim_id: str | None = None
    opened_at: datetime


# --- lipei.disputes.v1 (butler) ---------------------------------------------------------------


class ClaimDisputeResolved(Event):
    """What came of a disputed rejection a butler took up with the insurer (the butler's note
    stays in butler-service: it is free text)."""

    event_type: ClassVar[str] = "claim.dispute.resolved"
    topic: ClassVar[str] = DISPUTES_TOPIC
    claim_id: str
    user_id: str
    outcome: Literal["overturned", "partly_overturned", "upheld"]
    recovered_amount: Money
    resolved_at: datetime
    butler_id: str | None = None


EVENT_MODELS: dict[str, type[Event]] = {
    model.event_type: model
    for model in (
        ClaimDrafted,
        ClaimDocumentUploaded,
        ClaimSigned,
        ClaimSubmitted,
        ClaimMaterialsSupplemented,
        ClaimWithdrawn,
        ClaimDocumentFieldsKeyed,
        DocumentAccepted,
        DocumentRejected,
        ClaimPackage,
        DecisionAcknowledged,
        DecisionMaterialsRequested,
        DecisionApproved,
        DecisionRejected,
        DecisionPaid,
        ClaimAssessed,
        ClaimStatusChanged,
        ClaimDeadlineBreached,
        NotificationSent,
        NotificationFailed,
        NotificationEscalated,
        AlertIssued,
        ConversationMessagePosted,
        ConversationComplaintOpened,
        ClaimDisputeResolved,
    )
}

DECISION_TYPES: frozenset[str] = frozenset(
    t for t, m in EVENT_MODELS.items() if issubclass(m, Decision)
)


class UnknownEventType(ValueError):
    pass


def parse_event(event_type: str, data: dict[str, Any]) -> Event:
    """Validate an event's data against its model (raises UnknownEventType or ValidationError)."""
    model = EVENT_MODELS.get(event_type)
    if model is None:
        raise UnknownEventType(event_type)
    return model.model_validate(data)
