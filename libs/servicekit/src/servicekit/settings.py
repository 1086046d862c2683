"""Settings shared by every service, read from environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path(".smartgov")


class ServiceSettings(BaseSettings):
    """Base settings; each service subclasses this with its own env prefix.

    Common variables use the `SMARTGOV_` prefix so one environment serves all services;
    per-service values (database URL, port) use the service's own prefix.
    """

    model_config = SettingsConfigDict(env_prefix="SMARTGOV_", extra="ignore", populate_by_name=True)

    service_name: str = "service"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = ""
    nats_url: str = "nats://127.0.0.1:4222"
    log_level: str = "INFO"
    log_json: bool = True
    access_log: Literal["all", "errors", "off"] = "errors"
    max_body_bytes: int = Field(default=1_048_576, ge=1)
    internal_token_public_key: SecretStr | None = None
    internal_token_public_key_file: Path | None = None
    internal_token_audience: str = "smartgov-services"
    internal_token_issuer: str = "smartgov-gateway"
    relay_poll_seconds: float = Field(default=0.5, gt=0)
    consumer_max_deliver: int = Field(default=5, ge=1)
    # JetStream replicas of the streams this process creates: 3 on a 3-node NATS cluster.
    stream_replicas: int = Field(default=1, ge=1, le=5)
    db_pool_size: int = Field(default=10, ge=1)
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)
    # Freeze what startup loaded out of the garbage collector's sight (see runtime).
    gc_settle: bool = True

    def public_key_pem(self) -> str | None:
        if self.internal_token_public_key is not None:
            return self.internal_token_public_key.get_secret_value()
        if self.internal_token_public_key_file is not None:
            return self.internal_token_public_key_file.read_text()
        return None


def sqlite_url_for(service: str, data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """The embedded default: one SQLite file per service under `.smartgov/`."""
    return f"sqlite+aiosqlite:///{(data_dir / f'{service}.db').as_posix()}"
