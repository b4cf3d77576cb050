"""intake-service settings, read from the environment (and `.env`)."""

from pydantic_settings import SettingsConfigDict

from lipei.settings import ServiceSettings

# Dev-only defaults so `make run` works out of the box; production sets every one of these.
# Public key for OCR (FIELDS_PUBLIC_KEY): 2WPsH/aNpKwG1lGMvJl/G74Fi7xilFkyszZBXW8kyGU=
DEV_FIELDS_PRIVATE_KEY = "S0Sjj0wJvdMZqbKyS2lZVwaxRCnG8RgulsbFMyhoFQA="
DEV_DATA_KEYS = "dev-1:vU6lcOUixcw8soRk0ySMNoqqZ3/qI+MT2CnqBzfhRYs="


class Settings(ServiceSettings):
    """intake-service settings (environment variables of the same names, upper-case)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    service_name: str = "intake-service"
    port: int = 8001
    database_url: str = "sqlite+aiosqlite:///./var/intake.db"
    # Where document bytes live: a folder, file:///path or s3://bucket/prefix.
    storage_url: str = "./var/documents"
    # A claim guide of this deployment's own (same format as the bundled claim_guide.json, e.g.
    # with its insurers' products); empty: the bundled one.
    claim_guide_file: str = ""
    max_upload_bytes: int = 10 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    # Private keys (base64 X25519, comma-separated) that open the OCR fields sealed to intake:
    # OCR seals to the first one's public key; the others open values sealed before a rotation.
    fields_private_key: str = DEV_FIELDS_PRIVATE_KEY
    # Key ring for encryption at rest: `id:base64(32 bytes)[,id:...]`, the first one encrypts.
    data_keys: str = DEV_DATA_KEYS
    # HMAC key of insurers' time-limited document links, and how long a link lives.
    document_link_secret: str = "dev-only-document-link-secret"
    document_link_ttl_seconds: int = 7 * 24 * 3600
