from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lipei.settings import ServiceSettings
from tracking_service.domain.deadlines import DEFAULT_DAYS


class Settings(ServiceSettings):
    """tracking-service settings (environment variables of the same names, upper-case)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    service_name: str = "tracking-service"
    port: int = 8003
    database_url: str = "sqlite+aiosqlite:///./var/tracking.db"
    deadline_days: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_DAYS),
        description="legal clock periods in days (JSON), kinds: " + ", ".join(DEFAULT_DAYS),
    )
    deadline_days_by_claim_type: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description='per-product overrides (JSON), e.g. {"critical_illness": {"decision": 30}}',
    )
    deadline_scan_seconds: float = Field(
        default=60.0, gt=0, description="how often due legal clocks are checked"
    )
    attention_large_amount: Decimal = Field(
        default=Decimal("50000"), description="claims of at least this many yuan go to the butler"
    )
    attention_claim_types: list[str] = Field(
        default_factory=lambda: ["inpatient", "critical_illness"],
        description="claim types that always go to the butler",
    )
    attention_due_soon_hours: float = Field(
        default=24.0, description="a deadline this close puts the claim in the butler queue"
    )
