"""The settings every service shares. Each service has one Settings class that extends this."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Read from the environment (and a `.env` file): one process, one service."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    service_name: str = "lipei"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    # One JSON object per line; `text` for a person reading a terminal.
    log_format: Literal["json", "text"] = "json"
    # HTTP request metrics (the other metrics cost nothing per request and stay on).
    metrics_enabled: bool = True
    # Traces are recorded and exported over OTLP (HTTP) only where a collector is named.
    otel_exporter_otlp_endpoint: str = Field(
        default="", validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT"
    )
    # Idle keep-alive connections stay open this long: longer than the gateway keeps its pooled
    # connections, so the gateway, not the service, closes them and never reuses a closing one.
    http_keep_alive_seconds: int = 75
    # uvicorn worker processes sharing the port: two use both cores of a small node. More than
    # one runs migrations once beforehand (`migrate`, with `migrate_on_start` off).
    workers: int = Field(default=1, ge=1)
    # uvicorn's access line for each request (the gateway writes its own, with the request id).
    access_log: bool = True
    # How long a stopping service waits for requests in flight and for its background tasks.
    shutdown_grace_seconds: float = 10.0
    database_url: str = "sqlite+aiosqlite:///./var/lipei.db"
    # PostgreSQL: how long a connection, a statement or a free pooled connection is waited for
    # before the request answers 503 with Retry-After. A connection found dead costs up to two
    # of these (the ping, then a new connection): keep twice it under the gateway's
    # UPSTREAM_TIMEOUT_SECONDS.
    database_timeout_seconds: float = Field(default=3.0, gt=0)
    migrate_on_start: bool = Field(
        default=True, description="run Alembic migrations at start-up (off where a Job does it)"
    )
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS"
    )
    # The local broker (Tansu) lacks InitProducerId: on for Apache Kafka, off for it.
    kafka_enable_idempotence: bool = Field(
        default=False, validation_alias="KAFKA_ENABLE_IDEMPOTENCE"
    )
    kafka_client_id: str | None = None
    # How long a fetch may wait for data. Apache Kafka answers as soon as data arrives; the local
    # broker holds the fetch for the whole wait, so this bounds event latency there.
    kafka_fetch_max_wait_ms: int = 50
    # Partitions of a topic a service creates itself (a bare broker); deployments create them.
    kafka_topic_partitions: int = 6
    # Shared secret the gateway adds to every upstream call; services refuse calls without it.
    internal_token: str = Field(
        default="dev-internal-token", validation_alias="LIPEI_INTERNAL_TOKEN"
    )
    outbox_poll_seconds: float = 0.5
    outbox_retention_hours: float = 24 * 7
    consumer_max_attempts: int = 5

    @property
    def outbox_retention(self) -> timedelta:
        return timedelta(hours=self.outbox_retention_hours)

    @property
    def event_source(self) -> str:
        return f"/lipei/{self.service_name}"
