"""butler-service settings (environment variables of the same names, upper-case)."""

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from butler_service.domain.service_hours import HoursError, ServiceHours
from lipei.settings import ServiceSettings

# Dev-only key so `make run` works out of the box; production sets DATA_KEYS.
DEV_DATA_KEYS = "dev-1:cGYTYiV626z50hrG57RpSaYZT3omMAOzEVpB8F2EN0k="


class Settings(ServiceSettings):
    """butler-service settings (environment variables of the same names, upper-case)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    service_name: str = "butler-service"
    port: int = 8006
    database_url: str = "sqlite+aiosqlite:///./var/butler.db"
    # Key ring for the message text at rest, in intake's format: `id:base64(32 bytes)[,id:...]`,
    # the first key encrypts (rotate with `python -m butler_service.rekey`).
    data_keys: str = DEV_DATA_KEYS
    butler_hours: str = Field(
        default="09:00-21:00", description="service hours, China time, HH:MM-HH:MM every day"
    )
    butler_reply_minutes: float = Field(
        default=10.0, gt=0, le=24 * 60, description="reply time, counted in service hours"
    )
    # Outside service hours the best article answers at once when it is this sure (normalized
    # BM25 score, 0–1) and scores at least `butler_assistant_min_lead` times the next one. On the
    # evaluation set these defaults answer about a quarter of the questions, 97 % of them right.
    butler_assistant_min_score: float = Field(default=0.2, ge=0, le=1)
    butler_assistant_min_lead: float = Field(default=1.5, ge=1)
    # Where fields a butler keys in go (intake's internal endpoint), and how long it may take.
    intake_url: str = Field(default="http://127.0.0.1:8001", validation_alias="INTAKE_URL")
    intake_timeout_seconds: float = Field(default=10.0, gt=0)
    # How often a replica looks for articles another replica changed.
    knowledge_refresh_seconds: float = Field(default=5.0, gt=0)

    @field_validator("butler_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        try:
            ServiceHours.parse(value)
        except HoursError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @property
    def service_hours(self) -> ServiceHours:
        return ServiceHours.parse(self.butler_hours)
