"""Request and response shapes of butler-service's HTTP API (they document the OpenAPI too)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
)

from butler_service.domain.text import MAX_CHARACTERS, TextRefused, refuse_control_characters


def _plain(value: str) -> str:
    """Text kept as written (names, questions, criteria): no control characters at all."""
    try:
        refuse_control_characters(value, newlines=False)
    except TextRefused as exc:
        raise ValueError(str(exc)) from None
    return value


def _plain_lines(value: str) -> str:
    """Longer text (answers, notes): newlines allowed, no other control characters."""
    try:
        refuse_control_characters(value, newlines=True)
    except TextRefused as exc:
        raise ValueError(str(exc)) from None
    return value


def _iso_date(value: object) -> object:
    """Only `YYYY-MM-DD` is a date here (not a number of seconds, not a time)."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value
    raise ValueError("a date is written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Number = Annotated[float, Field(strict=True)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
UserId = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f/]+$")
]
Text = Annotated[str, Field(min_length=1, max_length=MAX_CHARACTERS)]
Note = Annotated[str, Field(max_length=MAX_CHARACTERS), AfterValidator(_plain_lines)]
Author = Literal["user", "butler", "assistant"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests -------------------------------------------------------------------------------


class MessageIn(Strict):
    text: Text = Field(
        description="1–2,000 characters; newlines allowed, other control characters are not",
        examples=["门诊发票丢了还能理赔吗？"],
    )
    claim_id: Id | None = Field(default=None, description="one of the user's own claims")


class ComplaintIn(Strict):
    text: Text = Field(examples=["管家两天没有回复我"])
    claim_id: Id | None = None


class ButlerIn(Strict):
    display_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ]
    capacity: StrictInt = Field(ge=0, le=100_000, description="users this butler can look after")
    active: StrictBool = True


class ArticleIn(Strict):
    question: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
        AfterValidator(_plain),
    ]
    answer: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
        AfterValidator(_plain_lines),
    ]
    tags: list[
        Annotated[str, StringConstraints(min_length=1, max_length=50), AfterValidator(_plain)]
    ] = Field(default_factory=list, max_length=20)


class ScoreIn(Strict):
    criterion: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ]
    score: Number = Field(ge=0, le=1000)
    max: Number = Field(gt=0, le=1000)


class ReviewIn(Strict):
    user_id: UserId
    date: IsoDate
    scores: list[ScoreIn] = Field(min_length=1, max_length=30)
    note: Note = ""


class DisputeIn(Strict):
    outcome: Literal["overturned", "partly_overturned", "upheld"]
    recovered_amount: Decimal = Field(
        ge=0, le=Decimal("100000000"), max_digits=14, decimal_places=2, examples=["3200.00"]
    )
    note: Note = ""


class ResolveIn(Strict):
    note: Note = ""


# --- responses ------------------------------------------------------------------------------


class ButlerCard(BaseModel):
    butler_id: str
    display_name: str
    online: bool = Field(description="active and within service hours")


class Posted(BaseModel):
    message_id: str
    at: str


class Message(BaseModel):
    message_id: str
    author: Author
    text: str
    claim_id: str | None
    at: str


class MessagePage(BaseModel):
    items: list[Message]
    next_cursor: str | None


class ComplaintCreated(BaseModel):
    complaint_id: str


class ClaimAttention(BaseModel):
    claim_id: str
    status: str
    reasons: list[str]


class InboxItem(BaseModel):
    user_id: str
    butler_id: str | None
    last_message: str | None = Field(description="the user's latest message")
    waiting_since: str | None
    reply_due_at: str | None
    overdue: bool
    claims: list[ClaimAttention] = Field(description="the user's claims that need the butler")


class InboxPage(BaseModel):
    items: list[InboxItem]
    next_cursor: str | None


class Suggestion(BaseModel):
    article_id: str
    question: str
    answer: str
    score: float = Field(description="0–1: how much of the question the article answers")


class Suggestions(BaseModel):
    question: str | None = Field(description="the user's latest question")
    items: list[Suggestion]


class Reason(BaseModel):
    code: str
    message: str


class DocumentView(BaseModel):
    document_id: str
    doc_type: str
    status: str = Field(description="processing, accepted or rejected")
    reasons: list[Reason]
    fields: dict[str, str] = Field(description="the OCR's fields, sensitive ones masked")
    fields_to_review: list[str] = Field(description="fields a person has to key in")


class FieldsIn(BaseModel):
    """Values keyed in from a document's picture, by field name, e.g.
    `{"hospital": "北京协和医院"}`: dates `YYYY-MM-DD`, amounts decimal yuan; intake checks them
    as OCR checks what it reads."""

    fields: dict[str, Any] = Field(
        min_length=1, max_length=20, examples=[{"hospital": "北京协和医院"}]
    )


class KeyedDocument(BaseModel):
    """The document after the keying, as intake represents it."""

    document_id: str
    doc_type: str
    status: str
    reasons: list[Reason]
    fields: dict[str, str] = Field(description="read or keyed, sensitive values masked")
    fields_to_review: list[str] = Field(description="fields still left for a person to key in")
    keyed_fields: list[str] = Field(description="fields a person keyed in")
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: str


class DeadlineView(BaseModel):
    kind: str
    due_at: str
    met: bool
    paused: bool
    breached: bool


class DisputeView(BaseModel):
    claim_id: str
    user_id: str
    butler_id: str | None
    outcome: str
    recovered_amount: str
    recorded_at: str


class ClaimAssist(BaseModel):
    claim_id: str
    claim_type: str | None
    insurer_code: str | None
    status: str
    next_action: str | None
    claimed_amount: str | None
    approved_amount: str | None
    paid_amount: str | None
    incident_date: str | None
    documents: list[DocumentView]
    deadlines: list[DeadlineView]
    assessment: dict[str, object] | None
    dispute: DisputeView | None
    attention: list[str]


class ClaimAssistPage(BaseModel):
    items: list[ClaimAssist]
    next_cursor: str | None


class ButlerAccount(BaseModel):
    butler_id: str
    display_name: str
    capacity: int
    active: bool
    users: int
    moved_users: int = Field(description="users moved by this change (to or from this butler)")


class ArticleOut(BaseModel):
    article_id: str
    question: str
    answer: str
    tags: list[str]
    revision: int


class ComplaintView(BaseModel):
    complaint_id: str
    user_id: str
    butler_id: str | None
    claim_id: str | None
    text: str = Field(description="masked")
    status: Literal["open", "resolved"]
    opened_at: str
    resolved_at: str | None


class ComplaintPage(BaseModel):
    items: list[ComplaintView]
    next_cursor: str | None


class SampledMessage(BaseModel):
    message_id: str
    author: Author
    text: str = Field(description="ID, card and phone numbers masked")
    at: str


class SampledConversation(BaseModel):
    user_id: str
    butler_id: str | None
    messages: list[SampledMessage]
    complaint: ComplaintView | None


class QaSample(BaseModel):
    date: str
    rate: float
    items: list[SampledConversation]


class ReviewOut(BaseModel):
    review_id: str
    user_id: str
    date: str
    butler_id: str | None
    normalized_score: float


class ScoreLine(BaseModel):
    butler_id: str
    display_name: str
    active: bool
    users: int
    conversations: int
    median_first_reply_seconds: float | None = Field(description="counted in service hours")
    replied_in_time_share: float | None
    reviews: int
    mean_normalized_score: float | None
    complaints: int
    disputes_overturned: int
    amount_recovered: str


class Scoreboard(BaseModel):
    items: list[ScoreLine]
