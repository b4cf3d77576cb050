"""assessment-service settings."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lipei.settings import ServiceSettings


class Settings(ServiceSettings):
    """assessment-service settings (environment variables of the same names, upper-case)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    service_name: str = "assessment-service"
    port: int = 8005
    database_url: str = "sqlite+aiosqlite:///./var/assessment.db"
    rules_file: str = Field(
        default="",
        description="the decision table (GoRules JSON) to assess with; empty: the one shipped",
    )
