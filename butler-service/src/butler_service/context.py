"""What every service function of butler-service works with: the runtime (database, outbox,
clock), the key ring for text at rest, the service hours, the knowledge base and intake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from butler_service.domain.service_hours import ServiceHours
from butler_service.intake_client import IntakeClient
from butler_service.knowledge_base import KnowledgeBase
from butler_service.settings import Settings
from lipei.at_rest import KeyRing
from lipei.runtime import ServiceRuntime


@dataclass(frozen=True)
class Context:
    runtime: ServiceRuntime
    settings: Settings
    keys: KeyRing
    hours: ServiceHours
    knowledge: KnowledgeBase
    # Where a butler's keyed document fields go.
    intake: IntakeClient

    def now(self) -> datetime:
        return self.runtime.clock.now()

    def seal(self, text: str, *, row_id: str) -> str:
        """Text encrypted for storage, bound to its row."""
        return self.keys.encrypt(text, context=row_id)

    def unseal(self, stored: str, *, row_id: str) -> str:
        return self.keys.decrypt(stored, context=row_id)
