"""The butler queue: why a claim needs a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from tracking_service.domain.deadlines import Clock, DeadlinePolicy
from tracking_service.domain.deadlines import clocks as clocks_of
from tracking_service.domain.guidance import DEADLINE_TITLES, doc_title, field_titles
from tracking_service.domain.state import ClaimState

_CLAIM_TYPE_TITLES = {"inpatient": "住院医疗", "critical_illness": "重大疾病"}

CLOSED = frozenset({"paid", "rejected", "withdrawn"})
# Referral reasons that say only that the platform may not decide: the insurer reviews the claim
# as it always has, so they alone put no claim in the butler queue.
INSURER_DECIDES = frozenset({"not_delegated", "over_instant_limit"})


@dataclass(frozen=True)
class AttentionRules:
    large_amount: Decimal = Decimal("50000")
    serious_claim_types: frozenset[str] = frozenset({"inpatient", "critical_illness"})
    due_soon: timedelta = timedelta(hours=24)
    rejected_documents: int = 2


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


def reasons(
    state: ClaimState, clocks: list[Clock], now: datetime, rules: AttentionRules
) -> list[Reason]:
    """Why this claim needs a person now; empty when it does not.

    A closed claim (paid, rejected, withdrawn) needs one only for a missed legal deadline or a
    disputed rejection whose outcome is not in yet."""
    found: list[Reason] = []
    for clock in clocks:
        title = DEADLINE_TITLES.get(clock.kind, clock.kind)
        if clock.breached(now):
            found.append(Reason("deadline_breached", f"{title}已超过法定时限"))
        elif clock.open_at(now) and not clock.paused and clock.due_at - now <= rules.due_soon:
            found.append(Reason("deadline_near", f"{title}将于24小时内到期"))
    if state.disputed_at is not None and state.dispute_closed_at is None:
        found.append(Reason("disputed", f"用户对拒赔结果有异议：{state.dispute_reason}"))
    if state.status in CLOSED:
        return found
    for doc_type, history in sorted(state.documents.items()):
        if history.rejections >= rules.rejected_documents:
            found.append(
                Reason(
                    "documents_rejected_repeatedly",
                    f"{doc_title(doc_type)}已被退回{history.rejections}次",
                )
            )
    waiting = sum(len(names) for names in state.fields_to_review.values())
    if waiting:
        names = sorted({n for names in state.fields_to_review.values() for n in names})
        found.append(
            Reason(
                "fields_to_review", f"{waiting}个字段无法识别，需人工录入：{field_titles(names)}"
            )
        )
    for referral in state.referral_reasons:
        if referral["code"] not in INSURER_DECIDES:
            found.append(Reason(referral["code"], referral["message"]))
    amount = state.approved_amount or state.claimed_amount
    if amount is not None and amount >= rules.large_amount:
        found.append(Reason("large_amount", f"理赔金额较大：¥{amount:.2f}"))
    if state.claim_type in rules.serious_claim_types:
        kind = _CLAIM_TYPE_TITLES.get(state.claim_type, state.claim_type)
        found.append(Reason("serious_claim_type", f"{kind}理赔，需人工跟进"))
    return found


@dataclass(frozen=True)
class Entry:
    state: ClaimState
    clocks: list[Clock]
    reasons: list[Reason]


def queue(
    states: Iterable[ClaimState], now: datetime, policy: DeadlinePolicy, rules: AttentionRules
) -> list[Entry]:
    """The claims that need a person, each with why; the oldest claim first, since its
    policyholder has waited longest."""
    entries = []
    for state in states:
        running = clocks_of(state, now, policy)
        why = reasons(state, running, now, rules)
        if why:
            entries.append(Entry(state, running, why))
    return sorted(entries, key=lambda e: (e.state.opened_at, e.state.claim_id))
