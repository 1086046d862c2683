import secrets
from pathlib import Path

from pydantic import Field, SecretStr

from servicekit.settings import DEFAULT_DATA_DIR, ServiceSettings, sqlite_url_for


def dev_pseudonym_secret(data_dir: Path = DEFAULT_DATA_DIR) -> SecretStr:
    """The embedded default: a random secret kept in the data directory, so pseudonyms stay
    stable across restarts. Production sets PARTICIPATION_PSEUDONYM_SECRET."""
    path = data_dir / "participation-pseudonym.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return SecretStr(path.read_text().strip())


class Settings(ServiceSettings):
    service_name: str = "participation-service"
    port: int = Field(default=8003, validation_alias="PARTICIPATION_PORT")
    database_url: str = Field(
        default_factory=lambda: sqlite_url_for("participation"),
        validation_alias="PARTICIPATION_DATABASE_URL",
    )
    pseudonym_secret: SecretStr = Field(
        default_factory=dev_pseudonym_secret,
        validation_alias="PARTICIPATION_PSEUDONYM_SECRET",
        description="HMAC key that turns identity subjects into participant pseudonyms.",
    )
    report_hide_threshold: int = Field(
        default=3, ge=1, validation_alias="PARTICIPATION_REPORT_HIDE_THRESHOLD"
    )
    supports_event_seconds: float = Field(
        default=10.0, gt=0, validation_alias="PARTICIPATION_SUPPORTS_EVENT_SECONDS"
    )
    writes_per_minute_participant: int = Field(
        default=60, ge=1, validation_alias="PARTICIPATION_WRITES_PER_MINUTE_PARTICIPANT"
    )
    writes_per_minute_ip: int = Field(
        default=300, ge=1, validation_alias="PARTICIPATION_WRITES_PER_MINUTE_IP"
    )
