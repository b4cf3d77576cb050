"""HTTP routes of tracking-service: progress, disputes, partner decisions, the butler queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints, ValidationError

from lipei.app import RuntimeDep
from lipei.clock import iso
from lipei.etags import conditional_json
from lipei.events import EVENT_MODELS, INSTANT_DECIDER, Decision
from lipei.hot_reads import HotRoute
from lipei.paging import PageDep
from lipei.runtime import ServiceRuntime
from lipei.web import Caller, CallerDep, Problem, require_insurer, require_ops, require_user
from tracking_service import schemas
from tracking_service.dependencies import AttentionRulesDep, TrackerDep
from tracking_service.domain import attention, deadlines, disputes, guidance, status_machine
from tracking_service.domain.state import ClaimState
from tracking_service.handlers import Tracker, decision_fact
from tracking_service.store import Note

router = APIRouter()

_EXAMPLE = {
    "type": "claim.decision.approved",
    "claim_id": "0b6f7c1e-2f55-4d4e-9a7e-1d2c3b4a5f60",
    "decided_at": "2026-11-20T10:00:00+08:00",
    "approved_amount": "484.50",
}


class DisputeBody(BaseModel):
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
    ] = Field(description="why the user contests the rejection")


@router.get(
    "/api/v1/claims/{claim_id}/progress",
    response_model=schemas.Progress,
    responses={304: {"description": "unchanged since the ETag named in If-None-Match"}},
)
async def progress(request: Request, claim_id: str, caller: CallerDep) -> Response:
    """The claim's status, timeline and deadlines, with an ETag: the progress screen polls with
    If-None-Match and gets 304 while nothing changed (a deadline passing is a change)."""
    return await read_progress(request, caller, {"claim_id": claim_id})


async def read_progress(request: Request, caller: Caller, params: dict[str, str]) -> Response:
    """`progress`, also served ahead of FastAPI's routing (`HOT_READS`)."""
    user_id = require_user(caller)
    claim_id = params["claim_id"]
    runtime: ServiceRuntime = request.app.state.runtime
    tracker: Tracker = request.app.state.tracker
    async with runtime.reader() as s:
        state = await tracker.store.owned(s, claim_id, user_id)
        if state is None:
            raise Problem(404, "no such claim", type="claim-not-found")
        entries = await tracker.store.timeline_entries(s, claim_id)
    now = runtime.clock.now()
    view = schemas.Progress(
        claim_id=claim_id,
        status=state.status,
        timeline=[
            schemas.TimelineEntry(status=e.status, at=_iso(e.at), title=e.title, detail=e.detail)
            for e in entries
        ],
        deadlines=[
            deadline_view(c, now) for c in deadlines.clocks(state, now, tracker.store.policy)
        ],
        next_action=guidance.next_action(state),
    )
    return conditional_json(request, view)


# The read the progress screen polls.
HOT_READS = (HotRoute("/api/v1/claims/{claim_id}/progress", read_progress),)


@router.post("/api/v1/claims/{claim_id}/dispute")
async def dispute(
    claim_id: str, caller: CallerDep, runtime: RuntimeDep, tracker: TrackerDep, body: DisputeBody
) -> schemas.Dispute:
    """The policyholder contests a rejection; the claim joins the butler queue."""
    user_id = require_user(caller)
    now = runtime.clock.now()
    async with runtime.unit_of_work() as s:
        state = await tracker.store.load(s, claim_id)
        if state is None or state.user_id != user_id:
            raise Problem(404, "no such claim", type="claim-not-found")
        try:
            state, opened = disputes.open_dispute(state, body.reason, now)
        except disputes.DisputeRefused as exc:
            raise Problem(409, str(exc), type="claim-not-disputable") from None
        if opened:
            note = Note(at=now, title="您已对理赔结果提出异议", detail=body.reason, cause_id="")
            await tracker.store.save(s, state, now=now, notes=[note])
    assert state.disputed_at is not None
    return schemas.Dispute(
        claim_id=claim_id, disputed_at=_iso(state.disputed_at), reason=state.dispute_reason
    )


