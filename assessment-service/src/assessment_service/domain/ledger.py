"""The ledger of one policy year: which claims were approved, for how much, and how much of the
deductible each used. Instant approvals and insurers' own approvals both count; a claim that is
withdrawn or rejected gives back what it held."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from assessment_service.domain.money import ZERO
from assessment_service.domain.payable import Usage


@dataclass(frozen=True)
class Entry:
    claim_id: str
    deductible_used: Decimal
    approved_amount: Decimal


@dataclass(frozen=True)
class YearLedger:
    entries: tuple[Entry, ...] = ()

    @property
    def deductible_used(self) -> Decimal:
        return sum((e.deductible_used for e in self.entries), ZERO)

    @property
    def approved(self) -> Decimal:
        return sum((e.approved_amount for e in self.entries), ZERO)

    def usage(self) -> Usage:
        return Usage(deductible_used=self.deductible_used, approved=self.approved)

    def holds(self, claim_id: str) -> bool:
        return any(e.claim_id == claim_id for e in self.entries)

    def approve(self, entry: Entry) -> YearLedger:
        """A claim approved once stays approved once: a repeated approval changes nothing."""
        if self.holds(entry.claim_id):
            return self
        return replace(self, entries=(*self.entries, entry))

    def release(self, claim_id: str) -> YearLedger:
        return replace(self, entries=tuple(e for e in self.entries if e.claim_id != claim_id))
