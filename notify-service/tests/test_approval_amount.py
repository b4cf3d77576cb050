"""An approval tells the user the amount, as a payment does."""

from __future__ import annotations

from datetime import UTC, datetime

from lipei.events import ClaimStatusChanged
from notify_service.domain.status_notices import status_notice
from notify_service.domain.templates import render

AT = datetime(2026, 11, 1, tzinfo=UTC)


def _approved(**extra: str) -> ClaimStatusChanged:
    return ClaimStatusChanged.model_validate(
        {"claim_id": "claim-0001234", "from": "under_review", "to": "approved", "at": AT, **extra}
    )


def test_an_approval_with_its_amount_names_the_amount() -> None:
    notice = status_notice(_approved(approved_amount="227.60"))
    assert notice is not None and notice.template == "claim_approved_amount"
    assert "227.60元" in render(notice.template, notice.params).body


def test_an_approval_without_an_amount_reads_as_before() -> None:
    notice = status_notice(_approved())
    assert notice is not None and notice.template == "claim_approved"