@router.post("/partner/v1/decisions", status_code=202)
async def decide(
    caller: CallerDep,
    runtime: RuntimeDep,
    tracker: TrackerDep,
    body: Annotated[dict[str, Any], Body(examples=[_EXAMPLE])],
) -> schemas.DecisionAccepted:
    """Take an insurer's decision onto `lipei.decisions.v1`, the path Kafka decisions take."""
    insurer = require_insurer(caller)
    now = runtime.clock.now()
    event = _decision(body, insurer, now)
    async with runtime.unit_of_work() as s:
        state = await tracker.store.load(s, event.claim_id)
        if state is None or state.insurer_code != insurer:
            raise Problem(404, "no such claim", type="claim-not-found")
        trial = status_machine.apply(state, decision_fact(event, "trial"), received_at=now)
        if trial.verdict == "refused":
            raise Problem(409, trial.reason or "refused", type="transition-refused")
        envelope = await runtime.outbox.add(s, event, time=now)
    return schemas.DecisionAccepted(
        decision_id=envelope.id, claim_id=event.claim_id, type=event.event_type, status="accepted"
    )


@router.get("/ops/v1/attention")
async def attention_queue(
    caller: CallerDep,
    runtime: RuntimeDep,
    tracker: TrackerDep,
    rules: AttentionRulesDep,
    page: PageDep,
) -> schemas.AttentionPage:
    require_ops(caller)
    now = runtime.clock.now()
    async with runtime.sessionmaker() as s:
        states = await tracker.store.open_claims(s)
    queue = attention.queue(states, now, tracker.store.policy, rules)
    # one item past the page tells whether another page follows
    window = queue[page.start : page.start + page.limit + 1]
    return schemas.AttentionPage(
        items=[_attention_item(e.state, e.clocks, e.reasons, now) for e in window[: page.limit]],
        next_cursor=page.next_cursor(len(window)),
    )


DECISION_MODELS: dict[str, type[Decision]] = {
    t: m for t, m in EVENT_MODELS.items() if issubclass(m, Decision)
}


def _decision(body: dict[str, Any], insurer: str, now: datetime) -> Decision:
    """The decision event an insurer posted, as its own; 422 where it is not one."""
    data = dict(body)
    event_type = data.pop("type", None)
    model = DECISION_MODELS.get(event_type) if isinstance(event_type, str) else None
    if model is None:
        message = "must be one of " + ", ".join(sorted(DECISION_MODELS))
        raise _invalid("type", message)
    data.setdefault("insurer_code", insurer)
    data.setdefault("decided_at", now.isoformat())
    if data["insurer_code"] != insurer:
        raise _invalid("insurer_code", "must be the calling insurer's own code")
    if data.get("decided_by") == INSTANT_DECIDER:
        raise _invalid("decided_by", f"{INSTANT_DECIDER} marks the platform's own decisions")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _validation_problem(exc) from None


def _invalid(field: str, message: str) -> Problem:
    return Problem(
        422,
        f"{field}: {message}",
        type="validation-error",
        errors=[{"field": field, "message": message}],
    )


def _validation_problem(exc: ValidationError) -> Problem:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return Problem(422, detail, type="validation-error", errors=errors)


def _iso(value: datetime) -> str:
    text = iso(value)
    assert text is not None
    return text


def deadline_view(clock: deadlines.Clock, now: datetime) -> schemas.Deadline:
    return schemas.Deadline(
        kind=clock.kind,
        title=guidance.DEADLINE_TITLES.get(clock.kind, clock.kind),
        due_at=_iso(clock.due_at),
        met=clock.met,
        breached=clock.breached(now),
        paused=clock.paused,
    )


def _attention_item(
    state: ClaimState,
    clocks: list[deadlines.Clock],
    why: list[attention.Reason],
    now: datetime,
) -> schemas.AttentionItem:
    amount = state.approved_amount or state.claimed_amount
    return schemas.AttentionItem(
        claim_id=state.claim_id,
        user_id=state.user_id,
        insurer_code=state.insurer_code,
        claim_type=state.claim_type,
        status=state.status,
        amount=f"{amount:.2f}" if amount is not None else None,
        opened_at=_iso(state.opened_at),
        reasons=[schemas.AttentionReason(code=r.code, message=r.message) for r in why],
        deadlines=[deadline_view(c, now) for c in clocks],
    )
