from pydantic import Field

from servicekit.settings import ServiceSettings, sqlite_url_for


class Settings(ServiceSettings):
    service_name: str = "catalog-service"
    port: int = Field(default=8002, validation_alias="CATALOG_PORT")
    database_url: str = Field(
        default_factory=lambda: sqlite_url_for("catalog"), validation_alias="CATALOG_DATABASE_URL"
    )
