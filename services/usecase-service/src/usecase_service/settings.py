from pydantic import Field

from servicekit.settings import ServiceSettings, sqlite_url_for


class Settings(ServiceSettings):
    service_name: str = "usecase-service"
    port: int = Field(default=8001, validation_alias="USECASE_PORT")
    database_url: str = Field(
        default_factory=lambda: sqlite_url_for("usecase"), validation_alias="USECASE_DATABASE_URL"
    )
