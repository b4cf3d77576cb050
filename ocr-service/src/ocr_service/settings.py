from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lipei.settings import ServiceSettings


class Settings(ServiceSettings):
    """ocr-service settings (environment variables of the same names, upper-case)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    service_name: str = "ocr-service"
    port: int = 8002
    database_url: str = "sqlite+aiosqlite:///./var/ocr.db"
    storage_url: str = "./var/documents"
    # intake-service's public key: extracted fields travel sealed to it (EVENTS.md forbids
    # plaintext ID and card numbers on lipei.documents.v1).
    fields_public_key: str = Field(default="", description="base64 X25519 public key of intake")
    ocr_engine: str = "rapidocr"
    ocr_threads: int = Field(default=0, description="ONNX Runtime threads per model; 0 = all cores")
    ocr_concurrency: int = Field(default=1, ge=1, description="documents read at once per process")
    max_upload_bytes: int = 10 * 1024 * 1024
