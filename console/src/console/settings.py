"""console settings (environment variables of the same names, upper-case)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lipei.settings import ServiceSettings


class Settings(ServiceSettings):
    """console settings (environment variables of the same names, upper-case)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    service_name: str = "console"
    port: int = 8007
    # The console is a client of the gateway's public routes, with the person's own token.
    gateway_url: str = "http://127.0.0.1:8000"
    gateway_timeout_seconds: float = 10.0
    # Signs the CSRF tokens of the forms; every replica needs the same one.
    console_secret: str = Field(
        default="dev-only-console-secret-change-me-0123456789", min_length=32
    )
    # The session cookie is `Secure` behind TLS: on wherever the console is served over https.
    console_cookie_secure: bool = False
    # Shows the dev login codes (`dev-butler:<id>`, `dev-ops:<name>`) on the login page.
    console_dev_hints: bool = True
    # How often the butler's inbox refreshes itself.
    inbox_refresh_seconds: int = Field(default=10, ge=2, le=600)
