from pydantic import Field

from servicekit.settings import ServiceSettings, sqlite_url_for


class Settings(ServiceSettings):
    service_name: str = "participation-service"
    port: int = Field(default=8003, validation_alias="PARTICIPATION_PORT")
    database_url: str = Field(
        default_factory=lambda: sqlite_url_for("participation"),
        validation_alias="PARTICIPATION_DATABASE_URL",
    )
